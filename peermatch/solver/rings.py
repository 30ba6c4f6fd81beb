"""Ring packing behind ``plan --ring-size``: enumerate every directed cycle of 2..N systems
(N <= 3) whose links are all candidates; choose disjoint cycles to maximise first the
number of systems covered, then the total weight (the "cycle formulation" used for kidney
exchange). An integer programme solved by HiGHS: the cycles come from
:mod:`~peermatch.solver.ring_cycles`, the exact packing from
:mod:`~peermatch.solver.ring_packing`, its LP relaxation's columns generated and
warm-started in :mod:`~peermatch.solver.ring_duals`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from peermatch.core.defaults import TIME_LIMIT
from peermatch.core.errors import PeermatchError
from peermatch.solver.highs import Clock, Solution, limit_error
from peermatch.solver.ring_cycles import Rings, enumerate_rings, learner_of
from peermatch.solver.ring_greedy import greedy_packing
from peermatch.solver.ring_packing import pack

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]

__all__ = ["Rings", "enumerate_rings", "learner_of", "solve_rings"]


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
        x1, optimal1, _ = pack(
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
    x2, optimal, lower = pack(-link_w, a2, lo2, hi2, clock, start=x1)
    if x2 is None:  # pragma: no cover - stage 1's answer is feasible here
        return Solution(x1 > 0.5, float("inf"), False, n - covered)
    return Solution(x2 > 0.5, -lower, optimal and optimal1, n - covered)
