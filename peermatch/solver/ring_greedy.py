"""A quick ring packing to start the exact one from: most-constrained system first.

On a dense cohort the ring programme has hundreds of thousands of columns, and a time
limit may stop HiGHS before it finds a good packing. This greedy finds one in a fraction of
a second, and on a dense cohort usually a packing that puts every system in a ring: then
nothing can put more systems in rings, and the exact search only improves the total.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]


def greedy_packing(n: int, ring_members: IntArray, value: FloatArray) -> FloatArray:
    """Disjoint rings, chosen one at a time: the uncovered system with the fewest rings
    left is placed first, in the ring (largest first) whose other members have the fewest
    rings left, then of the highest ``value``. ``ring_members[r]`` lists ring ``r``'s
    systems (-1 in unused slots). Returns 0/1 for each ring."""
    import numpy as np

    k = len(ring_members)
    chosen = np.zeros(k)
    if k == 0:
        return chosen
    slots = ring_members.shape[1]
    used = ring_members >= 0
    owner = np.repeat(np.arange(k), slots).reshape(k, slots)[used]
    member = ring_members[used]
    order = np.argsort(member, kind="stable")
    starts = np.searchsorted(member[order], np.arange(n + 1))
    rings_of = [order_rings.tolist() for order_rings in np.split(owner[order], starts[1:-1])]
    members = [row[row >= 0].tolist() for row in ring_members]
    sizes = [len(m) for m in members]
    values = value.tolist()
    alive = [True] * k
    left = [len(r) for r in rings_of]  # rings still open to each system
    covered = [False] * n

    def close(ring: int) -> None:
        alive[ring] = False
        for m in members[ring]:
            left[m] -= 1

    while True:
        open_systems = [i for i in range(n) if not covered[i] and left[i] > 0]
        if not open_systems:
            return chosen
        i = min(open_systems, key=lambda s: (left[s], s))
        best = min(
            (r for r in rings_of[i] if alive[r]),
            key=lambda r: (-sizes[r], sum(left[m] for m in members[r]), -values[r], r),
        )
        chosen[best] = 1.0
        for m in members[best]:
            covered[m] = True
            for r in rings_of[m]:
                if alive[r]:
                    close(r)
