"""The fair b-matching: the highest lowest link score, then the greatest total.

A bottleneck objective over the b-matching of :mod:`.matching`. Every rule stays: the plan
first meets as many lower bounds as the total-optimal plan does. Among those plans it
maximises the lowest score of an unpinned link (pinned links are in whatever they score),
then the total. Feasibility at a threshold ``theta`` (only links scoring ``theta`` or more
may be chosen) is monotone in ``theta``, so a binary search over the distinct scores finds
the highest feasible threshold exactly; each step is one solve of the same linear
programme (:class:`~.matching.WarmMatching`) with some links' upper bounds at 0, warm from
the last basis, and its vertex is integral (the matrix is unchanged, totally unimodular).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from peermatch.core.defaults import TIME_LIMIT
from peermatch.solver.highs import Solution

if TYPE_CHECKING:
    from peermatch.solver.highs import BoolArray, FloatArray, IntArray
    from peermatch.solver.matching import Bounds, LPMatching, WarmMatching


@dataclass(frozen=True)
class FairSolution:
    """The fair plan, the total-optimal plan it is compared with, and the threshold."""

    fair: Solution
    total: Solution  # the plan of greatest total (the price of fairness is measured on it)
    threshold: float | None  # the lowest score an unpinned link may have; None: no links


def solve_fair(
    n: int,
    teacher: IntArray,
    learner: IntArray,
    weight: FloatArray,
    score: FloatArray,
    *,
    bounds: Bounds,
    pinned: BoolArray,
    time_limit: float = TIME_LIMIT,
) -> FairSolution:
    """The plan that meets as many lower bounds as the best-total plan, with the highest
    lowest ``score`` among its unpinned links, and then the greatest total ``weight``.

    Raises :class:`~.highs.SolverLimit` if the time limit comes first (the search has no
    partial answer worth reporting as fair).
    """
    import numpy as np

    from peermatch.solver.matching import WarmMatching

    if len(weight) == 0:
        empty = Solution(np.zeros(0, dtype=bool), 0.0, True, bounds.lower_count())
        return FairSolution(empty, empty, None)
    lp = WarmMatching.over(
        n, teacher, learner, weight, pinned, bounds=bounds, time_limit=time_limit
    )
    best = lp.solve()
    total = lp.solution(best)
    free = score[~pinned]
    if len(free) == 0:
        return FairSolution(total, total, None)
    levels = np.unique(free)  # ascending; the lowest is feasible: it allows every link
    lo, hi = 0, len(levels) - 1
    found: LPMatching = best
    while lo < hi:  # invariant: levels[lo] is feasible
        mid = (lo + hi + 1) // 2
        sol = _at(lp, score, float(levels[mid]))
        if sol.unmet == best.unmet:
            lo, found = mid, sol
        else:
            hi = mid - 1
    fair = lp.solution(found)
    return FairSolution(fair, total, float(levels[lo]))


def _at(lp: WarmMatching, score: FloatArray, theta: float) -> LPMatching:
    """The b-matching using only links scoring ``theta`` or more (and the pinned ones)."""
    lp.allow(score >= theta)
    return lp.solve()
