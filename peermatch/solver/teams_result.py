"""The teams of a solve, host by host: members, coverage, what each need is credited to,
role shortfall, and why a team is short."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from peermatch.solver.teams_greedy import coverage_of, role_counts
from peermatch.solver.teams_model import Model, Team, TeamProblem, TeamSolution

if TYPE_CHECKING:
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]


def solution(
    p: TeamProblem,
    mod: Model,
    chosen: IntArray,
    bound: float,
    optimal: bool,
    short: int,
    short_proven: bool,
    filled_optimal: bool,
    t0: float,
) -> TeamSolution:
    cov = coverage_of(mod, chosen)
    need_roles = np.nonzero(mod.mins > 0)[0]
    missing = role_counts(p, mod, chosen).reshape(p.hosts, len(need_roles))
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
                reason=team_reason(p, mod, h, team, mem, left, group, short_roles),
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


def team_reason(
    p: TeamProblem,
    mod: Model,
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
            rest = "; the others are at capacity on other teams" if len(team) < reach else ""
            parts.append(
                f"{len(team)} of {p.size} places: only {reach} {what} can bring one of its "
                f"needs{rest}"
            )
        else:
            parts.append(
                f"{len(team)} of {p.size} places: every other member who brings one of its "
                "needs is at capacity on other teams"
                + (" or from a system already on the team" if p.one_per_group else "")
            )
    return "; ".join(parts) or None
