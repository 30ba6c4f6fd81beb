"""The typer application and the one error edge: every :class:`PeermatchError` becomes one
message on stderr and an exit code here, and nowhere else.

Commands (in :mod:`peermatch.cli.commands`) register themselves on :data:`app`.
"""

from __future__ import annotations

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
