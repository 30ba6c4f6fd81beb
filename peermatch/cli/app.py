"""The typer application and the one error edge: every :class:`PeermatchError` becomes one
message on stderr and an exit code here, and nowhere else.

Commands (in :mod:`peermatch.cli.commands`) register themselves on :data:`app`.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from peermatch import __version__
from peermatch.cli.console import Verbosity, err, hoist_verbosity, report_error
from peermatch.core.errors import PeermatchError


class PeermatchCommand(TyperCommand):
    """A command whose usage line names its arguments as click does (``TEACHER LEARNER``,
    ``[WHICH]``), not as typer's ``{teacher} {learner}``."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        return [p[1:-1].upper() if p[:1] == "{" and p[-1:] == "}" else p.upper() for p in pieces]


class PeermatchGroup(TyperGroup):
    """Translates every :class:`PeermatchError` into one message on stderr and exit 1 (2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for command in self.commands.values():  # typer builds them; one usage style for all
            if type(command) is TyperCommand:
                command.__class__ = PeermatchCommand

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_verbosity(args))

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list with each command's whole first line, folded, never cut short."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            first = (command.help or "").strip().split("\n\n")[0]
            rows.append((name, " ".join(first.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: Any) -> Any:  # click.Context, vendored by newer typer
        try:
            return super().invoke(ctx)
        except PeermatchError as exc:
            if debug_enabled(ctx):
                raise
            report_error(exc)
            raise typer.Exit(exc.exit_code) from None
        except UnicodeEncodeError as exc:
            # stdout cannot carry the text (PYTHONIOENCODING=ascii, an old Windows console)
            if debug_enabled(ctx):
                raise
            err(
                f"error: this terminal's encoding ({exc.encoding}) cannot show some of the "
                "text; use --output FILE, or set PYTHONIOENCODING=utf-8"
            )
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            if debug_enabled(ctx):
                raise
            err("interrupted")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # the reader went away (e.g. `| head`): stop quietly, as other tools do
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None


def debug_enabled(ctx: Any) -> bool:
    obj = ctx.find_root().obj
    return bool(isinstance(obj, dict) and obj.get("debug")) or bool(
        os.environ.get("PEERMATCH_DEBUG")
    )


app = typer.Typer(
    name="peermatch",
    cls=PeermatchGroup,
    help=(
        "Decide which health and care systems should learn from each other, on what, and why."
        "\n\nExample: peermatch suggest --for west-yorkshire --top 5"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"peermatch {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a Python traceback when something fails.")
    ] = False,
    be_quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="Only errors on stderr: no notes or warnings (any command)."
        ),
    ] = False,
    be_verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="More detail on stderr: what was loaded, timings (any command)."
        ),
    ] = False,
) -> None:
    if be_quiet and be_verbose:
        raise typer.BadParameter("use either --quiet or --verbose, not both")
    Verbosity.level = -1 if be_quiet else 1 if be_verbose else 0
    from peermatch.core import progress

    progress.quiet = be_quiet  # no progress bars with -q
    ctx.obj = {"debug": debug, "quiet": be_quiet, "verbose": be_verbose}


#: Whether :func:`main` paused the cyclic garbage collector for start-up, to be resumed by
#: :func:`end_startup`.
_paused_for_startup = False


def main(*, paused_since_start: bool = False) -> None:
    """The command line (``peermatch`` and ``python -m peermatch`` run it through
    :func:`peermatch.__main__.run`, which pauses the collector before importing it:
    ``paused_since_start``).

    Start-up (importing the command line and, lazily, the library; typer building the
    command; pydantic building the data files' models; loading the data) creates some
    hundreds of thousands of objects that all live to the end of the run. Python's cyclic
    collector, triggered by allocations, would walk them again and again as they pile up
    and free none of them (measured with ``gc.callbacks`` on the shipped data: 78
    collections, 10-17 ms, in a first ``suggest``; 40, 5-9 ms, in a warm one), so it is
    paused until :func:`end_startup`, as :mod:`peermatch.core.gc_pause` does for each
    heavy step. A command that never loads data ends with the collector paused;
    reference counting still frees everything outside cycles.
    """
    global _paused_for_startup
    if gc.isenabled() or paused_since_start:
        gc.disable()
        _paused_for_startup = True
    from peermatch.core import progress

    progress.enabled = True  # progress bars on a terminal (see peermatch.core.progress)
    only_the_command(sys.argv[1:])
    defaults_without_pydantic()
    try:
        app(prog_name="peermatch")
    finally:
        # The run is over. Python's exit ends with a full collection, collector paused or
        # not, that walks every object still alive (a validate of 50 systems: 25 ms, an
        # eighth of the run) to free none; frozen objects are not walked.
        gc.freeze()


def end_startup() -> None:
    """Start-up is over (the data is loaded): freeze what it built, so that the collector
    never walks those objects again, and resume the collector if :func:`main` paused it.
    A no-op otherwise (tests, library callers, a second call)."""
    global _paused_for_startup
    if _paused_for_startup:
        _paused_for_startup = False
        gc.freeze()
        gc.enable()


def only_the_command(args: Sequence[str]) -> None:
    """Register only the command that runs, when the first argument names one.

    typer builds a click command for every registered command on every start (reading
    each one's signature and options: about 2 ms a command, a tenth of the time a small
    ``suggest`` takes); one runs. ``peermatch suggest ...`` behaves the same with
    ``suggest`` alone registered, its help and errors included. Anything else (no
    command, ``--help``, a global option first, a typo, shell completion) keeps them all.
    """
    if not args or any(key.endswith("_COMPLETE") for key in os.environ):
        return
    from typer.main import get_command_name

    def name(info: Any) -> str:
        return str(info.name or get_command_name(info.callback.__name__))

    chosen = [info for info in app.registered_commands if name(info) == args[0]]
    if chosen:
        app.registered_commands[:] = chosen


def defaults_without_pydantic() -> None:
    """Let typer take an option's default as it is, without building a pydantic validator.

    typer (0.29 here) coerces every parameter's value through a pydantic
    ``TypeAdapter``, its own included default, and building the first one imports most of
    pydantic (about 0.1 s, as long as the rest of a warm ``peermatch suggest``). A value
    that is ``None`` never reaches the adapter anyway, and a default that is already of the
    annotated type (within its min and max) comes out of it unchanged; so the adapter is
    built only when a value from the command line or the environment needs it (see
    :func:`_plain_value` for the values that never do). Anything typer does not lay out as
    expected leaves typer as it is.
    """
    try:
        from typer import _coercion, core
    except ImportError:  # pragma: no cover - a typer without runtime coercion
        return
    param_class = getattr(core, "_TyperParameter", None)
    build: Any = getattr(_coercion, "build_runtime_param", None)
    if param_class is None or build is None or not hasattr(param_class, "get_runtime_param"):
        return  # pragma: no cover - another typer layout

    class Deferred:
        """The runtime coercion, built on the first value that needs it."""

        def __init__(self, descriptor: Any) -> None:
            self.descriptor = descriptor
            self.real: Any = None

        def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
            if value is None:
                return () if param.multiple or param.nargs == -1 else None
            if value is param.default and _plain_default(value, self.descriptor):
                return value
            plain = _plain_value(value, self.descriptor, param, ctx)
            if plain is not _ADAPTER:
                return plain
            if self.real is None:
                self.real = build(self.descriptor)
            return self.real.coerce(value, param=param, ctx=ctx)

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            self._runtime_param = Deferred(self.type_descriptor)
        return self._runtime_param

    param_class.get_runtime_param = get_runtime_param


def _plain_default(value: Any, descriptor: Any) -> bool:
    """A default the adapter would return unchanged: exactly of the (non-file) annotated
    class, a bool, int, float, str or enum, and inside its min and max."""
    kind = getattr(descriptor, "annotation", None)
    if type(value) is not kind or getattr(descriptor, "file_annotation", None) is not None:
        return False
    from enum import Enum

    if not (kind in (bool, int, float, str) or issubclass(kind, Enum)):
        return False
    info = getattr(descriptor, "parameter_info", None)
    low, high = getattr(info, "min", None), getattr(info, "max", None)
    return (low is None or low <= value) and (high is None or value <= high)


#: :func:`_plain_value`'s answer when typer's adapter has to decide.
_ADAPTER: Any = object()


def _plain_value(value: Any, descriptor: Any, param: Any, ctx: Any) -> Any:
    """``value`` from the command line as typer's adapter would make it, without building
    the adapter (importing pydantic's ``TypeAdapter`` and generating its schema: about
    50 ms, more than a warm ``peermatch suggest`` takes); :data:`_ADAPTER` otherwise.

    Only where the adapter wraps one of typer's own functions, or pydantic's answer is
    plain: a string option, a choice (typer's ``coerce_cli_choice``), a path (typer's
    ``coerce_cli_path``, given the ``Path`` pydantic would make of the text, when that
    reads as the text did), and a whole number in ASCII digits inside its min and max.
    Anything else, and every value that fails, goes to the adapter, so that the error is
    typer's own. A test holds every option of every command to the adapter's answers.
    """
    info = getattr(descriptor, "parameter_info", None)
    if (
        type(value) is not str
        or info is None
        or getattr(info, "parser", None) is not None
        or getattr(descriptor, "file_annotation", None) is not None
        or getattr(descriptor, "is_list", True)
        or getattr(descriptor, "is_tuple", True)
    ):
        return _ADAPTER
    kind = descriptor.annotation
    if kind is str:
        return value
    if kind is int:
        return _plain_int(value, info)
    try:
        from typer._param_types import coerce_cli_choice, coerce_cli_path
    except ImportError:  # pragma: no cover - another typer layout
        return _ADAPTER
    if descriptor.choices is not None:
        try:
            return coerce_cli_choice(
                value, choices=descriptor.choices, case_sensitive=info.case_sensitive, ctx=ctx
            )
        except ValueError:
            return _ADAPTER
    if descriptor.is_path:
        from pathlib import Path

        path_type = info.path_type
        if path_type is None and isinstance(kind, type) and issubclass(kind, Path):
            path_type = kind
        if path_type is None or path_type is str or path_type is bytes:
            return coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)
        if isinstance(path_type, type) and issubclass(path_type, Path):
            typed = path_type(value)  # what pydantic's Path makes of any string
            if str(typed) == value:  # typer's messages quote the text: "x/" would be "x"
                return coerce_cli_path(typed, info, path_type=path_type, param=param, ctx=ctx)
    return _ADAPTER


def _plain_int(value: str, info: Any) -> Any:
    """A whole number in ASCII digits (at most 18: pydantic's range is 64-bit) inside the
    option's min and max, not clamped; else :data:`_ADAPTER`."""
    if not (value.isascii() and value.isdigit() and len(value) <= 18) or info.clamp:
        return _ADAPTER
    number = int(value)
    low, high = info.min, info.max
    if (low is not None and number < low) or (high is not None and number > high):
        return _ADAPTER
    return number
