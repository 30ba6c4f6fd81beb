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
from typing import TYPE_CHECKING

import numpy as np

from peermatch.solver.highs import INTEGRAL_TOL, Clock, SolverLimit
from peermatch.solver.teams_greedy import Greedy, coverage_of, greedy_start, role_counts
from peermatch.solver.teams_model import (
    COVERAGE_TOL,
    INF,
    Model,
    Rows,
    Team,
    TeamProblem,
    TeamSolution,
    build_model,
    u_count,
    x_rows,
)
from peermatch.solver.teams_programme import (
    Programme,
    Relaxation,
    programme,
    relax,
    restrict,
    run_programme,
    start_values,
)
from peermatch.solver.teams_result import solution

if TYPE_CHECKING:
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]

__all__ = ["Team", "TeamProblem", "TeamSolution", "solve_teams"]


def _min_shortfall(
    p: TeamProblem, mod: Model, clock: Clock, seed: int, greedy: IntArray
) -> tuple[int, bool, IntArray]:
    """The fewest role places missing over all teams (x and u only): (count, proven, teams
    with that shortfall, completed greedily)."""
    nu = u_count(p, mod)
    start_short = int(role_counts(p, mod, greedy).sum())
    if start_short == 0:
        return 0, True, greedy
    rows = Rows()
    x_rows(p, mod, rows, with_u=True)
    nx, ny = mod.nx, mod.ny
    # the y columns are kept (cost 0, fixed at 0) so u's indices match the main model
    prog = Programme(
        cost=np.concatenate([np.zeros(nx + ny), np.ones(nu)]),
        lb=np.zeros(nx + ny + nu),
        ub=np.concatenate([np.ones(nx), np.zeros(ny), np.full(nu, float(p.size))]),
        integer=np.concatenate([np.arange(nx), nx + ny + np.arange(nu)]),
        rows=rows,
    )
    # the linear relaxation often proves the greedy teams' shortfall the least already
    relaxed = relax(prog, nx, seed, clock.left() * 0.1)
    if relaxed is not None and math.ceil(-relaxed.value - INTEGRAL_TOL) >= start_short:
        return start_short, True, greedy
    start = np.zeros(nx + ny + nu)
    start[greedy] = 1.0
    start[nx + ny :] = role_counts(p, mod, greedy)
    v, optimal, bound = run_programme(
        prog, seconds=clock.left() * 0.2, gap=0.0, seed=seed, start=start
    )
    if v is None:  # pragma: no cover - the greedy start is always feasible
        return start_short, False, greedy
    best = round(float(v[nx + ny :].sum()))
    teams = greedy_start(p, mod, np.nonzero(v[:nx] > 0.5)[0])  # adding never adds shortfall
    return best, optimal or best <= bound + INTEGRAL_TOL, teams


def _candidates(
    p: TeamProblem, mod: Model, relaxed: Relaxation, teams: IntArray, k: int
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
    clock = Clock(time_limit)
    mod = build_model(p)
    nu = u_count(p, mod)
    greedy = greedy_start(p, mod)

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

    return solution(p, mod, chosen, bound, optimal, short, short_proven, filled_optimal, t0)


# A solver kernel, kept whole on purpose (longer than the ~60-line rule): the steps 2-4 of
# the module's docstring share the best teams so far and the bound, each step proving or
# handing both on; split up, each part would pass and return all of them.
def _most_coverage(
    p: TeamProblem,
    mod: Model,
    short: int,
    greedy: IntArray,
    clock: Clock,
    seed: int,
    mip_gap: float,
    time_limit: float,
) -> tuple[IntArray, float, float, bool, Relaxation | None]:
    """(teams, their coverage, a bound, proven optimal, the linear relaxation)."""
    if mod.nx == 0:
        return greedy, 0.0, 0.0, True, None
    prog = programme(p, mod, short)
    best: IntArray | None = None
    z_best = -INF
    if not u_count(p, mod) or int(role_counts(p, mod, greedy).sum()) <= short:
        best, z_best = greedy, float(coverage_of(mod, greedy).sum())

    def proven(z: float, bound: float) -> bool:
        return bound - z <= 1e-9 * max(1.0, abs(bound))

    relaxed = relax(prog, mod.nx, seed, clock.left() * 0.3)
    bound = relaxed.value if relaxed is not None else INF
    if best is not None and proven(z_best, bound):
        return best, z_best, bound, True, relaxed
    margin = 1e-6 * max(1.0, abs(bound))
    if relaxed is not None:
        # a small programme first: candidates likely to hold an optimum
        keep = _candidates(p, mod, relaxed, greedy if best is not None else greedy[:0], TOP_K)
        sub, xs = restrict(mod, keep)
        start = None if best is None else start_values(p, sub, np.searchsorted(xs, best), short)
        v, _, small_dual = run_programme(
            programme(p, sub, short), seconds=clock.left() * 0.3, gap=mip_gap,
            seed=seed, start=start,
        )  # fmt: skip
        if v is not None:
            found = xs[np.nonzero(v[: sub.nx] > 0.5)[0]]
            z = float(coverage_of(mod, found).sum())
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
        sub, xs = restrict(mod, needed)
    else:
        sub, xs = mod, np.arange(mod.nx)
    # the whole (or provably sufficient) programme, from the best teams so far
    start = None if best is None else start_values(p, sub, np.searchsorted(xs, best), short)
    share = 0.8 if p.fill else 1.0
    v, _, dual = run_programme(
        programme(p, sub, short), seconds=clock.left() * share, gap=mip_gap,
        seed=seed, start=start,
    )  # fmt: skip
    if v is not None:
        found = xs[np.nonzero(v[: sub.nx] > 0.5)[0]]
        z = float(coverage_of(mod, found).sum())
        if z > z_best or best is None:
            best, z_best = found, z
    if best is None:
        raise SolverLimit(
            f"the solver reached its time limit of {time_limit:g} s before finding any "
            "teams; raise --time-limit, or ask for fewer hosts (--host)"
        )
    bound = min(bound, max(-dual, z_best))
    return best, z_best, max(bound, z_best), proven(z_best, bound), relaxed


def _fill(
    p: TeamProblem,
    mod: Model,
    chosen: IntArray,
    total: float,
    short: int,
    relaxed: Relaxation | None,
    clock: Clock,
    seed: int,
    gap: float,
) -> tuple[IntArray, bool]:
    """The teams ``chosen`` filled up to ``size`` at no cost in coverage: (teams, proven).

    ``gap``: the relative gap in places filled at which the search may stop.
    """
    g = Greedy(p, mod, chosen)
    g.fill()
    greedy = np.nonzero(g.on)[0]
    if len(greedy) >= _ceiling(p, mod):
        return greedy, True
    # a closer bound: the most places size, capacity and groups allow, as a relaxation
    rows = Rows()
    x_rows(p, mod, rows, with_u=False, roles=False)
    places = relax(
        Programme(-np.ones(mod.nx), np.zeros(mod.nx), np.ones(mod.nx), mod.pair_host[:0], rows),
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
    sub, xs = restrict(mod, keep)
    start = start_values(p, sub, np.searchsorted(xs, greedy), short)
    v, optimal, neg_bound = run_programme(
        programme(p, sub, short, floor=floor), seconds=clock.left(), gap=gap,
        seed=seed, start=start,
    )  # fmt: skip
    if v is None:  # pragma: no cover - the start is feasible
        return greedy, False
    best = xs[np.nonzero(v[: sub.nx] > 0.5)[0]]
    if len(best) < len(greedy):  # pragma: no cover - HiGHS keeps the start at worst
        best = greedy
    g = Greedy(p, mod, best)
    g.fill()
    best = np.nonzero(g.on)[0]
    return best, len(best) >= -neg_bound - INTEGRAL_TOL or (optimal and gap == 0)


def _ceiling(p: TeamProblem, mod: Model) -> int:
    """An upper bound on the places that can be filled: per host, size or fewer candidates
    (one per group with ``one_per_group``)."""
    per_host = np.zeros(p.hosts, dtype=np.int64)
    for h in range(p.hosts):
        lo, hi = mod.host_start[h], mod.host_start[h + 1]
        if p.one_per_group:
            per_host[h] = len(np.unique(np.asarray(p.group)[mod.pair_member[lo:hi]]))
        else:
            per_host[h] = hi - lo
    return int(np.minimum(per_host, p.size).sum())
