"""Several rounds of the b-matching, planned jointly, exactly.

Round ``r`` chooses links ``x[r, l]`` in {0, 1}. Each round on its own is the b-matching
of :mod:`.matching` (capacities per round, a lower bound per system that can teach or
learn, pinned links fixed at 1 in the first round); a link (a teacher -> learner pair)
is in at most one round. Lexicographic like the single round: first the fewest unmet
lower bounds over all rounds, then the greatest total.

Solved in two steps, each exact. (1) The links of all rounds together, ``y_l = sum_r
x[r, l]``: a b-matching with capacities ``R * cap`` whose lower bounds ask for R links,
each one missing costing ``big_m`` (:class:`~.matching.WarmMatching`; totally unimodular,
so integral). Every R-round programme gives such a ``y``, so its optimum bounds every
programme. (2) ``y`` split into R rounds: each system's links are shared among copies of
it holding at most R links each (full copies first, a pinned link per copy), which makes a
bipartite graph of degree at most R; taking out, R times, a matching that covers every copy
of the highest degree left (pins in the first) colours its links with R rounds, so no
system exceeds its capacity in a round and one with R links or more has one in every round
(Konig's edge-colouring theorem, made constructive). When the split meets the bound of (1)
the programme is optimal. When pins make it fall short (two pinned links of one system
need one round), the rounds are solved as one integer programme (HiGHS's branch and bound,
:func:`~.highs.solve_milp`): exact on small cohorts, else the best found with its bound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from peermatch.core.defaults import TIME_LIMIT
from peermatch.solver.highs import Clock, Solution, limit_error, solve_milp

if TYPE_CHECKING:
    from peermatch.solver.highs import BoolArray, FloatArray, IntArray
    from peermatch.solver.matching import Bounds


def solve_rounds(
    n: int,
    teacher: IntArray,
    learner: IntArray,
    weight: FloatArray,
    rounds: int,
    *,
    bounds: Bounds,
    pinned: BoolArray,
    time_limit: float = TIME_LIMIT,
) -> tuple[IntArray, Solution]:
    """Each link's round (0-based; -1: in no round) and the solution over all rounds.

    ``Solution.chosen`` is per link (in any round); ``bound`` no programme (with as few
    unmet lower bounds) has a higher total weight, and ``unmet`` counts each unmet lower
    bound in each round. Raises :class:`~.highs.SolverLimit` when the time limit comes
    before any programme is found.
    """
    found = _by_colouring(n, teacher, learner, weight, rounds, bounds, pinned, time_limit)
    if found is not None:
        return found
    return solve_rounds_milp(
        n, teacher, learner, weight, rounds, bounds=bounds, pinned=pinned, time_limit=time_limit
    )


def _by_colouring(
    n: int,
    teacher: IntArray,
    learner: IntArray,
    weight: FloatArray,
    rounds: int,
    bounds: Bounds,
    pinned: BoolArray,
    time_limit: float,
) -> tuple[IntArray, Solution] | None:
    """Steps (1) and (2) of the module docstring; None when the split falls short."""
    import numpy as np

    from peermatch.solver.matching import WarmMatching

    m = len(weight)
    if m == 0:
        return None
    lp = WarmMatching.over(
        n,
        teacher,
        learner,
        weight,
        pinned,
        bounds=bounds.times(rounds),
        time_limit=time_limit,
        lower_target=rounds,
    )
    sol = lp.solve()
    links = np.flatnonzero(sol.chosen)
    round_of = _colour(m, links, teacher, learner, weight, pinned, rounds, lp.deadline)
    if round_of is None:
        return None
    unmet = _unmet(n, teacher, learner, round_of, rounds, bounds)
    if unmet != sol.unmet:
        return None
    return round_of, Solution(round_of >= 0, sol.bound + lp.big_m * sol.unmet, True, unmet)


def _colour(
    m: int,
    links: IntArray,
    teacher: IntArray,
    learner: IntArray,
    weight: FloatArray,
    pinned: BoolArray,
    rounds: int,
    deadline: float,
) -> IntArray | None:
    """Step (2): the chosen ``links`` split into rounds, each link's round (-1: none), or
    None when a round's matching cannot cover every copy of the highest degree left."""
    import numpy as np

    from peermatch.solver.matching import Bounds, solve_bmatching

    t_copy = _copies(teacher[links], pinned[links], rounds)
    l_copy = _copies(learner[links], pinned[links], rounds)
    round_of = np.full(m, -1, dtype=np.int64)
    left = np.ones(len(links), dtype=bool)
    for r in range(rounds):
        q = rounds - r  # rounds left: no copy may keep more than q links
        at = np.flatnonzero(left)
        t_deg = np.bincount(t_copy[at], minlength=len(links))
        l_deg = np.bincount(l_copy[at], minlength=len(links))
        ones = np.ones(len(links), dtype=np.int64)
        taken = solve_bmatching(
            len(links), t_copy[at], l_copy[at], weight[links[at]],
            bounds=Bounds(ones, ones, t_deg == q, l_deg == q),
            pinned=pinned[links[at]] & (r == 0), time_limit=max(deadline - _now(), 0.01),
        )  # fmt: skip
        if taken.unmet:
            return None
        round_of[links[at[taken.chosen]]] = r
        left[at[taken.chosen]] = False
    return None if np.any(left) else round_of


def _now() -> float:
    import time

    return time.monotonic()


def _copies(ends: IntArray, pinned: BoolArray, rounds: int) -> IntArray:
    """Each link's copy of its system (numbered over all systems): a pinned link per copy
    first, then copies filled to ``rounds`` links in turn, so that as many as can be hold
    ``rounds`` links."""
    import numpy as np

    copy = np.empty(len(ends), dtype=np.int64)
    start = 0
    for v in np.unique(ends).tolist():
        mine = np.flatnonzero(ends == v)
        pins, rest = mine[pinned[mine]], mine[~pinned[mine]]
        count = max(-(-len(mine) // rounds), len(pins))
        load = np.zeros(count, dtype=np.int64)
        load[: len(pins)] = 1
        copy[pins] = start + np.arange(len(pins))
        c = 0
        for li in rest.tolist():
            while load[c] >= rounds:
                c += 1
            copy[li] = start + c
            load[c] += 1
        start += count
    return copy


def _unmet(
    n: int,
    teacher: IntArray,
    learner: IntArray,
    round_of: IntArray,
    rounds: int,
    bounds: Bounds,
) -> int:
    """Lower bounds unmet, counted per system, role and round."""
    import numpy as np

    unmet = 0
    for ends, lower in ((teacher, bounds.teach_lower), (learner, bounds.learn_lower)):
        has = np.zeros((rounds, n), dtype=bool)
        used = round_of >= 0
        has[round_of[used], ends[used]] = True
        unmet += int((~has & lower).sum())
    return unmet


def solve_rounds_milp(
    n: int,
    teacher: IntArray,
    learner: IntArray,
    weight: FloatArray,
    rounds: int,
    *,
    bounds: Bounds,
    pinned: BoolArray,
    time_limit: float = TIME_LIMIT,
) -> tuple[IntArray, Solution]:
    """The same programme as one integer programme over ``x[r, l]``: each pair's row
    ``sum_r x[r, l] <= 1`` couples the rounds (not totally unimodular)."""
    import numpy as np

    m = len(weight)
    teach_cap, learn_cap = bounds.teach_cap, bounds.learn_cap
    need_t, need_l = np.flatnonzero(bounds.teach_lower), np.flatnonzero(bounds.learn_lower)
    k = len(need_t) + len(need_l)
    if m == 0:
        return np.full(0, -1, dtype=np.int64), Solution(np.zeros(0, bool), 0.0, True, k * rounds)
    big_m = 1.0 + max(float(weight.max()), 0.0) * rounds * float(
        min(teach_cap.sum(), learn_cap.sum())
    )
    a = _milp_rows(n, teacher, learner, rounds, need_t, need_l)
    round_lo = np.concatenate([np.full(2 * n, -np.inf), np.ones(k)])
    round_hi = np.concatenate([teach_cap, learn_cap, np.full(k, np.inf)]).astype(np.float64)
    lo = np.concatenate([np.tile(round_lo, rounds), np.full(m, -np.inf)])
    hi = np.concatenate([np.tile(round_hi, rounds), np.ones(m)])
    c = np.concatenate([np.tile(-weight, rounds), np.full(rounds * k, big_m)])
    lb = np.zeros(rounds * (m + k))
    lb[:m] = pinned  # pins: in the first round
    x, optimal, dual, _ = solve_milp(c, a, lo, hi, lb, np.ones(rounds * (m + k)), Clock(time_limit))
    if x is None:
        raise limit_error(time_limit)
    picked = x[: rounds * m].reshape(rounds, m) > 0.5
    round_of = np.where(picked.any(axis=0), picked.argmax(axis=0), -1).astype(np.int64)
    unmet = round(float(x[rounds * m :].sum()))
    bound = -dual + big_m * unmet if np.isfinite(dual) else float("inf")
    return round_of, Solution(round_of >= 0, bound, optimal, unmet)


def _milp_rows(
    n: int, teacher: IntArray, learner: IntArray, rounds: int, need_t: IntArray, need_l: IntArray
) -> Any:
    """The rounds' matrix: per round each system's teaching and learning row and a row per
    lower bound (its slack a column of the round), then one row per pair over all rounds."""
    import numpy as np
    import scipy.sparse as sp

    m, k = len(teacher), len(need_t) + len(need_l)
    t_row = np.full(n, -1, dtype=np.int64)
    t_row[need_t] = 2 * n + np.arange(len(need_t))
    l_row = np.full(n, -1, dtype=np.int64)
    l_row[need_l] = 2 * n + len(need_t) + np.arange(len(need_l))
    per_round = 2 * n + k  # rows of one round; the pair rows follow all rounds
    rows, cols = [], []
    links = np.arange(m)
    for r in range(rounds):
        base, col = r * per_round, r * m + links
        for row in (teacher, n + learner, t_row[teacher], l_row[learner]):
            used = row >= 0
            rows.append(base + row[used])
            cols.append(col[used])
        rows.append(rounds * per_round + links)  # the pair's row: in one round at most
        cols.append(col)
        slack = rounds * m + r * k + np.arange(k)
        rows.append(base + 2 * n + np.arange(k))
        cols.append(slack)
    r_all, c_all = np.concatenate(rows), np.concatenate(cols)
    return sp.coo_array(
        (np.ones(len(r_all)), (r_all, c_all)), shape=(rounds * per_round + m, rounds * (m + k))
    )
