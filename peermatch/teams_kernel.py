"""The exact optimiser behind ``teams``: peer review teams to hard rules, one per host.

This module sees only arrays. Host ``h`` is ``0..H-1``, member ``m`` is ``0..M-1``; for
each host the caller lists the members *allowed* on its team (no direct association: the
caller has already removed the host itself, its family, its partners and its exclusions)
and each allowed member's credit on each of the host's needs, exactly as ``explain``
computes it for a single teacher. It imports only numpy, highspy (lazily) and the standard
library, so it can live in any layer.

**The objective.** A team's coverage of its host is ``100 * sum over needs of (max over
members of credit) / sum of the needs' points``; the programme maximises the sum of
coverage over hosts. A credit of 0 or less is no credit (a need nobody on the team
credits adds 0, never a negative amount).

**The rules**, each hard: at most ``size`` members per team; a member serves on at most
``capacity[m]`` teams; with ``one_per_group``, at most one member of any group (top-level
system) per team; at least ``role_minimums[r]`` members of role ``r`` per team; no
passengers: a member joins a team only if it has credit > 0 on at least one of the host's
needs. "Brings one of the host's needs" is read statically (the member has the expertise),
not as "is the best on the team at some need", so two experts on the same need are both
welcome and a host with fewer needs than ``size`` can still get a full team.

**The integer programme.** Only pairs that pass the no-passenger rule get a variable.

* ``x[h,m]`` in {0,1}: member ``m`` is on host ``h``'s team;
* ``y[h,n,m]`` in [0,1], only where ``credit[h,n,m] > 0``: need ``n`` of ``h`` is credited
  to ``m``; ``y[h,n,m] <= x[h,m]`` and ``sum_m y[h,n,m] <= 1``;
* maximise ``sum_h 100 / P_h * sum_{n,m} credit[h,n,m] * y[h,n,m]``;
* ``sum_m x[h,m] <= size``; ``sum_h x[h,m] <= capacity[m]``; with ``one_per_group``
  ``sum_{m in g} x[h,m] <= 1`` for every host and group; ``sum_{role(m)=r} x[h,m] + u[h,r]
  >= role_minimums[r]``, where ``u`` is 0 unless the minimums cannot all hold (below).

For any integral ``x`` the best ``y`` credits each need to its best member on the team, so
the objective is exactly the coverage formula; ``y`` need not be declared integral.

**Role minimums that cannot hold.** Capacity and association can leave a host without
enough members of some role. Rather than making the whole programme infeasible, the
solve is lexicographic: first the fewest missing role places in total (``u[h,r] >= 0``,
integer; a first integer programme over ``x`` and ``u`` alone, run only when the greedy
teams miss some and its linear relaxation does not already prove their shortfall the
least; its teams, completed greedily, start the next solve), then the most coverage with
``sum u`` held at that minimum. A host left with ``u[h,r] > 0`` keeps the best team the
other rules allow and is reported incomplete, with the reason. Role minimums that add up
to more than ``size`` are a usage error (``ValueError``).

**Fill-up.** Then teams are filled up to ``size`` where that costs no coverage: a second
solve maximises the number of places filled subject to total coverage >= the first
solve's total (less 1e-6 relative, for floating point) and the same role shortfall. A
weighted single objective (coverage + eps * members) is not used because with arbitrary
user weights there is no positive lower bound on the difference between two coverage
totals, so no eps is provably safe. Adding a member never lowers coverage, so a greedy
fill of the first solve's teams is a feasible start; when it already reaches an upper
bound on the places (``sum_h min(size, members that could join h)``, or the linear
relaxation of the most places size, capacity and groups allow), it is optimal and no
second programme is solved. After any solve a greedy pass adds whoever can still join, so every
short team is maximal: each member who brings one of its needs is at capacity or from a
group already on the team.

**Solving at scale, still exactly.** A pool like the LGA's gives some 140,000 (host,
member) pairs that bring a need, and HiGHS spends most of its time on so large a model
(presolve removes nothing). So the coverage solve goes in steps, each proven:

1. greedy teams (largest marginal coverage, host by host, keeping room for the role
   minimums): a feasible answer and a start for every later solve;
2. the linear relaxation of the whole programme (simplex, about a second): its value is a
   bound on every answer, and when the greedy teams reach it they are optimal;
3. a small programme over *candidates* (the relaxation's support, the greedy teams, and per
   host the ``TOP_K`` best members on each need and of each role with a minimum). Its
   answer is feasible for the whole programme; when it reaches the relaxation's bound it is
   optimal, as it is on the LGA-like pool. The choice of candidates is only a heuristic:
   nothing rests on it;
4. otherwise reduced-cost fixing, the textbook argument: with the relaxation's value ``z``
   and reduced cost ``d_j >= 0`` of an ``x_j`` at 0, any teams with ``x_j = 1`` cover at
   most ``z - d_j``; every ``x_j`` with ``z - d_j`` below the best teams found so far can
   be left out without losing any better teams. If all the rest were candidates, the
   small programme's own bound holds for the whole; if not, the programme over the rest,
   started from the best teams, settles the optimum (or, at the time limit, its bound).

The fill-up programme is restricted by the same argument, at the coverage it must keep.

**Determinism.** The model is built in a fixed order (hosts, then members by index, then
needs), HiGHS runs with a fixed random seed (its MIP search is serial), the greedy steps
and the reported credits break ties by the lowest member index. The same problem gives the
same teams unless a time limit cuts a search short (then the answer depends on how far it
got).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]

#: Relative slack on the coverage total held in the fill-up solve (floating point only).
COVERAGE_TOL = 1e-6
#: A solution value within this of an integer counts as that integer.
INTEGRAL_TOL = 1e-6


@dataclass(frozen=True, eq=False)
class TeamProblem:
    """One ``teams`` problem, as arrays.

    ``need_points[h]``: the points each of host ``h``'s needs is worth (> 0).
    ``members[h]``: the members allowed on ``h``'s team, strictly increasing.
    ``credit[h]``: shape ``(len(members[h]), len(need_points[h]))``, the credit of each
    allowed member on each need (0 where none).
    ``capacity[m]``, ``role[m]``, ``group[m]``: per member (``group`` is the top-level
    system, for ``one_per_group``).
    """

    need_points: Sequence[FloatArray]
    members: Sequence[IntArray]
    credit: Sequence[FloatArray]
    capacity: IntArray
    role: Sequence[str]
    group: IntArray
    size: int = 4
    role_minimums: Mapping[str, int] = field(default_factory=dict)
    one_per_group: bool = True
    fill: bool = True

    def __post_init__(self) -> None:
        hosts = len(self.need_points)
        if len(self.members) != hosts or len(self.credit) != hosts:
            raise ValueError("need_points, members and credit must have one entry per host")
        n = len(self.capacity)
        if len(self.role) != n or len(self.group) != n:
            raise ValueError("capacity, role and group must have one entry per member")
        if self.size < 1:
            raise ValueError("the team size must be at least 1")
        if any(k < 0 for k in self.role_minimums.values()):
            raise ValueError("role minimums must not be negative")
        if sum(self.role_minimums.values()) > self.size:
            raise ValueError(
                f"the role minimums add up to {sum(self.role_minimums.values())}, "
                f"more than the team size of {self.size}"
            )
        if n and int(np.min(self.capacity)) < 0:
            raise ValueError("capacities must not be negative")
        for h in range(hosts):
            points = np.asarray(self.need_points[h])
            mem = np.asarray(self.members[h])
            cred = np.asarray(self.credit[h])
            if np.any(points <= 0) or not np.all(np.isfinite(points)):
                raise ValueError(f"host {h}: need points must be finite and positive")
            if cred.shape != (len(mem), len(points)):
                raise ValueError(f"host {h}: credit must have shape (members, needs)")
            if not np.all(np.isfinite(cred)):
                raise ValueError(f"host {h}: credits must be finite")
            if len(mem) and (np.any(np.diff(mem) <= 0) or mem[0] < 0 or mem[-1] >= n):
                raise ValueError(f"host {h}: members must be increasing member indices")

    @property
    def hosts(self) -> int:
        return len(self.need_points)


@dataclass(frozen=True)
class Team:
    """One host's team and what it covers."""

    host: int
    members: tuple[int, ...]  # increasing member indices
    coverage: float  # 0..100
    credited: tuple[int, ...]  # per need: the member credited with it, or -1
    uncovered: tuple[int, ...]  # the needs nobody on the team has credit on
    role_short: tuple[tuple[str, int], ...] = ()  # (role, places missing), by role
    reason: str | None = None  # why the team is short of ``size`` or of the role mix

    @property
    def complete(self) -> bool:
        """True when the team meets the role mix (it may still be short of ``size``)."""
        return not self.role_short


@dataclass(frozen=True)
class TeamSolution:
    """The teams, the total coverage and how sure the solver is of it."""

    teams: tuple[Team, ...]
    total: float  # sum of the teams' coverage
    bound: float  # no teams within the rules (and role shortfall) cover more
    optimal: bool  # the total is proven optimal
    role_shortfall: int  # role places missing over all teams (the least possible, if proven)
    filled_optimal: bool  # the fill-up provably filled as many places as possible
    seconds: float

    @property
    def gap(self) -> float:
        """The relative gap between ``bound`` and ``total`` (0 when optimal)."""
        if self.optimal or self.bound <= 0:
            return 0.0
        return max(self.bound - self.total, 0.0) / self.bound


class TeamsLimit(RuntimeError):
    """The time limit was reached before any teams were found."""


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class _Model:
    """The variables of the programme, in their fixed order: x, then y, then u."""

    pair_host: IntArray  # per x
    pair_member: IntArray
    y_pair: IntArray  # per y: its x
    y_need: IntArray  # per y: the host's need (local index)
    y_weight: FloatArray  # per y: coverage points it is worth
    host_start: IntArray  # x of host h: host_start[h]..host_start[h+1]
    role_of: IntArray  # per member: role index
    roles: tuple[str, ...]
    mins: IntArray  # per role index: minimum

    @property
    def nx(self) -> int:
        return len(self.pair_host)

    @property
    def ny(self) -> int:
        return len(self.y_pair)


def _model(p: TeamProblem) -> _Model:
    hosts, members, ys_pair, ys_need, ys_w = [], [], [], [], []
    start = [0]
    nx = 0
    for h in range(p.hosts):
        points = np.asarray(p.need_points[h], dtype=np.float64)
        cred = np.maximum(np.asarray(p.credit[h], dtype=np.float64), 0.0)
        mem = np.asarray(p.members[h], dtype=np.int64)
        keep = cred.max(axis=1) > 0 if cred.shape[1] else np.zeros(len(mem), dtype=bool)
        if p.capacity.size:
            keep &= np.asarray(p.capacity)[mem] > 0
        cred, mem = cred[keep], mem[keep]
        hosts.append(np.full(len(mem), h, dtype=np.int64))
        members.append(mem)
        rows, needs = np.nonzero(cred)  # row-major: by member, then need
        ys_pair.append(rows.astype(np.int64) + nx)
        ys_need.append(needs.astype(np.int64))
        ys_w.append(100.0 * cred[rows, needs] / points.sum())
        nx += len(mem)
        start.append(nx)
    roles = tuple(sorted(set(p.role) | set(p.role_minimums)))
    index = {r: i for i, r in enumerate(roles)}
    cat = np.concatenate
    return _Model(
        pair_host=cat(hosts) if hosts else np.zeros(0, np.int64),
        pair_member=cat(members) if members else np.zeros(0, np.int64),
        y_pair=cat(ys_pair) if ys_pair else np.zeros(0, np.int64),
        y_need=cat(ys_need) if ys_need else np.zeros(0, np.int64),
        y_weight=cat(ys_w) if ys_w else np.zeros(0),
        host_start=np.asarray(start, dtype=np.int64),
        role_of=np.asarray([index[r] for r in p.role], dtype=np.int64),
        roles=roles,
        mins=np.asarray([int(p.role_minimums.get(r, 0)) for r in roles], dtype=np.int64),
    )


class _Rows:
    """Constraint rows gathered as triplets, handed to HiGHS in one go."""

    def __init__(self) -> None:
        self.lo: list[FloatArray] = []
        self.hi: list[FloatArray] = []
        self.row: list[IntArray] = []
        self.col: list[IntArray] = []
        self.val: list[FloatArray] = []
        self.count = 0

    def add(
        self, row: IntArray, col: IntArray, val: FloatArray, lo: FloatArray, hi: FloatArray
    ) -> None:
        """Rows ``lo <= sum val * var[col] <= hi``; ``row`` numbers them from 0 in this block."""
        self.row.append(np.asarray(row, dtype=np.int64) + self.count)
        self.col.append(np.asarray(col, dtype=np.int64))
        self.val.append(np.asarray(val, dtype=np.float64))
        self.lo.append(np.asarray(lo, dtype=np.float64))
        self.hi.append(np.asarray(hi, dtype=np.float64))
        self.count += len(lo)

    def group_sum(
        self, keys: IntArray, col: IntArray, val: FloatArray, lo: float, hi: FloatArray | float
    ) -> IntArray:
        """One row ``lo <= sum <= hi`` per distinct key; returns the keys, in order."""
        uniq, inverse = np.unique(keys, return_inverse=True)
        his = np.broadcast_to(np.asarray(hi, dtype=np.float64), uniq.shape)
        self.add(inverse, col, val, np.full(len(uniq), lo), his)
        return uniq

    def load(self, h: Any) -> None:
        if not self.count:
            return
        row, col, val = (np.concatenate(a) for a in (self.row, self.col, self.val))
        order = np.lexsort((col, row))
        row, col, val = row[order], col[order], val[order]
        starts = np.searchsorted(row, np.arange(self.count)).astype(np.int32)
        h.addRows(
            self.count, np.concatenate(self.lo), np.concatenate(self.hi), len(val),
            starts, col.astype(np.int32), val,
        )  # fmt: skip


def _silent_highs(seed: int) -> Any:
    """An empty HiGHS object that prints nothing, with a fixed random seed."""
    import highspy

    # highspy.Highs() prints HiGHS's banner as it starts (highspy 1.16); the core object
    # stays silent if output is switched off first (as peermatch.solver does)
    h = getattr(highspy, "_Highs", highspy.Highs)()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", int(seed))
    # "threads" is left alone: HiGHS keeps one thread pool per process, and once another
    # HiGHS object (peermatch.solver's) has started it with the default, run() on an
    # object asking for another count fails. The answer does not depend on it: HiGHS's
    # MIP search and simplex are serial (its only parallel part, symmetry detection, is
    # deterministic).
    return h


_INF = float("inf")


def _x_rows(p: TeamProblem, mod: _Model, rows: _Rows, *, with_u: bool, roles: bool = True) -> None:
    """Size, capacity, one-per-group and (unless not ``roles``) role rows (over x, and u
    when asked)."""
    nx, ny = mod.nx, mod.ny
    cols = np.arange(nx, dtype=np.int64)
    ones = np.ones(nx)
    # size: only hosts with more candidates than places need the row
    per_host = np.diff(mod.host_start)
    big = np.repeat(per_host > p.size, per_host)
    if big.any():
        rows.group_sum(mod.pair_host[big], cols[big], ones[big], -_INF, float(p.size))
    # capacity: only members who could exceed it
    cap = np.asarray(p.capacity, dtype=np.int64)
    uses = np.bincount(mod.pair_member, minlength=len(cap))
    tight = uses[mod.pair_member] > cap[mod.pair_member]
    if tight.any():
        keys = mod.pair_member[tight]
        uniq = np.unique(keys)
        rows.group_sum(keys, cols[tight], ones[tight], -_INF, cap[uniq].astype(np.float64))
    # one per group per team
    if p.one_per_group and nx:
        grp = np.asarray(p.group, dtype=np.int64)[mod.pair_member]
        key = mod.pair_host * (int(grp.max()) + 1) + grp
        uniq, counts = np.unique(key, return_counts=True)
        shared = np.isin(key, uniq[counts > 1])
        if shared.any():
            rows.group_sum(key[shared], cols[shared], ones[shared], -_INF, 1.0)
    # role minimums, one row per host and role with a minimum
    need = np.nonzero(mod.mins > 0)[0]
    if len(need) and roles:
        r_of = mod.role_of[mod.pair_member]
        n_roles = len(mod.roles)
        sel = np.isin(r_of, need)
        key = mod.pair_host[sel] * n_roles + r_of[sel]
        all_keys = (np.arange(p.hosts)[:, None] * n_roles + need[None, :]).ravel()
        inverse = np.searchsorted(all_keys, key)
        col_parts = [cols[sel]]
        row_parts = [inverse]
        val_parts = [ones[sel]]
        if with_u:  # u[h,r] sits after x and y, one per (host, role with a minimum)
            col_parts.append(nx + ny + np.arange(len(all_keys)))
            row_parts.append(np.arange(len(all_keys)))
            val_parts.append(np.ones(len(all_keys)))
        lo = np.tile(mod.mins[need].astype(np.float64), p.hosts)
        rows.add(
            np.concatenate(row_parts),
            np.concatenate(col_parts),
            np.concatenate(val_parts),
            lo,
            np.full(len(all_keys), _INF),
        )


def _n_u(p: TeamProblem, mod: _Model) -> int:
    return p.hosts * int(np.count_nonzero(mod.mins > 0))


# --------------------------------------------------------------------------- greedy


def _coverage_of(mod: _Model, team_x: IntArray) -> FloatArray:
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


class _Greedy:
    """The state of a greedy construction: who is on which team, what is left."""

    def __init__(self, p: TeamProblem, mod: _Model, chosen: IntArray | None = None) -> None:
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


def _greedy_start(p: TeamProblem, mod: _Model, teams: IntArray | None = None) -> IntArray:
    """Teams by largest marginal coverage, host by host, keeping room for role minimums.

    ``teams`` (x indices) are kept and added to.
    """
    g = _Greedy(p, mod, teams)
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


def _role_counts(p: TeamProblem, mod: _Model, chosen: IntArray) -> IntArray:
    """Per (host, role with a minimum): places missing in the teams given by ``chosen``."""
    need = np.nonzero(mod.mins > 0)[0]
    counts = np.zeros((p.hosts, len(mod.roles)), dtype=np.int64)
    np.add.at(counts, (mod.pair_host[chosen], mod.role_of[mod.pair_member[chosen]]), 1)
    missing: IntArray = np.maximum(mod.mins[need][None, :] - counts[:, need], 0).ravel()
    return missing


def _y_of(mod: _Model, chosen: IntArray) -> FloatArray:
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


# --------------------------------------------------------------------------- solving


class _Clock:
    def __init__(self, limit: float) -> None:
        self.end = time.monotonic() + limit

    def left(self) -> float:
        return max(self.end - time.monotonic(), 0.01)


@dataclass(frozen=True)
class _Programme:
    """``min cost @ v`` over the rows, ``lb <= v <= ub``, ``v[integer]`` integral."""

    cost: FloatArray
    lb: FloatArray
    ub: FloatArray
    integer: IntArray
    rows: _Rows


def _programme(
    p: TeamProblem, mod: _Model, short: int, *, floor: float | None = None
) -> _Programme:
    """The coverage programme over ``mod``'s variables (x, y, then u when ``short > 0``).

    Without ``floor`` it maximises coverage; with it, it maximises the places filled
    subject to coverage >= ``floor`` (the fill-up).
    """
    nx, ny = mod.nx, mod.ny
    with_u = short > 0
    n_u = _n_u(p, mod) if with_u else 0
    rows = _Rows()
    _x_rows(p, mod, rows, with_u=with_u)
    link = np.arange(ny)
    rows.add(
        np.concatenate([link, link]),
        np.concatenate([nx + link, mod.y_pair]),
        np.concatenate([np.ones(ny), -np.ones(ny)]),
        np.full(ny, -_INF),
        np.zeros(ny),
    )
    if ny:
        need_key = mod.pair_host[mod.y_pair] * (int(mod.y_need.max()) + 1) + mod.y_need
        uniq, counts = np.unique(need_key, return_counts=True)
        shared = np.isin(need_key, uniq[counts > 1])
        if shared.any():
            rows.group_sum(need_key[shared], nx + link[shared], np.ones(int(shared.sum())),
                           -_INF, 1.0)  # fmt: skip
    if with_u:
        rows.add(np.zeros(n_u, dtype=np.int64), nx + ny + np.arange(n_u), np.ones(n_u),
                 np.array([-_INF]), np.array([float(short)]))  # fmt: skip
    n = nx + ny + n_u
    if floor is None:
        cost = np.concatenate([np.zeros(nx), -mod.y_weight, np.zeros(n_u)])
    else:
        rows.add(np.zeros(ny, dtype=np.int64), nx + link, mod.y_weight,
                 np.array([floor]), np.array([_INF]))  # fmt: skip
        cost = np.concatenate([-np.ones(nx), np.zeros(ny + n_u)])
    return _Programme(
        cost=cost,
        lb=np.zeros(n),
        ub=np.concatenate([np.ones(nx + ny), np.full(n_u, float(p.size))]),
        integer=np.concatenate([np.arange(nx), nx + ny + np.arange(n_u)]),
        rows=rows,
    )


def _start(p: TeamProblem, mod: _Model, chosen: IntArray, short: int) -> FloatArray:
    """The programme's variables for the teams ``chosen`` (x indices of ``mod``)."""
    nx, ny = mod.nx, mod.ny
    n_u = _n_u(p, mod) if short > 0 else 0
    v = np.zeros(nx + ny + n_u)
    v[chosen] = 1.0
    v[nx : nx + ny] = _y_of(mod, chosen)
    if n_u:
        v[nx + ny :] = _role_counts(p, mod, chosen)
    return v


def _sub(mod: _Model, keep: BoolArray) -> tuple[_Model, IntArray]:
    """The model restricted to the x in ``keep`` (and their y): (model, its x in ``mod``)."""
    xs = np.nonzero(keep)[0]
    new = np.full(mod.nx, -1, dtype=np.int64)
    new[xs] = np.arange(len(xs))
    ys = keep[mod.y_pair]
    hosts = len(mod.host_start) - 1
    return (
        _Model(
            pair_host=mod.pair_host[xs],
            pair_member=mod.pair_member[xs],
            y_pair=new[mod.y_pair[ys]],
            y_need=mod.y_need[ys],
            y_weight=mod.y_weight[ys],
            host_start=np.searchsorted(mod.pair_host[xs], np.arange(hosts + 1)).astype(np.int64),
            role_of=mod.role_of,
            roles=mod.roles,
            mins=mod.mins,
        ),
        xs,
    )


def _highs_of(prog: _Programme, seed: int, seconds: float) -> Any:
    h = _silent_highs(seed)
    n = len(prog.cost)
    h.addCols(
        n, prog.cost, prog.lb, prog.ub, 0,
        np.zeros(n, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0),
    )  # fmt: skip
    prog.rows.load(h)
    h.setOptionValue("time_limit", float(seconds))
    return h


@dataclass(frozen=True)
class _Relaxation:
    """The linear relaxation's optimum (as coverage, a maximum) and its reduced costs."""

    value: float
    x: FloatArray  # x's values
    reduced: FloatArray  # x's reduced costs in the minimisation: >= 0 where x sits at 0


def _relax(prog: _Programme, nx: int, seed: int, seconds: float) -> _Relaxation | None:
    """The linear relaxation, by the simplex method (None if it did not finish)."""
    import highspy

    h = _highs_of(prog, seed, seconds)
    h.setOptionValue("presolve", "off")  # presolve finds nothing to remove here, slowly
    h.setOptionValue("solver", "simplex")
    if h.run() == highspy.HighsStatus.kError:  # pragma: no cover
        raise RuntimeError("HiGHS refused to solve the teams programme; please report this")
    sol = h.getSolution()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal or not sol.dual_valid:
        return None
    return _Relaxation(
        value=-float(h.getInfo().objective_function_value),
        x=np.asarray(sol.col_value, dtype=np.float64)[:nx],
        reduced=np.asarray(sol.col_dual, dtype=np.float64)[:nx],
    )


def _run(
    prog: _Programme, *, seconds: float, gap: float, seed: int, start: FloatArray | None
) -> tuple[FloatArray | None, bool, float]:
    """Minimise the programme: (v or None, proven optimal within ``gap``, dual bound)."""
    import highspy

    h = _highs_of(prog, seed, seconds)
    integer = prog.integer
    if len(integer):
        h.changeColsIntegrality(
            len(integer),
            integer.astype(np.int32),
            np.full(len(integer), highspy.HighsVarType.kInteger),
        )
    h.setOptionValue("mip_rel_gap", float(gap))
    n = len(prog.cost)
    if start is not None:
        h.setSolution(n, np.arange(n, dtype=np.int32), start.astype(np.float64))
    if h.run() == highspy.HighsStatus.kError:  # pragma: no cover
        raise RuntimeError("HiGHS refused to solve the teams programme; please report this")
    status = h.getModelStatus()
    info = h.getInfo()
    statuses = highspy.HighsModelStatus
    if status == statuses.kInfeasible:  # pragma: no cover - the model always has x = 0
        raise RuntimeError("the teams programme is infeasible; please report this")
    v = None
    if info.primal_solution_status == highspy.kSolutionStatusFeasible:
        v = np.asarray(h.getSolution().col_value, dtype=np.float64)
        if len(integer):
            vi = v[integer]
            if np.any(np.abs(vi - np.round(vi)) > INTEGRAL_TOL):  # pragma: no cover
                raise RuntimeError("the solver returned fractional teams; please report this")
            v[integer] = np.round(vi)
    if start is not None and v is not None:
        # HiGHS 1.16 can report the optimum's objective yet hand back the start as the
        # solution (seen when presolve solves the whole model): then solve again, cold
        claimed = float(info.objective_function_value)
        if abs(float(prog.cost @ v) - claimed) > 1e-7 * max(1.0, abs(claimed)):
            return _run(prog, seconds=seconds, gap=gap, seed=seed, start=None)
    bound = float(info.mip_dual_bound) if len(integer) else float(info.objective_function_value)
    if not np.isfinite(bound):
        bound = float(prog.cost @ v) if v is not None and status == statuses.kOptimal else -_INF
    return v, status == statuses.kOptimal, bound


def _min_shortfall(
    p: TeamProblem, mod: _Model, clock: _Clock, seed: int, greedy: IntArray
) -> tuple[int, bool, IntArray]:
    """The fewest role places missing over all teams (x and u only): (count, proven, teams
    with that shortfall, completed greedily)."""
    nu = _n_u(p, mod)
    start_short = int(_role_counts(p, mod, greedy).sum())
    if start_short == 0:
        return 0, True, greedy
    rows = _Rows()
    _x_rows(p, mod, rows, with_u=True)
    nx, ny = mod.nx, mod.ny
    # the y columns are kept (cost 0, fixed at 0) so u's indices match the main model
    prog = _Programme(
        cost=np.concatenate([np.zeros(nx + ny), np.ones(nu)]),
        lb=np.zeros(nx + ny + nu),
        ub=np.concatenate([np.ones(nx), np.zeros(ny), np.full(nu, float(p.size))]),
        integer=np.concatenate([np.arange(nx), nx + ny + np.arange(nu)]),
        rows=rows,
    )
    # the linear relaxation often proves the greedy teams' shortfall the least already
    relaxed = _relax(prog, nx, seed, clock.left() * 0.1)
    if relaxed is not None and math.ceil(-relaxed.value - INTEGRAL_TOL) >= start_short:
        return start_short, True, greedy
    start = np.zeros(nx + ny + nu)
    start[greedy] = 1.0
    start[nx + ny :] = _role_counts(p, mod, greedy)
    v, optimal, bound = _run(prog, seconds=clock.left() * 0.2, gap=0.0, seed=seed, start=start)
    if v is None:  # pragma: no cover - the greedy start is always feasible
        return start_short, False, greedy
    best = round(float(v[nx + ny :].sum()))
    teams = _greedy_start(p, mod, np.nonzero(v[:nx] > 0.5)[0])  # adding never adds shortfall
    return best, optimal or best <= bound + INTEGRAL_TOL, teams


def _candidates(
    p: TeamProblem, mod: _Model, relaxed: _Relaxation, teams: IntArray, k: int
) -> BoolArray:
    """A small set of x likely to hold an optimum: the relaxation's support, the teams
    given, and per host the ``k`` best members on each need and of each role with a
    minimum (ties to the lowest member index). Only a heuristic: what it leaves out is
    proven harmless afterwards, or searched."""
    keep = relaxed.x > INTEGRAL_TOL
    keep[teams] = True
    if mod.ny:
        key = mod.pair_host[mod.y_pair] * (int(mod.y_need.max()) + 1) + mod.y_need
        keep[mod.y_pair[_top(key, mod.y_weight, mod.y_pair, k)]] = True
    need = mod.mins > 0
    if need.any():
        total = np.zeros(mod.nx)
        np.add.at(total, mod.y_pair, mod.y_weight)
        role = mod.role_of[mod.pair_member]
        sel = np.nonzero(need[role])[0]
        key = mod.pair_host[sel] * len(mod.roles) + role[sel]
        keep[sel[_top(key, total[sel], sel, k)]] = True
    return keep


def _top(key: IntArray, value: FloatArray, tie: IntArray, k: int) -> IntArray:
    """Positions of the ``k`` largest ``value`` within each ``key`` (ties: smallest ``tie``)."""
    order = np.lexsort((tie, -value, key))
    ks = key[order]
    first = np.searchsorted(ks, ks, side="left")
    return order[np.arange(len(ks)) - first < k]


#: Members kept per host and need (and per host and role) in the first, small programme.
TOP_K = 6
#: Whether the fill-up may stop at the relaxation's bound on places (off only in tests,
#: to exercise the fill-up programme).
FILL_BOUND = True


def solve_teams(
    p: TeamProblem, *, time_limit: float = 60.0, mip_gap: float = 0.0, seed: int = 0
) -> TeamSolution:
    """The teams of greatest total coverage within the rules, then filled up to ``size``.

    ``mip_gap`` is the relative gap at which the search may stop (0: prove the optimum);
    ``time_limit`` covers every solve. See the module's docstring for the programme.
    """
    t0 = time.monotonic()
    clock = _Clock(time_limit)
    mod = _model(p)
    nu = _n_u(p, mod)
    greedy = _greedy_start(p, mod)

    # 1. the fewest role places missing (usually 0 at once, from the greedy teams)
    short, short_proven = 0, True
    if nu:  # teams with the least shortfall replace the greedy ones if those have more
        short, short_proven, greedy = _min_shortfall(p, mod, clock, seed, greedy)

    # 2. the most coverage with that shortfall
    chosen, total, bound, optimal, relaxed = _most_coverage(
        p, mod, short, greedy, clock, seed, mip_gap, time_limit
    )

    # 3. fill up, coverage held
    filled_optimal = True
    if p.fill:
        chosen, filled_optimal = _fill(p, mod, chosen, total, short, relaxed, clock, seed, mip_gap)

    return _solution(p, mod, chosen, bound, optimal, short, short_proven, filled_optimal, t0)


def _most_coverage(
    p: TeamProblem,
    mod: _Model,
    short: int,
    greedy: IntArray,
    clock: _Clock,
    seed: int,
    mip_gap: float,
    time_limit: float,
) -> tuple[IntArray, float, float, bool, _Relaxation | None]:
    """(teams, their coverage, a bound, proven optimal, the linear relaxation)."""
    if mod.nx == 0:
        return greedy, 0.0, 0.0, True, None
    prog = _programme(p, mod, short)
    best: IntArray | None = None
    z_best = -_INF
    if not _n_u(p, mod) or int(_role_counts(p, mod, greedy).sum()) <= short:
        best, z_best = greedy, float(_coverage_of(mod, greedy).sum())

    def proven(z: float, bound: float) -> bool:
        return bound - z <= 1e-9 * max(1.0, abs(bound))

    relaxed = _relax(prog, mod.nx, seed, clock.left() * 0.3)
    bound = relaxed.value if relaxed is not None else _INF
    if best is not None and proven(z_best, bound):
        return best, z_best, bound, True, relaxed
    margin = 1e-6 * max(1.0, abs(bound))
    if relaxed is not None:
        # a small programme first: candidates likely to hold an optimum
        keep = _candidates(p, mod, relaxed, greedy if best is not None else greedy[:0], TOP_K)
        sub, xs = _sub(mod, keep)
        start = None if best is None else _start(p, sub, np.searchsorted(xs, best), short)
        v, _, small_dual = _run(
            _programme(p, sub, short), seconds=clock.left() * 0.3, gap=mip_gap,
            seed=seed, start=start,
        )  # fmt: skip
        if v is not None:
            found = xs[np.nonzero(v[: sub.nx] > 0.5)[0]]
            z = float(_coverage_of(mod, found).sum())
            if z > z_best:
                best, z_best = found, z
        if best is not None and (proven(z_best, bound) or bound - z_best <= mip_gap * abs(bound)):
            return best, z_best, bound, proven(z_best, bound), relaxed
        # what the relaxation's reduced costs rule out cannot be in any better teams:
        # teams with x = 1 there cover at most value - reduced < the best found
        needed = relaxed.value - np.maximum(relaxed.reduced, 0.0) >= z_best - margin
        if best is not None:
            needed[best] = True
        if best is not None and not np.any(needed & ~keep):
            # every x of any better teams was a candidate: the small programme's bound holds
            bound = min(bound, max(-small_dual, z_best))
            return best, z_best, max(bound, z_best), proven(z_best, bound), relaxed
        sub, xs = _sub(mod, needed)
    else:
        sub, xs = mod, np.arange(mod.nx)
    # the whole (or provably sufficient) programme, from the best teams so far
    start = None if best is None else _start(p, sub, np.searchsorted(xs, best), short)
    share = 0.8 if p.fill else 1.0
    v, _, dual = _run(
        _programme(p, sub, short), seconds=clock.left() * share, gap=mip_gap,
        seed=seed, start=start,
    )  # fmt: skip
    if v is not None:
        found = xs[np.nonzero(v[: sub.nx] > 0.5)[0]]
        z = float(_coverage_of(mod, found).sum())
        if z > z_best or best is None:
            best, z_best = found, z
    if best is None:
        raise TeamsLimit(
            f"the time limit of {time_limit:g} s was reached before any teams were found"
        )
    bound = min(bound, max(-dual, z_best))
    return best, z_best, max(bound, z_best), proven(z_best, bound), relaxed


def _fill(
    p: TeamProblem,
    mod: _Model,
    chosen: IntArray,
    total: float,
    short: int,
    relaxed: _Relaxation | None,
    clock: _Clock,
    seed: int,
    gap: float,
) -> tuple[IntArray, bool]:
    """The teams ``chosen`` filled up to ``size`` at no cost in coverage: (teams, proven).

    ``gap``: the relative gap in places filled at which the search may stop.
    """
    g = _Greedy(p, mod, chosen)
    g.fill()
    # an upper bound on the places that can be filled: per host, size or fewer candidates
    per_host = np.zeros(p.hosts, dtype=np.int64)
    for h in range(p.hosts):
        lo, hi = mod.host_start[h], mod.host_start[h + 1]
        if p.one_per_group:
            per_host[h] = len(np.unique(np.asarray(p.group)[mod.pair_member[lo:hi]]))
        else:
            per_host[h] = hi - lo
    ceiling = int(np.minimum(per_host, p.size).sum())
    greedy = np.nonzero(g.on)[0]
    if len(greedy) >= ceiling:
        return greedy, True
    # a closer bound: the most places size, capacity and groups allow, as a relaxation
    rows = _Rows()
    _x_rows(p, mod, rows, with_u=False, roles=False)
    places = _relax(
        _Programme(-np.ones(mod.nx), np.zeros(mod.nx), np.ones(mod.nx), mod.pair_host[:0], rows),
        mod.nx, seed, clock.left() * 0.2,
    )  # fmt: skip
    if FILL_BOUND and places is not None and math.floor(places.value + INTEGRAL_TOL) <= len(greedy):
        return greedy, True
    # a second programme: most places, coverage >= total (less tolerance), same shortfall;
    # by the relaxation's reduced costs, no x it rules out can be in teams that cover that
    floor = total - COVERAGE_TOL * max(1.0, abs(total))
    keep = np.ones(mod.nx, dtype=bool)
    if relaxed is not None:
        margin = 1e-6 * max(1.0, abs(relaxed.value))
        keep = relaxed.value - np.maximum(relaxed.reduced, 0.0) >= floor - margin
        keep[greedy] = True
    sub, xs = _sub(mod, keep)
    start = _start(p, sub, np.searchsorted(xs, greedy), short)
    v, optimal, neg_bound = _run(
        _programme(p, sub, short, floor=floor), seconds=clock.left(), gap=gap,
        seed=seed, start=start,
    )  # fmt: skip
    if v is None:  # pragma: no cover - the start is feasible
        return greedy, False
    best = xs[np.nonzero(v[: sub.nx] > 0.5)[0]]
    if len(best) < len(greedy):  # pragma: no cover - HiGHS keeps the start at worst
        best = greedy
    g = _Greedy(p, mod, best)
    g.fill()
    best = np.nonzero(g.on)[0]
    return best, len(best) >= -neg_bound - INTEGRAL_TOL or (optimal and gap == 0)


def _solution(
    p: TeamProblem,
    mod: _Model,
    chosen: IntArray,
    bound: float,
    optimal: bool,
    short: int,
    short_proven: bool,
    filled_optimal: bool,
    t0: float,
) -> TeamSolution:
    cov = _coverage_of(mod, chosen)
    need_roles = np.nonzero(mod.mins > 0)[0]
    missing = _role_counts(p, mod, chosen).reshape(p.hosts, len(need_roles))
    on = np.zeros(mod.nx, dtype=bool)
    on[chosen] = True
    left = np.asarray(p.capacity, dtype=np.int64).copy()
    np.subtract.at(left, mod.pair_member[chosen], 1)
    group = np.asarray(p.group, dtype=np.int64)
    teams = []
    for h in range(p.hosts):
        lo, hi = int(mod.host_start[h]), int(mod.host_start[h + 1])
        mem = mod.pair_member[lo:hi]
        team = mem[on[lo:hi]]
        # credited: per need, the team's best member (lowest index on ties)
        n_needs = len(p.need_points[h])
        credited = np.full(n_needs, -1, dtype=np.int64)
        if len(team):
            cred = np.maximum(np.asarray(p.credit[h], dtype=np.float64), 0.0)
            rows = np.searchsorted(np.asarray(p.members[h]), team)
            sub = cred[rows]
            best = np.argmax(sub, axis=0)
            has = sub[best, np.arange(n_needs)] > 0
            credited[has] = team[best[has]]
        short_roles = tuple(
            (mod.roles[r], int(k)) for r, k in zip(need_roles, missing[h], strict=True) if k
        )
        teams.append(
            Team(
                host=h,
                members=tuple(int(m) for m in team),
                coverage=float(cov[h]),
                credited=tuple(int(c) for c in credited),
                uncovered=tuple(int(i) for i in np.nonzero(credited < 0)[0]),
                role_short=short_roles,
                reason=_reason(p, mod, h, team, mem, left, group, short_roles),
            )
        )
    total = float(cov.sum())
    return TeamSolution(
        teams=tuple(teams),
        total=total,
        bound=max(bound, total),
        optimal=optimal and short_proven,
        role_shortfall=short,
        filled_optimal=filled_optimal,
        seconds=time.monotonic() - t0,
    )


def _reason(
    p: TeamProblem,
    mod: _Model,
    h: int,
    team: IntArray,
    eligible: IntArray,
    left: IntArray,
    group: IntArray,
    short_roles: tuple[tuple[str, int], ...],
) -> str | None:
    """Why host ``h``'s team is short of ``size`` or of its role mix (None if it is not)."""
    parts = []
    if not len(p.need_points[h]):
        return "the host has no needs, so nobody can bring one"
    for role, k in short_roles:
        want = int(p.role_minimums[role])
        of_role = eligible[np.asarray([p.role[m] == role for m in eligible], dtype=bool)]
        reach = len(np.unique(group[of_role])) if p.one_per_group else len(of_role)
        if reach < want:
            parts.append(
                f"{k} {role} short: only {reach} {role}"
                f"{' from distinct systems' if p.one_per_group else ''} "
                f"can bring one of its needs ({want} wanted)"
            )
        else:
            parts.append(
                f"{k} {role} short: the {role}s who bring its needs are needed on "
                "other teams (capacity) or share a system with the team"
            )
    if len(team) < p.size and p.fill:
        reach = len(np.unique(group[eligible])) if p.one_per_group else len(eligible)
        if reach < p.size:
            what = "systems" if p.one_per_group else "members"
            parts.append(
                f"{len(team)} of {p.size} places: only {reach} {what} can bring one of its needs"
            )
        else:
            parts.append(
                f"{len(team)} of {p.size} places: every other member who brings one of its "
                "needs is at capacity on other teams"
                + (" or from a system already on the team" if p.one_per_group else "")
            )
    return "; ".join(parts) or None
