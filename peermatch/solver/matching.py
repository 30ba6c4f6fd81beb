"""The b-matching behind ``plan``: the links of greatest total weight within capacities.

Choose links ``x_l`` in {0, 1} to maximise ``sum w_l x_l`` subject to, for every system
``i``, ``teach_lower_i <= sum_{teacher(l)=i} x_l <= teach_cap_i`` and the same for
learning, with pinned links fixed at 1. Every column of the constraint matrix has one 1 in
a teacher row and one in a learner row: the incidence matrix of a bipartite graph, which
is totally unimodular, so the LP's optimal vertex is integral (checked after every solve).
When the lower bounds cannot all hold, the programme is lexicographic: first the fewest
unmet lower bounds (a slack per bound, costing more than any plan's total), then the
highest total. The caller explains who was left out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from peermatch.core.defaults import TIME_LIMIT
from peermatch.core.errors import PeermatchError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]
from peermatch.solver.highs import INTEGRAL_TOL, Solution, limit_error, silent_highs


@dataclass(frozen=True)
class Bounds:
    """Each system's rules in a b-matching, the settings every plan's solver shares.

    ``teach_cap[i]`` / ``learn_cap[i]``: the most links system ``i`` teaches / learns in;
    ``teach_lower[i]`` / ``learn_lower[i]``: whether it is asked to teach / learn at least
    once (a lower bound the solvers meet as often as they can).
    """

    teach_cap: IntArray
    learn_cap: IntArray
    teach_lower: BoolArray
    learn_lower: BoolArray

    def lower_count(self) -> int:
        """How many lower bounds there are (each unmet when there are no links)."""
        return int(self.teach_lower.sum() + self.learn_lower.sum())

    def times(self, rounds: int) -> Bounds:
        """The capacities of ``rounds`` rounds together, the same lower bounds."""
        return replace(self, teach_cap=self.teach_cap * rounds, learn_cap=self.learn_cap * rounds)


def solve_bmatching(
    n: int,
    teacher: IntArray,
    learner: IntArray,
    weight: FloatArray,
    *,
    bounds: Bounds,
    pinned: BoolArray,
    time_limit: float = TIME_LIMIT,
) -> Solution:
    """The links of greatest total ``weight`` within capacities, meeting the most lower bounds.

    ``bounds.teach_lower[i]`` asks that system ``i`` teach at least once (likewise
    learning); the solution meets as many of these as possible and, among those plans, has
    the greatest total. Pinned links must respect the capacities (the caller checks). One linear
    programme (:class:`WarmMatching`) over every link, its vertex integral.
    """
    import numpy as np

    if len(weight) == 0:
        return Solution(np.zeros(0, dtype=bool), 0.0, True, bounds.lower_count())
    lp = WarmMatching.over(
        n, teacher, learner, weight, pinned, bounds=bounds, time_limit=time_limit
    )
    return lp.solution(lp.solve())


@dataclass(frozen=True)
class LPMatching:
    """One LP solve of the b-matching over the links so far, with its dual prices.

    ``teacher_price[i] + learner_price[j]`` is what a link ``i -> j`` must be worth to
    improve the plan; ``bound`` is the dual bound over these links (add what the links
    left out could gain, priced the same way, for a bound over every link).
    """

    chosen: BoolArray  # per link, in the order the links were added
    unmet: int
    teacher_price: FloatArray
    learner_price: FloatArray
    bound: float  # of sum(weight * x) - big_m * unmet, over the links given


class WarmMatching:
    """The b-matching as a linear programme that grows: column generation's master problem.

    Maximise ``sum(weight * x) - big_m * (unmet lower bounds)``: with ``big_m`` above any
    plan's total weight (derived from ``max_weight``, the most any link will weigh), this
    meets as many lower bounds as possible, then maximises the
    total, like :func:`solve_bmatching`. Rows: each system's teaching and learning
    capacity, and for each lower bound "its links + a slack >= 1", the slack costing
    ``big_m``. Links join as columns (:meth:`add`) and may be reweighed (:meth:`reweigh`);
    each :meth:`solve` starts from the previous optimal basis (HiGHS's dual simplex, warm),
    so a round that adds a few thousand links costs a fraction of a fresh solve. The
    matrix (a bipartite incidence matrix, rows repeated for the lower bounds, unit
    columns for the slacks) is totally unimodular, so the optimal vertex is integral;
    it is checked.
    """

    def __init__(
        self,
        n: int,
        *,
        bounds: Bounds,
        max_weight: float,
        time_limit: float = TIME_LIMIT,
        lower_target: int = 1,
    ) -> None:
        """``lower_target``: the links each lower bound asks for (1; R for R rounds planned
        as one b-matching, each unit unmet costing ``big_m``)."""
        import numpy as np

        teach_cap, learn_cap = bounds.teach_cap, bounds.learn_cap
        self._h = silent_highs()
        self._h.setOptionValue("presolve", "off")  # a warm start skips it anyway
        self.n = n
        # above any plan's total: a plan has at most min(capacities) links
        big_m = 1.0 + max(max_weight, 0.0) * float(min(teach_cap.sum(), learn_cap.sum()))
        self.target = float(lower_target)
        self.big_m = big_m
        self.time_limit = time_limit  # for every solve together, from now
        self.deadline = time.monotonic() + time_limit
        self.teach_cap = teach_cap
        self.learn_cap = learn_cap
        self.need_t = np.flatnonzero(bounds.teach_lower)
        self.need_l = np.flatnonzero(bounds.learn_lower)
        k = len(self.need_t) + len(self.need_l)
        self.k = k
        # each system's lower-bound row, or -1
        self._t_row = np.full(n, -1, dtype=np.int64)
        self._t_row[self.need_t] = 2 * n + np.arange(len(self.need_t))
        self._l_row = np.full(n, -1, dtype=np.int64)
        self._l_row[self.need_l] = 2 * n + len(self.need_t) + np.arange(len(self.need_l))
        lo = np.concatenate([np.full(2 * n, -np.inf), np.full(k, self.target)])
        hi = np.concatenate([teach_cap, learn_cap, np.full(k, np.inf)]).astype(np.float64)
        no_int = np.zeros(0, dtype=np.int32)
        self._h.addRows(2 * n + k, lo, hi, 0, no_int, no_int, np.zeros(0))
        slack_rows = (2 * n + np.arange(k)).astype(np.int32)
        self._h.addCols(
            k, np.full(k, big_m), np.zeros(k), np.full(k, self.target), k,
            np.arange(k, dtype=np.int32), slack_rows, np.ones(k),
        )  # fmt: skip
        self.teacher: IntArray = np.zeros(0, dtype=np.int64)
        self.learner: IntArray = np.zeros(0, dtype=np.int64)
        self.weight: FloatArray = np.zeros(0)
        self.pinned: BoolArray = np.zeros(0, dtype=np.bool_)
        self.allowed: BoolArray = np.zeros(0, dtype=np.bool_)  # upper bound 1 (see allow)

    def __len__(self) -> int:
        return len(self.weight)

    def add(
        self, teacher: IntArray, learner: IntArray, weight: FloatArray, pinned: BoolArray
    ) -> None:
        """Links ``teacher[i] -> learner[i]`` as new columns (pinned ones fixed at 1)."""
        import numpy as np

        m = len(weight)
        if m == 0:
            return
        n = self.n
        rows = np.stack([teacher, n + learner, self._t_row[teacher], self._l_row[learner]], 1)
        used = rows >= 0
        starts = np.zeros(m, dtype=np.int32)
        np.cumsum(used.sum(axis=1)[:-1], out=starts[1:])
        index = rows[used].astype(np.int32)  # row-major: each column's rows, in turn
        self._h.addCols(
            m, -weight, pinned.astype(np.float64), np.ones(m), len(index),
            starts, index, np.ones(len(index)),
        )  # fmt: skip
        self.teacher = np.concatenate([self.teacher, teacher])
        self.learner = np.concatenate([self.learner, learner])
        self.weight = np.concatenate([self.weight, weight])
        self.pinned = np.concatenate([self.pinned, pinned])
        self.allowed = np.concatenate([self.allowed, np.ones(m, dtype=np.bool_)])

    def allow(self, allowed: BoolArray) -> None:
        """Let only the ``allowed`` links (and the pinned ones) be chosen in the next solves:
        the others' upper bounds drop to 0 (a bottleneck search restricts and relaxes them)."""
        import numpy as np

        m = len(self)
        if m == 0:
            return
        self.allowed = allowed | self.pinned
        upper = self.allowed.astype(np.float64)
        cols = (self.k + np.arange(m)).astype(np.int32)
        self._h.changeColsBounds(m, cols, self.pinned.astype(np.float64), upper)

    def reweigh(self, links: IntArray, weight: FloatArray) -> None:
        """New weights for the links at positions ``links`` (in the order added)."""
        import numpy as np

        if len(links) == 0:
            return
        self.weight[links] = weight
        self._h.changeColsCost(len(links), (self.k + links).astype(np.int32), -weight)

    @classmethod
    def over(
        cls,
        n: int,
        teacher: IntArray,
        learner: IntArray,
        weight: FloatArray,
        pinned: BoolArray,
        *,
        bounds: Bounds,
        time_limit: float = TIME_LIMIT,
        lower_target: int = 1,
    ) -> WarmMatching:
        """The programme over these links, ready to solve: the one place a plan's, a fair
        plan's and the rounds' b-matching is set up (``weight`` must not be empty)."""
        lp = cls(
            n,
            bounds=bounds,
            max_weight=float(weight.max()),
            time_limit=time_limit,
            lower_target=lower_target,
        )
        lp.add(teacher, learner, weight, pinned)
        return lp

    def solution(self, sol: LPMatching) -> Solution:
        """``sol`` as a :class:`Solution` whose bound is on the links' weights alone (the
        unmet lower bounds' ``big_m`` added back)."""
        return Solution(sol.chosen, sol.bound + self.big_m * sol.unmet, True, sol.unmet)

    def solve(self) -> LPMatching:
        """Solve from the last basis; the chosen links, their prices and the dual bound.

        Raises :class:`SolverLimit` once the time limit (of all solves together) is reached.
        """
        import highspy
        import numpy as np

        n = self.n
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise limit_error(self.time_limit)
        # HiGHS counts its time limit over every run of the object, not from this one
        self._h.setOptionValue("time_limit", self._h.getRunTime() + left)
        self._h.run()
        status = self._h.getModelStatus()
        if status == highspy.HighsModelStatus.kTimeLimit:
            raise limit_error(self.time_limit)
        if status != highspy.HighsModelStatus.kOptimal:  # pragma: no cover - always feasible
            raise PeermatchError(
                f"the plan's linear programme failed: {self._h.modelStatusToString(status)}"
            )
        solution = self._h.getSolution()
        x = np.asarray(solution.col_value)
        if np.any(np.abs(x - np.round(x)) > INTEGRAL_TOL):  # pragma: no cover - TU
            raise PeermatchError("the solver returned a fractional plan; please report this")
        # the max problem's dual values, >= 0: capacity rows (<=), lower-bound rows (>=)
        dual = np.asarray(solution.row_dual)
        a_t, a_l = -dual[:n], -dual[n : 2 * n]
        lower = dual[2 * n :]
        b_t = np.zeros(n)
        b_l = np.zeros(n)
        b_t[self.need_t] = lower[: len(self.need_t)]
        b_l[self.need_l] = lower[len(self.need_t) :]
        tp = a_t - b_t
        lp = a_l - b_l
        gain = self.weight - tp[self.teacher] - lp[self.learner]
        bound = float(
            a_t @ self.teach_cap
            + a_l @ self.learn_cap
            - self.target * (b_t.sum() + b_l.sum())
            + self.target * np.maximum(lower - self.big_m, 0.0).sum()
            + np.where(self.pinned, gain, np.maximum(gain, 0.0) * self.allowed).sum()
        )
        chosen = x[self.k :] > 0.5
        unmet = round(float(x[: self.k].sum()))
        return LPMatching(chosen, unmet, tp, lp, bound)
