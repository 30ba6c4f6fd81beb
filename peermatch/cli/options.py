"""The options commands share (data, format, output, weights, history), added to each
command by :func:`shares` in one order, and their values as one :class:`Shared`.

Defaults come from :mod:`peermatch.core.defaults`, which imports nothing, so building the
options costs nothing at start-up.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, cast

import typer

from peermatch.cli.console import note
from peermatch.core.defaults import DEFAULT_WINDOW, TIME_LIMIT
from peermatch.core.numbers import SECONDS, YEAR
from peermatch.present.listing import Format, Listing, emit, format_for

if TYPE_CHECKING:
    from peermatch.core.dataset import Dataset
    from peermatch.core.weights import Weights
    from peermatch.scoring.adjustments import Adjustments

# --------------------------------------------------------------------------- option shapes


def ranged(flag: str, bounds: tuple[int, int], help: str, **more: Any) -> Any:
    """A whole-number option within ``bounds`` (a range of :mod:`peermatch.core.numbers`),
    whose default, if it has one worth showing, its ``help`` says."""
    return typer.Option(flag, min=bounds[0], max=bounds[1], help=help, show_default=False, **more)


def strict_option(help: str) -> Any:
    """``--strict``: exit 1 when the result falls short as ``help`` says."""
    return typer.Option("--strict", help=help)


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
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format [default: from --output's extension (.csv, .json, .md), else table].",
        case_sensitive=False,
        show_default=False,
    ),
]


def _stdout_dash(value: Path | None) -> Path | None:
    """``--output -`` means stdout, as no option at all does."""
    return None if value is not None and str(value) == "-" else value


OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file (atomically) instead of stdout; '-' is stdout.",
        show_default=False,
        metavar="<file>",
        callback=_stdout_dash,
    ),
]
NoCacheOpt = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        envvar="PEERMATCH_NO_CACHE",
        help="Check the data files for real, without the validated-data cache (see "
        "'peermatch cache info').",
    ),
]
ForceOutputOpt = Annotated[
    bool,
    typer.Option("--force", help="Let --output replace one of the command's own input files."),
]
WeightsOpt = Annotated[
    Path | None,
    typer.Option(
        "--weights",
        help="YAML file overriding scoring weights, e.g. 'related_factor: 0.4' (keys: "
        "priority, level_shortfall, related_factor, context_weight, context, partner_factor, "
        "history_lift).",
        show_default=False,
    ),
]


NewOnlyOpt = Annotated[bool, typer.Option("--new-only", help="Leave out existing partners.")]
AcrossOpt = Annotated[
    bool,
    typer.Option(
        "--across",
        help="Leave out pairs within one top-level system (units linked by part_of).",
    ),
]


class Role(StrEnum):
    """``suggest --as``: one direction at a time for the system named by --for."""

    learner = "learner"
    teacher = "teacher"


HistoryOpt = Annotated[
    Path | None,
    typer.Option(
        "--history",
        help="history.yaml of past links and their outcomes: leave out repeats within "
        "--window years and lift teachers whose links on the learner's needs were rated "
        "4 or 5 ('peermatch explain TEACHER LEARNER --history FILE' says why).",
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
    ranged(
        "--year",
        YEAR,
        "With --history: the year being planned [default: the newest year in the history "
        "plus one].",
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
        _option("no_cache", NoCacheOpt, False),
    ),
    "format": (_option("fmt", FormatOpt, None),),
    "output": (_option("output", OutputOpt, None), _option("force", ForceOutputOpt, False)),
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
    no_cache: bool
    fmt: Format
    output: Path | None
    force: bool

    def inputs(self) -> list[Path | None]:
        """The files this command reads (for :func:`~peermatch.files.atomic.refuse_inputs`)."""
        folder = self.data if self.data is not None and self.data.is_dir() else None
        return [
            self.systems or (folder / "systems.yaml" if folder else None),
            self.challenges or (folder / "challenges.yaml" if folder else None),
            folder / "peers.yaml" if folder else None,
            self.history,
            self.weights,
        ]

    @classmethod
    def of(cls, values: dict[str, Any]) -> Shared:
        """The shared options' values, with --format settled: as given, else from
        --output's extension, else a table."""
        given = {**_DEFAULTS, **values}
        if given["fmt"] is None:
            given["fmt"] = format_for(given["output"])
        return cls(**given)

    def load(self) -> Dataset:
        """The dataset --data, --systems and --challenges name."""
        from peermatch.cli.loaders import load_data

        return load_data(self.data, self.systems, self.challenges, use_cache=not self.no_cache)

    def load_weights(self) -> Weights:
        """The --weights file's weights, or the defaults."""
        from peermatch.cli.loaders import weights_from

        return weights_from(self.weights)

    def adjustments(
        self, data: Dataset, weights: Weights, *, note: bool = False
    ) -> Adjustments | None:
        """What --history changes (None without it); ``note`` prints a summary."""
        from peermatch.cli.loaders import adjustments_from

        return adjustments_from(self.history, data, weights, self.window, self.year, note=note)

    def emit(self, listing: Listing) -> None:
        """Write ``listing`` in --format to --output (or stdout)."""
        emit(listing, self.fmt, self.output)

    def notes(self, lines: Iterable[str]) -> None:
        """Notes a table's footer already holds: on stderr when the rows are not a table
        on stdout (another --format, or --output)."""
        if self.fmt is not Format.table or self.output is not None:
            for line in lines:
                note(line)

    def write_text(self, text: str) -> None:
        """Write ready-made ``text`` to --output (or stdout)."""
        if self.output is not None and str(self.output) != "-":
            from peermatch.files.atomic import write_atomic

            write_atomic(self.output, text)
        else:
            typer.echo(text, nl=False)


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
            given = {p.name: values.pop(p.name, p.default) for p in added}
            shared = Shared.of(given)
            if shared.output is not None:
                from peermatch.files.atomic import refuse_inputs

                own_files = [v for v in values.values() if isinstance(v, Path)]
                refuse_inputs(shared.output, [*shared.inputs(), *own_files], force=shared.force)
            return command(**values, shared=shared)

        params = [*own, *added]
        with_shared.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        with_shared.__annotations__ = {p.name: p.annotation for p in params}
        return cast(F, with_shared)

    return decorate


TimeLimitOpt = Annotated[
    float,
    typer.Option(
        "--time-limit",
        min=SECONDS[0],
        max=SECONDS[1],
        help="Seconds the solver may take; then it reports the best found and its bound.",
    ),
]

__all__ = [
    "DEFAULT_WINDOW",
    "TIME_LIMIT",
    "ChallengesOpt",
    "DataOpt",
    "Format",
    "FormatOpt",
    "HistoryOpt",
    "NewOnlyOpt",
    "NoCacheOpt",
    "OutputOpt",
    "Shared",
    "SystemsOpt",
    "TimeLimitOpt",
    "WeightsOpt",
    "WindowOpt",
    "YearOpt",
    "shares",
]
