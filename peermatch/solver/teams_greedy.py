"""Greedy teams for the teams programme: a feasible start for every solve, the fill-up
of short teams, and the coverage, role shortfall and best ``y`` of given teams."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from peermatch.solver.teams_model import Model, TeamProblem

if TYPE_CHECKING:
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]

# --------------------------------------------------------------------------- greedy


def coverage_of(mod: Model, team_x: IntArray) -> FloatArray:
    """Per host, the coverage of the teams given by the chosen x indices."""
    cov = np.zeros(len(mod.host_start) - 1)
    if not len(team_x):
        return cov
    chosen = np.zeros(mod.nx, dtype=bool)
    chosen[team_x] = True
    on = chosen[mod.y_pair]
    host = mod.pair_host[mod.y_pair[on]]
    need = mod.y_need[on]
    w = mod.y_weight[on]
    # the best credit per (host, need)
    key = host * (int(need.max(initial=0)) + 1) + need
    order = np.lexsort((-w, key))
    key, w, host = key[order], w[order], host[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    np.add.at(cov, host[first], w[first])
    return cov


class Greedy:
    """The state of a greedy construction: who is on which team, what is left."""

    def __init__(self, p: TeamProblem, mod: Model, chosen: IntArray | None = None) -> None:
        self.p, self.mod = p, mod
        self.on = np.zeros(mod.nx, dtype=bool)
        self.left = np.asarray(p.capacity, dtype=np.int64).copy()
        self.group = np.asarray(p.group, dtype=np.int64)
        if chosen is not None:
            self.on[chosen] = True
            np.subtract.at(self.left, mod.pair_member[chosen], 1)

    def can_join(self, h: int) -> IntArray:
        """The x indices of host ``h`` whose member could still join its team."""
        lo, hi = self.mod.host_start[h], self.mod.host_start[h + 1]
        idx = np.arange(lo, hi)
        on = self.on[lo:hi]
        if on.sum() >= self.p.size:
            return idx[:0]
        mem = self.mod.pair_member[lo:hi]
        ok = ~on & (self.left[mem] > 0)
        if self.p.one_per_group:
            ok &= ~np.isin(self.group[mem], self.group[mem[on]])
        return idx[ok]

    def fill(self) -> None:
        """Add whoever can still join, best total credit first (ties: lowest index)."""
        mod = self.mod
        total = np.zeros(mod.nx)
        np.add.at(total, mod.y_pair, mod.y_weight)
        for h in range(len(mod.host_start) - 1):
            while True:
                cand = self.can_join(h)
                if not len(cand):
                    break
                best = cand[np.argmax(total[cand])]  # argmax: the first of equals
                self.add(int(best))

    def add(self, x: int) -> None:
        self.on[x] = True
        self.left[self.mod.pair_member[x]] -= 1


def greedy_start(p: TeamProblem, mod: Model, teams: IntArray | None = None) -> IntArray:
    """Teams by largest marginal coverage, host by host, keeping room for role minimums.

    ``teams`` (x indices) are kept and added to.
    """
    g = Greedy(p, mod, teams)
    pair_y_start = np.searchsorted(mod.y_pair, np.arange(mod.nx + 1))
    for h in range(p.hosts):
        lo, hi = int(mod.host_start[h]), int(mod.host_start[h + 1])
        ys, ye = pair_y_start[lo], pair_y_start[hi]
        # the host's coverage points as a dense (its x, its needs) matrix
        worth = np.zeros((hi - lo, int(mod.y_need[ys:ye].max(initial=-1)) + 1))
        worth[mod.y_pair[ys:ye] - lo, mod.y_need[ys:ye]] = mod.y_weight[ys:ye]
        on = np.nonzero(g.on[lo:hi])[0]
        best = worth[on].max(axis=0, initial=0.0)
        have = np.bincount(mod.role_of[mod.pair_member[lo + on]], minlength=len(mod.roles))
        for _ in range(p.size - len(on)):
            cand = g.can_join(h)
            if not len(cand):
                break
            deficit = np.maximum(mod.mins - have, 0)
            free = p.size - int(g.on[lo:hi].sum())
            if deficit.sum() >= free:  # only members of a role still short
                cand = cand[deficit[mod.role_of[mod.pair_member[cand]]] > 0]
                if not len(cand):
                    break
            gains = np.maximum(worth[cand - lo] - best, 0.0).sum(axis=1)
            pick = int(np.argmax(gains))  # the first of equals: the lowest index
            if gains[pick] <= 0 and deficit.sum() == 0:
                break
            x = int(cand[pick])
            g.add(x)
            have[mod.role_of[mod.pair_member[x]]] += 1
            best = np.maximum(best, worth[x - lo])
    return np.nonzero(g.on)[0]


def role_counts(p: TeamProblem, mod: Model, chosen: IntArray) -> IntArray:
    """Per (host, role with a minimum): places missing in the teams given by ``chosen``."""
    need = np.nonzero(mod.mins > 0)[0]
    counts = np.zeros((p.hosts, len(mod.roles)), dtype=np.int64)
    np.add.at(counts, (mod.pair_host[chosen], mod.role_of[mod.pair_member[chosen]]), 1)
    missing: IntArray = np.maximum(mod.mins[need][None, :] - counts[:, need], 0).ravel()
    return missing


def y_of(mod: Model, chosen: IntArray) -> FloatArray:
    """The best y for teams ``chosen``: each need credited to its best member (lowest index)."""
    y = np.zeros(mod.ny)
    on = np.zeros(mod.nx, dtype=bool)
    on[chosen] = True
    sel = np.nonzero(on[mod.y_pair])[0]
    if not len(sel):
        return y
    host = mod.pair_host[mod.y_pair[sel]]
    key = host * (int(mod.y_need.max()) + 1) + mod.y_need[sel]
    order = np.lexsort((sel, -mod.y_weight[sel], key))
    ks = key[order]
    first = np.ones(len(ks), dtype=bool)
    first[1:] = ks[1:] != ks[:-1]
    y[sel[order][first]] = 1.0
    return y
