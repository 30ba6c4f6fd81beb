"""The typer application, the options every command shares, and the one error edge."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from peermatch import __version__
from peermatch.errors import DataError, PeermatchError, UsageError
from peermatch.output import Format, Listing, emit

#: How many finding lines an error prints before pointing at ``peermatch validate``.
MAX_SHOWN = 20


class PeermatchGroup(TyperGroup):
    """Translates every :class:`PeermatchError` into one message on stderr and exit 1 (2)."""

    def invoke(self, ctx: Any) -> Any:  # click.Context, vendored by newer typer
        try:
            return super().invoke(ctx)
        except PeermatchError as exc:
            if debug_enabled(ctx):
                raise
            report_error(exc)
            raise typer.Exit(exc.exit_code) from None
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


def err(message: str) -> None:
    """A message for the user on stderr (never on stdout, where the rows go)."""
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.stderr.flush()


def report_error(exc: PeermatchError) -> None:
    if isinstance(exc, DataError) and exc.findings:
        errors = exc.errors or exc.findings
        for finding in errors[:MAX_SHOWN]:
            err(str(finding))
        if len(errors) > MAX_SHOWN:
            err(f"... and {len(errors) - MAX_SHOWN} more; run 'peermatch validate' to see all")
        return
    prefix = "usage error" if isinstance(exc, UsageError) else "error"
    err(f"{prefix}: {exc}")


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
) -> None:
    ctx.obj = {"debug": debug}


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
        dir_okay=False,
    ),
]
WeightsOpt = Annotated[
    Path | None,
    typer.Option(
        "--weights", help="YAML file overriding scoring weights (see README).", show_default=False
    ),
]


def fail_usage(message: str) -> NoReturn:
    raise UsageError(message)


__all__ = [
    "ChallengesOpt",
    "DataOpt",
    "Format",
    "FormatOpt",
    "Listing",
    "OutputOpt",
    "SystemsOpt",
    "WeightsOpt",
    "app",
    "emit",
    "err",
    "main",
]


def main() -> None:
    """The ``peermatch`` console script (also ``python -m peermatch``)."""
    app(prog_name="peermatch")
