"""What ``--history``, ``--window`` and ``--year`` do (the options are in :mod:`.app`).

Light to import (the library is imported inside :func:`adjustments_from`), so that
``peermatch --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from peermatch.cli.app import err

if TYPE_CHECKING:
    from peermatch.core.dataset import Dataset
    from peermatch.core.weights import Weights
    from peermatch.scoring.adjustments import Adjustments


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
    from peermatch.files.history import load_history
    from peermatch.scoring.adjustments import adjustments

    adj = adjustments(load_history(path, data), data, weights, year=year, window=window)
    if note:
        err(
            f"history: {len(adj.excluded)} pair(s) linked in {adj.year - window} or later "
            f"left out as repeats, {len(adj.factors)} pair(s) lifted for well-rated past "
            f"links ({path}); 'peermatch explain TEACHER LEARNER --history {path}' says why"
        )
    return adj
