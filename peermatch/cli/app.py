"""The typer application, the options every command shares, and the one error edge."""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn, TypeVar, cast

import typer
from typer.core import TyperGroup

from peermatch import __version__
from peermatch.core.errors import DataError, PeermatchError, UsageError
from peermatch.core.findings import Finding
from peermatch.present.annotations import annotation, in_github_actions, message_annotation
from peermatch.present.listing import Format, Listing, emit

if TYPE_CHECKING:
    from peermatch.core.dataset import Dataset
    from peermatch.core.weights import Weights
    from peermatch.scoring.adjustments import Adjustments

#: How many finding lines an error prints before pointing at ``peermatch validate``.
MAX_SHOWN = 20


#: The global flags that may also be written after the command (``peermatch validate -q``).
VERBOSITY_FLAGS = frozenset({"-q", "--quiet", "-v", "--verbose"})


class PeermatchGroup(TyperGroup):
    """Translates every :class:`PeermatchError` into one message on stderr and exit 1 (2)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_verbosity(args))

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


def hoist_verbosity(args: Sequence[str]) -> list[str]:
    """Move -q/--quiet and -v/--verbose to the front, so that they work after the command too.

    Everything after a ``--`` is left alone.
    """
    args = list(args)
    end = args.index("--") if "--" in args else len(args)
    flags = [a for a in args[:end] if a in VERBOSITY_FLAGS]
    if not flags:
        return args
    return flags + [a for a in args[:end] if a not in VERBOSITY_FLAGS] + args[end:]


class _Verbosity:
    """-q (-1), normal (0) or -v (1); set by the root callback on every run."""

    level = 0


def quiet() -> bool:
    return _Verbosity.level < 0


def verbose() -> bool:
    return _Verbosity.level > 0


def debug_enabled(ctx: Any) -> bool:
    obj = ctx.find_root().obj
    return bool(isinstance(obj, dict) and obj.get("debug")) or bool(
        os.environ.get("PEERMATCH_DEBUG")
    )


def err(message: str) -> None:
    """A message for the user on stderr (never on stdout, where the rows go)."""
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.stderr.flush()


def note(message: str) -> None:
    """A note or warning on stderr; ``-q`` silences it (errors use :func:`err`)."""
    if not quiet():
        err(message)


def info(message: str) -> None:
    """Detail on stderr (timings, counts) shown only with ``-v``."""
    if verbose():
        err(message)


def annotate(findings: Sequence[Finding]) -> None:
    """In a GitHub Actions job, print each finding as an annotation on stderr."""
    if in_github_actions():
        for finding in findings:
            err(annotation(finding))


def report_error(exc: PeermatchError) -> None:
    if isinstance(exc, DataError) and exc.findings:
        errors = exc.errors or exc.findings
        for finding in errors[:MAX_SHOWN]:
            err(str(finding))
        if len(errors) > MAX_SHOWN:
            err(f"... and {len(errors) - MAX_SHOWN} more; run 'peermatch validate' to see all")
        annotate(errors[:MAX_SHOWN])
        return
    prefix = "usage error" if isinstance(exc, UsageError) else "error"
    err(f"{prefix}: {exc}")
    if in_github_actions():
        err(message_annotation(str(exc)))


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
    _Verbosity.level = -1 if be_quiet else 1 if be_verbose else 0
    from peermatch.core import progress

    progress.quiet = be_quiet  # no progress bars with -q
    ctx.obj = {"debug": debug, "quiet": be_quiet, "verbose": be_verbose}


# --------------------------------------------------------------------------- shared options

DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        envvar="PEERMATCH_DATA",
        help="Folder with systems.yaml and challenges.yaml [default: the shipped data].",
        show_default=False,
    ),
]
SystemsOpt = Annotated[
    Path | None,
    typer.Option("--systems", help="The systems file (overrides --data).", show_default=False),
]
ChallengesOpt = Annotated[
    Path | None,
    typer.Option(
        "--challenges", help="The challenges catalogue (overrides --data).", show_default=False
    ),
]
FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file (atomically) instead of stdout.",
        show_default=False,
        metavar="<file>",
    ),
]
WeightsOpt = Annotated[
    Path | None,
    typer.Option(
        "--weights", help="YAML file overriding scoring weights (see README).", show_default=False
    ),
]


NewOnlyOpt = Annotated[bool, typer.Option("--new-only", help="Leave out existing partners.")]

#: The default of --window; equal to :data:`peermatch.files.history.DEFAULT_WINDOW` (tested).
DEFAULT_WINDOW = 2

HistoryOpt = Annotated[
    Path | None,
    typer.Option(
        "--history",
        help="history.yaml of past links and their outcomes: leave out repeats within "
        "--window years and lift teachers whose links were rated well (see README).",
        show_default=False,
        dir_okay=False,
    ),
]
WindowOpt = Annotated[
    int,
    typer.Option(
        "--window",
        min=0,
        max=100,
        help="With --history: do not repeat a link made this many years before the "
        "planning year or later.",
    ),
]
YearOpt = Annotated[
    int | None,
    typer.Option(
        "--year",
        min=1900,
        max=2200,
        help="With --history: the year being planned [default: the newest year in the "
        "history plus one].",
        show_default=False,
    ),
]


# ------------------------------------------------------------------ @shares: the usual tail

#: The groups of options :func:`shares` adds, in the order every command lists them.
Group = Literal["history", "weights", "data", "format", "output"]


def _option(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


GROUPS: dict[Group, tuple[inspect.Parameter, ...]] = {
    "history": (
        _option("history", HistoryOpt, None),
        _option("window", WindowOpt, DEFAULT_WINDOW),
        _option("year", YearOpt, None),
    ),
    "weights": (_option("weights", WeightsOpt, None),),
    "data": (
        _option("data", DataOpt, None),
        _option("systems", SystemsOpt, None),
        _option("challenges", ChallengesOpt, None),
    ),
    "format": (_option("fmt", FormatOpt, Format.table),),
    "output": (_option("output", OutputOpt, None),),
}


@dataclass(frozen=True)
class Shared:
    """The shared options' values; one a command does not take keeps its default."""

    history: Path | None
    window: int
    year: int | None
    weights: Path | None
    data: Path | None
    systems: Path | None
    challenges: Path | None
    fmt: Format
    output: Path | None

    def load(self) -> Dataset:
        """The dataset --data, --systems and --challenges name."""
        from peermatch.cli.common import load_data

        return load_data(self.data, self.systems, self.challenges)

    def load_weights(self) -> Weights:
        """The --weights file's weights, or the defaults."""
        from peermatch.cli.common import weights_from

        return weights_from(self.weights)

    def adjustments(
        self, data: Dataset, weights: Weights, *, note: bool = False
    ) -> Adjustments | None:
        """What --history changes (None without it); ``note`` prints a summary."""
        from peermatch.cli.followup import adjustments_from

        return adjustments_from(self.history, data, weights, self.window, self.year, note=note)

    def emit(self, listing: Listing) -> None:
        """Write ``listing`` in --format to --output (or stdout)."""
        emit(listing, self.fmt, self.output)


_DEFAULTS = {p.name: p.default for group in GROUPS.values() for p in group}

F = TypeVar("F", bound=Callable[..., Any])


def shares(*groups: Group) -> Callable[[F], F]:
    """Give a command the shared options of ``groups``, after its own, as one ``shared``.

    The command declares only its own options and a last parameter ``shared: Shared``;
    its --help lists the groups' options in the one order all commands use::

        @app.command()
        @shares("data", "format", "output")
        def systems(*, shared: Shared) -> None:
            shared.emit(listings.systems_listing(shared.load()))
    """

    unknown = set(groups) - set(GROUPS)
    if unknown:
        raise ValueError(f"no such option group(s): {sorted(unknown)}; see GROUPS")

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        own = [p for name, p in signature.parameters.items() if name != "shared"]
        if len(own) == len(signature.parameters):
            raise TypeError(f"{command.__name__} needs a parameter 'shared: Shared'")
        added = [p for group, params in GROUPS.items() if group in groups for p in params]

        @functools.wraps(command)
        def with_shared(**values: Any) -> Any:
            given = {p.name: values.pop(p.name) for p in added}
            return command(**values, shared=Shared(**{**_DEFAULTS, **given}))

        params = [*own, *added]
        with_shared.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        with_shared.__annotations__ = {p.name: p.annotation for p in params}
        return cast(F, with_shared)

    return decorate


def fail_usage(message: str) -> NoReturn:
    raise UsageError(message)


__all__ = [
    "DEFAULT_WINDOW",
    "ChallengesOpt",
    "DataOpt",
    "Format",
    "FormatOpt",
    "HistoryOpt",
    "Listing",
    "NewOnlyOpt",
    "OutputOpt",
    "Shared",
    "SystemsOpt",
    "WeightsOpt",
    "WindowOpt",
    "YearOpt",
    "annotate",
    "app",
    "emit",
    "err",
    "info",
    "main",
    "note",
    "only_the_command",
    "quiet",
    "shares",
    "verbose",
]


def main() -> None:
    """The ``peermatch`` console script (also ``python -m peermatch``)."""
    from peermatch.core import progress

    progress.enabled = True  # progress bars on a terminal (see peermatch.core.progress)
    only_the_command(sys.argv[1:])
    app(prog_name="peermatch")


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
