"""Ring packing behind ``plan --ring-size``: enumerate every directed cycle of 2..N systems
(N <= 3) whose links are all candidates; choose disjoint cycles to maximise first the
number of systems covered, then the total weight (the "cycle formulation" used for kidney
exchange). An integer programme solved by HiGHS, its LP relaxation's columns generated
and warm-started.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peermatch.core.defaults import TIME_LIMIT
from peermatch.core.errors import PeermatchError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]
from peermatch.solver.highs import Clock, Solution, limit_error, new_highs, solve_milp, time_left
from peermatch.solver.ring_greedy import greedy_packing


@dataclass(frozen=True)
class Rings:
    """Candidate cycles: ``members[r]`` the systems in order (each teaches the next, the
    last teaches the first), ``links[r]`` the link indices; unused slots are -1."""

    members: IntArray  # (k, max_size)
    links: IntArray  # (k, max_size)
    size: IntArray  # (k,)

    def __len__(self) -> int:
        return len(self.size)


# A solver kernel, kept whole on purpose (longer than the ~60-line rule): the cycle
# enumeration is one vectorised pass whose steps share their arrays.
def enumerate_rings(
    n: int, teacher: IntArray, learner: IntArray, max_size: int, *, limit: int | None = None
) -> Rings | None:
    """Every directed cycle of 2..``max_size`` (<= 3) systems, each once, smallest id first.

    Returns ``None`` when there would be more than ``limit`` cycles (so the caller can
    prune before spending memory on them).
    """
    import numpy as np
    import scipy.sparse as sp

    if max_size not in (2, 3):
        raise ValueError("rings have 2 or 3 systems")
    m = len(teacher)
    # adj[t, l] = link index + 1
    adj = sp.csr_array((np.arange(1, m + 1), (teacher, learner)), shape=(n, n))
    adj.sum_duplicates()
    members: list[IntArray] = []
    links: list[IntArray] = []
    # 2-cycles a <-> b with a < b
    back = adj.T.tocsr()
    both = adj.multiply(back > 0).tocoo()
    keep = both.row < both.col
    a2, b2 = both.row[keep].astype(np.int64), both.col[keep].astype(np.int64)
    if len(a2):
        ab = np.asarray(adj[a2, b2]).ravel() - 1
        ba = np.asarray(adj[b2, a2]).ravel() - 1
        pad = np.full(len(a2), -1, dtype=np.int64)
        cols = [a2, b2] + ([pad] if max_size == 3 else [])
        lcols = [ab, ba] + ([pad] if max_size == 3 else [])
        members.append(np.stack(cols, axis=1))
        links.append(np.stack(lcols, axis=1))
    total = len(a2)
    if max_size == 3:
        # a -> b -> c -> a with a the smallest; both orientations are different cycles
        indptr, indices = adj.indptr, adj.indices
        incoming = back
        for a in range(n):
            outs = indices[indptr[a] : indptr[a + 1]]
            outs = outs[outs > a]
            if len(outs) == 0:
                continue
            ins = incoming.indices[incoming.indptr[a] : incoming.indptr[a + 1]]
            ins = ins[ins > a]
            if len(ins) == 0:
                continue
            sub = adj[outs][:, ins].tocoo()
            ok = outs[sub.row] != ins[sub.col]
            if not ok.any():
                continue
            b = outs[sub.row[ok]].astype(np.int64)
            c = ins[sub.col[ok]].astype(np.int64)
            total += len(b)
            if limit is not None and total > limit:
                return None
            av = np.full(len(b), a, dtype=np.int64)
            members.append(np.stack([av, b, c], axis=1))
            links.append(
                np.stack(
                    [
                        np.asarray(adj[av, b]).ravel() - 1,
                        sub.data[ok].astype(np.int64) - 1,
                        np.asarray(adj[c, av]).ravel() - 1,
                    ],
                    axis=1,
                )
            )
    if limit is not None and total > limit:
        return None
    if members:
        mem = np.concatenate(members).astype(np.int64)
        lk = np.concatenate(links).astype(np.int64)
    else:
        mem = np.zeros((0, max_size), dtype=np.int64)
        lk = np.zeros((0, max_size), dtype=np.int64)
    order = np.lexsort(mem.T[::-1])
    mem, lk = mem[order], lk[order]
    return Rings(mem, lk, (mem >= 0).sum(axis=1).astype(np.int64))


# A solver kernel, kept whole on purpose (longer than the ~60-line rule): the ring
# programme from columns to proof, one HiGHS model and its clock.
def solve_rings(
    n: int,
    rings: Rings,
    weight: FloatArray,
    *,
    pinned: IntArray,
    time_limit: float = TIME_LIMIT,
) -> Solution:
    """Disjoint rings covering the most systems, then of greatest total link ``weight``.

    ``pinned`` lists link indices that must lie on a chosen ring (the caller checks that
    each lies on some candidate ring). ``Solution.unmet`` is how many systems are in no
    ring; ``bound`` bounds the total weight among choices covering as many systems.
    """
    import numpy as np
    import scipy.sparse as sp

    k = len(rings)
    clock = Clock(time_limit)
    if k == 0:
        return Solution(np.zeros(0, dtype=bool), 0.0, True, n)
    slots = rings.members.shape[1]
    used = rings.members >= 0
    ring_idx = np.repeat(np.arange(k), slots).reshape(k, slots)
    a = sp.csr_array(
        (np.ones(int(used.sum())), (rings.members[used], ring_idx[used])), shape=(n, k)
    )
    lo = np.zeros(n)
    hi = np.ones(n)
    rows = [a]
    if len(pinned):
        pin_pos = {int(p): i for i, p in enumerate(pinned)}
        r, cidx = [], []
        for ring, link in zip(ring_idx[used], rings.links[used], strict=True):
            if int(link) in pin_pos:
                r.append(pin_pos[int(link)])
                cidx.append(int(ring))
        rows.append(sp.csr_array((np.ones(len(r)), (r, cidx)), shape=(len(pinned), k)))
        lo = np.concatenate([lo, np.ones(len(pinned))])
        hi = np.concatenate([hi, np.ones(len(pinned))])
    a_all = sp.vstack(rows, format="csr")
    size = rings.size.astype(float)
    link_w = np.where(rings.links >= 0, weight[np.maximum(rings.links, 0)], 0.0).sum(axis=1)

    # 1. as many systems in rings as possible. The weight, scaled below 1 in total, breaks
    #    ties among them, so this is already close to the final answer (and its LP is
    #    not degenerate); step 2 makes the weight exact.
    best_in = np.zeros(n)
    np.maximum.at(
        best_in,
        learner_of(rings),
        np.where(rings.links >= 0, weight[np.maximum(rings.links, 0)], 0.0),
    )
    scale = float(best_in.sum()) + 1.0  # no packing's weight reaches it

    def coverage_proven(incumbent: float, bound: float) -> bool:
        # -bound >= coverage + weight/scale of every packing, so no packing covers more
        # than floor(-bound) systems
        return -incumbent >= math.floor(-bound + 1e-9)

    # a greedy packing first: a warm start, and when it puts every system that has a ring
    # in one, stage 1 is already proven (nothing can put more systems in rings)
    x0: FloatArray | None = greedy_packing(n, rings.members, link_w)
    ax0 = a_all @ x0
    if not (np.all(ax0 >= lo - 1e-9) and np.all(ax0 <= hi + 1e-9)):
        x0 = None  # the pins ask for rings the greedy did not choose
    x1: FloatArray | None
    if x0 is not None and round(float(size @ x0)) == int((np.asarray(a.sum(axis=1)) > 0).sum()):
        x1, optimal1 = x0, True
    else:
        x1, optimal1, _ = _packing(
            -(size + link_w / scale), a_all, lo, hi, clock, start=x0, enough=coverage_proven
        )
    if x1 is None:
        if optimal1:
            raise PeermatchError(
                "the pinned links cannot all be in disjoint rings; drop one of the --pin options"
            )
        raise limit_error(time_limit)
    covered = round(float(size @ x1))

    # 2. with that many covered, the greatest total
    a2 = sp.vstack([a_all, sp.csr_array(size[None, :])], format="csr")
    lo2 = np.concatenate([lo, [covered - 0.5]])
    hi2 = np.concatenate([hi, [np.inf]])
    x2, optimal, lower = _packing(-link_w, a2, lo2, hi2, clock, start=x1)
    if x2 is None:  # pragma: no cover - stage 1's answer is feasible here
        return Solution(x1 > 0.5, float("inf"), False, n - covered)
    return Solution(x2 > 0.5, -lower, optimal and optimal1, n - covered)


#: Up to this many columns, a packing goes straight to the MILP solver.
DIRECT_COLUMNS = 5_000


#: The most columns the final MILP of a large packing may have (beyond, no proof).
FINAL_COLUMNS = 20_000


#: Columns in the first, quick MILP that finds a good incumbent for a larger packing
#: (at least this many, or this many per row).
FEW_COLUMNS = 2_000


FEW_PER_ROW = 5


#: Columns added per round of column generation (at least, or per row).
BATCH_COLUMNS = 5_000


BATCH_PER_ROW = 10


def learner_of(rings: Rings) -> IntArray:
    """For each slot of each ring, the system that learns on that slot's link."""
    import numpy as np

    nxt = np.roll(rings.members, -1, axis=1)
    # the slot after the last member wraps to the first member
    last = rings.size - 1
    rows = np.arange(len(rings.size))
    nxt[rows, last] = rings.members[:, 0]
    return np.where(rings.members >= 0, nxt, 0)


# A solver kernel, kept whole on purpose (longer than the ~60-line rule): the integer
# programme and its feasibility check share one model and one incumbent.
def _packing(
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
    duals = _lp_duals(c, a, lo, hi, clock, start)
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


# A solver kernel, kept whole on purpose (longer than the ~60-line rule): the LP
# relaxation's column generation loop, warm-started round after round.
def _lp_duals(
    c: FloatArray, a: Any, lo: FloatArray, hi: FloatArray, clock: Clock, start: FloatArray | None
) -> tuple[FloatArray, float] | None:
    """Reduced costs and the dual bound of the LP relaxation, by column generation.

    Solves the LP over a working set of columns, prices every column with its duals,
    adds the most negative, and repeats until none is negative (the LP optimum over all
    columns); the programme stays in HiGHS and each solve starts from the last basis.
    Returns None if an LP fails.
    """
    import highspy
    import numpy as np
    import scipy.sparse as sp

    k = len(c)
    a = sp.csc_array(a)
    batch = max(BATCH_COLUMNS, BATCH_PER_ROW * a.shape[0])
    work = np.argsort(c, kind="stable")[:batch]
    if start is not None:
        work = np.union1d(work, np.flatnonzero(start > 0.5))
    eq = lo == hi
    if eq.any():  # every column that can meet an equality row (e.g. a pin)
        work = np.union1d(work, np.flatnonzero(np.asarray(abs(a[eq]).sum(axis=0)).ravel() > 0))
    h = new_highs(c[work], a[:, work], lo, hi, np.zeros(len(work)), np.ones(len(work)))
    h.setOptionValue("presolve", "off")  # a warm start skips it anyway
    inside = np.zeros(k, dtype=bool)
    inside[work] = True
    r = c
    y = np.zeros(a.shape[0])
    for _ in range(200):
        if clock.expired():
            return None
        time_left(h, clock)
        h.run()
        model = h.getModelStatus()
        if model != highspy.HighsModelStatus.kOptimal:
            if model == highspy.HighsModelStatus.kInfeasible and not inside.all():
                more = np.flatnonzero(~inside)  # the working set is too small
            else:
                return None
        else:
            # the duals, with the signs a bound needs: >= 0 on a row's lower side only
            y = np.asarray(h.getSolution().row_dual)
            y = np.where(np.isfinite(lo), y, np.minimum(y, 0.0))
            y = np.where(np.isfinite(hi), y, np.maximum(y, 0.0))
            r = c - a.T @ y
            priced = np.flatnonzero(~inside & (r < -1e-9))
            if len(priced) == 0:
                break
            more = priced[np.argsort(r[priced], kind="stable")[:batch]]
        inside[more] = True
        sub = sp.csc_array(a[:, more])
        sub.sort_indices()
        h.addCols(
            len(more), c[more], np.zeros(len(more)), np.ones(len(more)), sub.nnz,
            sub.indptr[:-1].astype(np.int32), sub.indices.astype(np.int32),
            sub.data.astype(np.float64),
        )  # fmt: skip
    row_min = np.where(y > 0, y * np.where(np.isfinite(lo), lo, 0.0), 0.0) + np.where(
        y < 0, y * np.where(np.isfinite(hi), hi, 0.0), 0.0
    )
    bound = float(row_min.sum() + np.minimum(r, 0.0).sum())
    return r, bound
