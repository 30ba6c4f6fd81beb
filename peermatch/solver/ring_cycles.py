"""The rings' candidate cycles: every directed cycle of 2..N systems (N <= 3) whose links
are all candidate links, and for each slot of a ring the system that learns on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]


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


def learner_of(rings: Rings) -> IntArray:
    """For each slot of each ring, the system that learns on that slot's link."""
    import numpy as np

    nxt = np.roll(rings.members, -1, axis=1)
    # the slot after the last member wraps to the first member
    last = rings.size - 1
    rows = np.arange(len(rings.size))
    nxt[rows, last] = rings.members[:, 0]
    return np.where(rings.members >= 0, nxt, 0)
