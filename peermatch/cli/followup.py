"""The ``--history`` options that ``suggest``, ``explain``, ``plan`` and ``report`` share.

Light to import (the library is imported inside :func:`adjustments_from`), so that
``peermatch --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from peermatch.cli.app import err

if TYPE_CHECKING:
    from peermatch.history import Adjustments
    from peermatch.loading import Dataset
    from peermatch.weights import Weights

#: The default of --window; equal to :data:`peermatch.history.DEFAULT_WINDOW` (tested).
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


def adjustments_from(
    path: Path | None,
    data: Dataset,
    weights: Weights,
    window: int,
    year: int | None,
    *,
    note: bool = False,
) -> Adjustments | None:
    """The history's adjustments, or None without ``--history``; ``note`` prints a summary."""
    if path is None:
        return None
    from peermatch import history

    adj = history.adjustments(
        history.load_history(path, data), data, weights, year=year, window=window
    )
    if note:
        err(
            f"history: {len(adj.excluded)} pair(s) linked in {adj.year - window} or later "
            f"left out as repeats, {len(adj.factors)} pair(s) lifted for well-rated past "
            f"links ({path}); 'peermatch explain TEACHER LEARNER --history {path}' says why"
        )
    return adj
