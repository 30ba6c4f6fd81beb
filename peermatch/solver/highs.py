"""HiGHS behind one clock and one status mapper: what the solvers of :mod:`.matching`,
:mod:`.rings` (and the groups of :mod:`peermatch.analysis.groups`) share.

The solvers see only arrays: system ``i`` is ``0..n-1``, link ``l`` goes from
``teacher[l]`` to ``learner[l]`` and is worth ``weight[l]``. They know nothing about
profiles or topics, so they can be fed from the reference scores or from the score matrix
alike. HiGHS is reached through ``highspy``, imported lazily.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peermatch.core.errors import PeermatchError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]

#: The tolerance within which a solver value counts as integral.
INTEGRAL_TOL = 1e-6


class SolverLimit(PeermatchError):
    """The solver stopped (time limit) before it found any plan at all."""


@dataclass(frozen=True)
class Solution:
    """What a solve chose, with an upper bound on the best possible objective."""

    chosen: BoolArray  # per link (b-matching) or per ring (rings)
    bound: float  # no feasible choice has a higher objective (with the same unmet count)
    optimal: bool  # False when the time limit stopped the search early
    unmet: int = 0  # lower bounds (b-matching) left unmet; systems left out (rings)


class Clock:
    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.end = time.monotonic() + limit

    def left(self) -> float:
        return max(self.end - time.monotonic(), 0.01)

    def expired(self) -> bool:
        return time.monotonic() >= self.end


def silent_highs(seed: int | None = None) -> Any:
    """An empty HiGHS object that prints nothing (with ``seed``: a fixed random seed)."""
    import highspy

    # highspy.Highs() logs HiGHS's banner to stdout as it starts (highspy 1.16); the core
    # object stays silent if output is switched off before anything else
    h = getattr(highspy, "_Highs", highspy.Highs)()
    h.setOptionValue("output_flag", False)
    if seed is not None:
        h.setOptionValue("random_seed", int(seed))
    # "threads" is left alone: HiGHS keeps one thread pool per process, and once one object
    # has started it with the default, run() on an object asking for another count fails.
    # No answer depends on it: HiGHS's MIP search and simplex are serial.
    return h


#: What :func:`status_of` answers: proven optimal, stopped by the time limit, infeasible,
#: anything else.
OPTIMAL, TIME_LIMIT, INFEASIBLE, OTHER = 0, 1, 2, 4


def status_of(h: Any) -> int:
    """The one status mapper: HiGHS's model status after ``run()`` as one of
    :data:`OPTIMAL`, :data:`TIME_LIMIT`, :data:`INFEASIBLE` or :data:`OTHER`."""
    import highspy

    statuses = highspy.HighsModelStatus
    codes = {
        statuses.kOptimal: OPTIMAL,
        statuses.kTimeLimit: TIME_LIMIT,
        statuses.kInfeasible: INFEASIBLE,
    }
    return codes.get(h.getModelStatus(), OTHER)


def has_solution(h: Any) -> bool:
    """Whether the last ``run()`` left a feasible primal solution."""
    import highspy

    return bool(h.getInfo().primal_solution_status == highspy.kSolutionStatusFeasible)


def new_highs(
    c: FloatArray, a: Any, lo: FloatArray, hi: FloatArray, lb: FloatArray, ub: FloatArray
) -> Any:
    """A silent HiGHS object holding ``min c @ x, lo <= a @ x <= hi, lb <= x <= ub``."""
    import numpy as np
    import scipy.sparse as sp

    h = silent_highs()
    csc = sp.csc_array(a)
    csc.sort_indices()
    rows, cols = csc.shape
    no_int = np.zeros(0, dtype=np.int32)
    h.addRows(rows, lo.astype(np.float64), hi.astype(np.float64), 0, no_int, no_int, np.zeros(0))
    h.addCols(
        cols, c.astype(np.float64), lb.astype(np.float64), ub.astype(np.float64), csc.nnz,
        csc.indptr[:-1].astype(np.int32), csc.indices.astype(np.int32),
        csc.data.astype(np.float64),
    )  # fmt: skip
    return h


def time_left(h: Any, clock: Clock, share: float = 1.0) -> None:
    # HiGHS counts its time limit over every run of the object, not from this one
    h.setOptionValue("time_limit", h.getRunTime() + clock.left() * share)


def solve_milp(
    c: FloatArray,
    a: Any,
    lo: FloatArray,
    hi: FloatArray,
    lb: FloatArray,
    ub: FloatArray,
    clock: Clock,
    share: float = 1.0,
    gap: float = 0.0,
    start: FloatArray | None = None,
) -> tuple[FloatArray | None, bool, float, int]:
    """Minimise ``c @ x`` over integer ``lb <= x <= ub``: (x or None, optimal, dual bound,
    status).

    ``share`` is the part of the time left that this solve may use; ``gap`` the relative
    gap at which it may stop (0: prove the optimum); ``start`` a feasible ``x`` to begin
    from (the answer is never worse). ``status`` is 0 when proven optimal,
    1 at the time limit, 2 when infeasible, 4 otherwise.
    """
    import highspy
    import numpy as np

    h = new_highs(c, a, lo, hi, lb, ub)
    k = len(c)
    h.changeColsIntegrality(
        k, np.arange(k, dtype=np.int32), np.full(k, highspy.HighsVarType.kInteger)
    )
    h.setOptionValue("mip_rel_gap", gap)
    if start is not None:
        given = highspy.HighsSolution()
        given.col_value = [float(v) for v in start]
        given.value_valid = True
        h.setSolution(given)
    time_left(h, clock, share)
    h.run()
    code = status_of(h)
    info = h.getInfo()
    x = None
    if code != INFEASIBLE and has_solution(h):
        x = np.asarray(h.getSolution().col_value, dtype=float)
        if np.any(np.abs(x - np.round(x)) > INTEGRAL_TOL):  # pragma: no cover
            raise PeermatchError("the solver returned a fractional plan; please report this")
        x = np.round(x)
    bound = float(info.mip_dual_bound)
    dual = bound if np.isfinite(bound) else float("-inf")
    if code == 0 and x is not None and not np.isfinite(bound):  # pragma: no cover
        dual = float(c @ x)
    return x, code == 0, dual, code


def limit_error(seconds: float) -> SolverLimit:
    return SolverLimit(
        f"the solver reached its time limit of {seconds:g} s before finding any plan; "
        "raise --time-limit, or make the problem smaller (--teach/--learn, fewer systems)"
    )
