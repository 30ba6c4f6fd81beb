"""The ring packing's integer programme, exact at any size: minimise ``c @ x`` over binary
``x`` within row bounds, large problems first shrunk by LP reduced-cost fixing (the LP's
duals from :mod:`peermatch.solver.ring_duals`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from peermatch.solver.highs import Clock, solve_milp
from peermatch.solver.ring_duals import lp_duals

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]

#: Up to this many columns, a packing goes straight to the MILP solver.
DIRECT_COLUMNS = 5_000


#: The most columns the final MILP of a large packing may have (beyond, no proof).
FINAL_COLUMNS = 20_000


#: Columns in the first, quick MILP that finds a good incumbent for a larger packing
#: (at least this many, or this many per row).
FEW_COLUMNS = 2_000


FEW_PER_ROW = 5


# A solver kernel, kept whole on purpose (longer than the ~60-line rule): the integer
# programme and its feasibility check share one model and one incumbent.
def pack(
    c: FloatArray,
    a: Any,
    lo: FloatArray,
    hi: FloatArray,
    clock: Clock,
    start: FloatArray | None = None,
    enough: Callable[[float, float], bool] | None = None,
) -> tuple[FloatArray | None, bool, float]:
    """Minimise ``c @ x`` over binary ``x`` with ``lo <= a @ x <= hi`` (``a >= 0``), exactly.

    Returns (x or None, optimal, a lower bound on the minimum). When the solver proves
    infeasibility it returns (None, True, inf).

    Large problems are first shrunk without losing the optimum, by LP reduced-cost
    fixing. For any duals ``y`` of the LP relaxation (signs respected), every binary
    ``x`` with ``x_j = 1`` has ``c @ x >= D(y) + max(r_j, 0)``, where ``r = c - a.T @ y``
    and ``D(y) = y @ rhs + sum(min(r, 0))`` is the dual bound. So a column whose
    ``D + r_j`` exceeds the cost of a known solution (``start``, or the MILP over the
    columns the LP likes best) cannot be in a better one, and is dropped before the
    final MILP. If the known solution meets ``D`` it is optimal and no MILP is needed.
    The LP itself is solved by column generation (few rows, very many columns).

    ``enough(incumbent, bound)`` may declare a known solution good enough (optimal for
    the caller's purpose) before the final MILP.
    """
    import numpy as np
    import scipy.sparse as sp

    k = len(c)
    zeros, ones = np.zeros(k), np.ones(k)
    if k <= DIRECT_COLUMNS:
        x, optimal, dual, status = solve_milp(c, a, lo, hi, zeros, ones, clock, start=start)
        if status == 2:
            return None, True, float("inf")
        return x, optimal, dual
    a = sp.csc_array(a)
    duals = lp_duals(c, a, lo, hi, clock, start)
    if duals is None:  # the LP failed or is infeasible: let the MILP say which
        if clock.expired():
            return start, False, float("-inf")
        x, optimal, dual, status = solve_milp(c, a, lo, hi, zeros, ones, clock)
        if status == 2:
            return None, True, float("inf")
        return x, optimal, dual
    r, bound = duals

    def feasible(x: FloatArray) -> bool:
        ax = a @ x
        return bool(np.all(ax >= lo - 1e-9) and np.all(ax <= hi + 1e-9))

    best: FloatArray | None = start if start is not None and feasible(start) else None
    # a strong incumbent: the MILP on the columns the LP likes best
    few = np.argsort(r, kind="stable")[: max(FEW_COLUMNS, FEW_PER_ROW * a.shape[0])]
    if best is not None:
        few = np.union1d(few, np.flatnonzero(best > 0.5))
    x_f, _, _, _ = solve_milp(
        c[few], a[:, few], lo, hi, zeros[few], ones[few], clock, share=0.3, gap=1e-5
    )
    if x_f is not None:
        found = np.zeros(k)
        found[few] = x_f
        if best is None or c @ found < c @ best:
            best = found
    if best is None:
        if clock.expired():
            return None, False, bound
        x, optimal, dual, _ = solve_milp(c, a, lo, hi, zeros, ones, clock)
        return x, optimal, max(dual, bound)
    incumbent = float(c @ best)
    if incumbent <= bound + 1e-9 * max(1.0, abs(bound)) or (
        enough is not None and enough(incumbent, bound)
    ):
        return best, True, bound
    slack = 1e-7 * max(1.0, abs(incumbent))
    keep = np.flatnonzero(bound + np.maximum(r, 0.0) <= incumbent + slack)
    exact = len(keep) <= FINAL_COLUMNS
    if not exact:  # too many to prove: improve on the incumbent among the likeliest
        keep = keep[np.argsort(r[keep], kind="stable")[:FINAL_COLUMNS]]
    keep = np.union1d(keep, np.flatnonzero(best > 0.5))
    if clock.expired():
        return best, False, bound
    x_k, optimal, dual, _ = solve_milp(c[keep], a[:, keep], lo, hi, zeros[keep], ones[keep], clock)
    if x_k is None:
        return best, False, max(dual, bound)
    x = np.zeros(k)
    x[keep] = x_k
    if c @ x > incumbent:  # equal up to rounding: keep the incumbent
        x = best
    if not exact:
        return x, False, bound
    return x, optimal, max(dual, bound)
