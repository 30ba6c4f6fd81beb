"""The teams programme's data: the problem as arrays (:class:`TeamProblem`), the answer
(:class:`Team`, :class:`TeamSolution`), and the programme's variables and rows
(:class:`Model`, :class:`Rows`). :mod:`peermatch.solver.teams` says what is solved and how.
"""

from __future__ import annotations

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


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Model:
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


def build_model(p: TeamProblem) -> Model:
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
    return Model(
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


class Rows:
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


INF = float("inf")


def x_rows(p: TeamProblem, mod: Model, rows: Rows, *, with_u: bool, roles: bool = True) -> None:
    """Size, capacity, one-per-group and (unless not ``roles``) role rows (over x, and u
    when asked)."""
    nx, ny = mod.nx, mod.ny
    cols = np.arange(nx, dtype=np.int64)
    ones = np.ones(nx)
    # size: only hosts with more candidates than places need the row
    per_host = np.diff(mod.host_start)
    big = np.repeat(per_host > p.size, per_host)
    if big.any():
        rows.group_sum(mod.pair_host[big], cols[big], ones[big], -INF, float(p.size))
    # capacity: only members who could exceed it
    cap = np.asarray(p.capacity, dtype=np.int64)
    uses = np.bincount(mod.pair_member, minlength=len(cap))
    tight = uses[mod.pair_member] > cap[mod.pair_member]
    if tight.any():
        keys = mod.pair_member[tight]
        uniq = np.unique(keys)
        rows.group_sum(keys, cols[tight], ones[tight], -INF, cap[uniq].astype(np.float64))
    # one per group per team
    if p.one_per_group and nx:
        grp = np.asarray(p.group, dtype=np.int64)[mod.pair_member]
        key = mod.pair_host * (int(grp.max()) + 1) + grp
        uniq, counts = np.unique(key, return_counts=True)
        shared = np.isin(key, uniq[counts > 1])
        if shared.any():
            rows.group_sum(key[shared], cols[shared], ones[shared], -INF, 1.0)
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
            np.full(len(all_keys), INF),
        )


def u_count(p: TeamProblem, mod: Model) -> int:
    return p.hosts * int(np.count_nonzero(mod.mins > 0))
