"""The teams kernel against brute force, rule by rule, and on answers worked out by hand.

The brute force knows nothing of the integer programme: for every host it lists every team
the rules allow (subsets of the allowed members who bring one of its needs, at most
``size``, one per group), and a dynamic programme over the hosts and the members' capacity
left picks, lexicographically, the fewest missing role places, then the most coverage, then
the most members. Coverage is computed in exact fractions.
"""

from __future__ import annotations

import dataclasses
import itertools
from fractions import Fraction
from functools import cache
from unittest import mock

import numpy as np
import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from peermatch.solver import teams as teams_kernel
from peermatch.solver.teams import TeamProblem, TeamSolution, solve_teams

ROLES = ("officer", "member")


def problem(
    points: list[list[int]],
    allowed: list[dict[int, list[float]]],
    capacity: list[int],
    role: list[str],
    group: list[int],
    **kw: object,
) -> TeamProblem:
    """A problem from plain lists: ``allowed[h]`` maps a member to its credits on h's needs."""
    members = [np.array(sorted(a), dtype=np.int64) for a in allowed]
    credit = [
        np.array([a[m] for m in sorted(a)], dtype=np.float64).reshape(len(a), len(pts))
        for a, pts in zip(allowed, points, strict=True)
    ]
    return TeamProblem(
        need_points=[np.array(p, dtype=np.float64) for p in points],
        members=members,
        credit=credit,
        capacity=np.array(capacity, dtype=np.int64),
        role=tuple(role),
        group=np.array(group, dtype=np.int64),
        **kw,  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------- brute force


def coverage(p: TeamProblem, h: int, team: tuple[int, ...]) -> Fraction:
    total = Fraction(0)
    rows = {int(m): i for i, m in enumerate(p.members[h])}
    for n in range(len(p.need_points[h])):
        best = max((Fraction(float(p.credit[h][rows[m], n])) for m in team), default=Fraction(0))
        total += max(best, Fraction(0))
    points = sum(Fraction(float(x)) for x in p.need_points[h])
    return 100 * total / points if points else Fraction(0)


def short(p: TeamProblem, team: tuple[int, ...]) -> int:
    return sum(max(k - sum(p.role[m] == r for m in team), 0) for r, k in p.role_minimums.items())


def teams_for(p: TeamProblem, h: int) -> list[tuple[int, ...]]:
    """Every team the rules allow host ``h`` (role minimums aside: those are counted)."""
    bring = [
        int(m)
        for i, m in enumerate(p.members[h])
        if np.any(p.credit[h][i] > 0) and p.capacity[m] > 0
    ]
    out = []
    for k in range(min(p.size, len(bring)) + 1):
        for team in itertools.combinations(bring, k):
            groups = [int(p.group[m]) for m in team]
            if p.one_per_group and len(set(groups)) < len(groups):
                continue
            out.append(team)
    return out


def brute(p: TeamProblem) -> tuple[int, Fraction, int]:
    """(fewest missing role places, then most coverage, then most members) over all teams."""
    options = [
        [(t, (-short(p, t), coverage(p, h, t), len(t))) for t in teams_for(p, h)]
        for h in range(p.hosts)
    ]

    @cache
    def best(h: int, left: tuple[int, ...]) -> tuple[int, Fraction, int]:
        if h == p.hosts:
            return (0, Fraction(0), 0)
        out = None
        for team, key in options[h]:
            if any(left[m] < 1 for m in team):
                continue
            rest = list(left)
            for m in team:
                rest[m] -= 1
            sub = best(h + 1, tuple(rest))
            total = (key[0] + sub[0], key[1] + sub[1], key[2] + sub[2])
            if out is None or total > out:
                out = total
        assert out is not None  # the empty team is always allowed
        return out

    s, cov, size = best(0, tuple(int(c) for c in p.capacity))
    return -s, cov, size


# --------------------------------------------------------------------------- the rules


def check_rules(p: TeamProblem, sol: TeamSolution) -> None:
    used = np.zeros(len(p.capacity), dtype=np.int64)
    missing = 0
    for h, team in enumerate(sol.teams):
        assert team.host == h
        assert list(team.members) == sorted(set(team.members))
        assert len(team.members) <= p.size
        rows = {int(m): i for i, m in enumerate(p.members[h])}
        for m in team.members:
            assert m in rows, "only allowed pairs"
            assert np.any(p.credit[h][rows[m]] > 0), "no passengers"
            used[m] += 1
        if p.one_per_group:
            groups = [int(p.group[m]) for m in team.members]
            assert len(set(groups)) == len(groups)
        for role, k in p.role_minimums.items():
            have = sum(p.role[m] == role for m in team.members)
            assert have + dict(team.role_short).get(role, 0) >= k
            assert dict(team.role_short).get(role, 0) == max(k - have, 0)
        missing += sum(k for _, k in team.role_short)
        assert team.complete == (not team.role_short)
        assert team.coverage == pytest.approx(float(coverage(p, h, team.members)), abs=1e-9)
        for n, m in enumerate(team.credited):
            if m < 0:
                assert n in team.uncovered
                assert all(p.credit[h][rows[x], n] <= 0 for x in team.members)
            else:
                assert m in team.members
                best = max(p.credit[h][rows[x], n] for x in team.members)
                assert p.credit[h][rows[m], n] == best > 0
        if (len(team.members) < p.size or team.role_short) and p.fill:
            assert team.reason
    assert np.all(used <= p.capacity), "capacity"
    assert missing == sol.role_shortfall
    assert sol.total == pytest.approx(sum(t.coverage for t in sol.teams), abs=1e-9)
    assert sol.bound >= sol.total - 1e-9


# --------------------------------------------------------------------------- instances


@st.composite
def problems(draw: st.DrawFn) -> TeamProblem:
    hosts = draw(st.integers(1, 4))
    n = draw(st.integers(1, 7))
    size = draw(st.integers(1, 4))
    capacity = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    role = draw(st.lists(st.sampled_from(ROLES), min_size=n, max_size=n))
    group = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    credits = st.sampled_from([0.0, 0.0, 0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 2.75, 3.0])
    points, allowed = [], []
    for _ in range(hosts):
        pts = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
        who = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        allowed.append(
            {
                m: draw(st.lists(credits, min_size=len(pts), max_size=len(pts)))
                for m in range(n)
                if who[m]
            }
        )
        points.append(pts)
    officers = draw(st.integers(0, size))
    members = draw(st.integers(0, size - officers))
    mins = {r: k for r, k in zip(ROLES, (officers, members), strict=True) if k}
    return problem(
        points,
        allowed,
        capacity,
        role,
        group,
        size=size,
        role_minimums=mins,
        one_per_group=draw(st.booleans()),
        fill=draw(st.booleans()),
    )


@settings(max_examples=examples(60), deadline=None)
@given(problems())
def test_matches_brute_force_and_keeps_every_rule(p: TeamProblem) -> None:
    sol = solve_teams(p)
    check_rules(p, sol)
    assert sol.optimal
    missing, cov, size = brute(p)
    assert sol.role_shortfall == missing
    assert sol.total == pytest.approx(float(cov), abs=1e-6)
    assert sol.bound == pytest.approx(float(cov), abs=1e-6)
    if p.fill:
        assert sol.filled_optimal
        assert sum(len(t.members) for t in sol.teams) == size


@settings(max_examples=examples(40), deadline=None)
@given(problems())
def test_the_longer_ways_round_match_brute_force_too(p: TeamProblem) -> None:
    # no greedy teams, no candidates beyond the relaxation's support and no bound on the
    # places: the first small programme rarely proves anything, so the reduced-cost
    # programme (and the shortfall and fill-up programmes) do the work
    none = np.zeros(0, dtype=np.int64)
    with (
        mock.patch.object(teams_kernel, "TOP_K", 0),
        mock.patch.object(teams_kernel, "FILL_BOUND", False),
        mock.patch.object(
            teams_kernel,
            "greedy_start",
            lambda p, mod, teams=None: none if teams is None else teams,
        ),
    ):
        sol = solve_teams(p)
    check_rules(p, sol)
    assert sol.optimal
    missing, cov, size = brute(p)
    assert (sol.role_shortfall, sol.total) == (missing, pytest.approx(float(cov), abs=1e-6))
    if p.fill:
        assert sum(len(t.members) for t in sol.teams) == size


# --------------------------------------------------------------------------- by hand


def two_hosts(**kw: object) -> TeamProblem:
    return problem(
        [[3, 2, 1], [2, 2]],
        [
            {0: [3, 0, 0], 1: [0, 2, 0], 2: [2.75, 0, 1], 3: [0, 0, 0.5]},
            {1: [2, 0], 2: [0, 1.5], 3: [1, 1]},
        ],
        capacity=[1, 1, 2, 1],
        role=["officer", "member", "officer", "member"],
        group=[0, 1, 2, 2],
        **kw,
    )


def test_two_hosts_by_hand() -> None:
    # host 1 needs an officer and only member 2 is one; with member 3 in 2's group, host 1
    # takes {1, 2}: (2 + 1.5) / 4 = 87.5. Member 1 is then used up, so host 0 takes
    # {0, 2}: (3 + 1) / 6 = 66.67, better than leaving host 1 without member 1.
    sol = solve_teams(two_hosts(size=2, role_minimums={"officer": 1}))
    assert [t.members for t in sol.teams] == [(0, 2), (1, 2)]
    assert [round(t.coverage, 4) for t in sol.teams] == [66.6667, 87.5]
    assert sol.teams[0].credited == (0, -1, 2)
    assert sol.teams[0].uncovered == (1,)
    assert sol.optimal and sol.total == pytest.approx(100 * 4 / 6 + 87.5)
    assert all(t.reason is None for t in sol.teams)


def test_without_rules_the_best_expert_goes_where_it_counts() -> None:
    # no role minimum and no group rule: member 2 (capacity 2) joins both; host 0 takes
    # {1, 2}: (2.75 + 2 + 1) / 6, host 1 {2, 3}: (1 + 1.5) / 4; giving host 1 member 1
    # instead ({1, 2}: 3.5 / 4) leaves host 0 at best {0, 2}: 4 / 6, 4.2 points less
    sol = solve_teams(two_hosts(size=2, one_per_group=False))
    assert [t.members for t in sol.teams] == [(1, 2), (2, 3)]
    assert sol.total == pytest.approx(100 * 5.75 / 6 + 62.5)


def test_fill_adds_second_experts_and_says_why_a_team_is_short() -> None:
    # one need each; member 0 is the best for both but serves once; member 1 helps only
    # host 1, member 2 only host 0, member 3 nobody (a passenger)
    p = problem(
        [[3], [3]],
        [{0: [3], 2: [1], 3: [0]}, {0: [3], 1: [1]}],
        capacity=[1, 1, 1, 1],
        role=["member"] * 4,
        group=[0, 1, 2, 3],
        size=3,
    )
    sol = solve_teams(p)
    # coverage: 100 + 33.3 either way round; fill: host 0 {0, 2}, host 1 {1} or the mirror
    assert sol.total == pytest.approx(100 + 100 / 3)
    assert sum(len(t.members) for t in sol.teams) == 3
    assert all(3 not in t.members for t in sol.teams)
    for t in sol.teams:
        assert t.reason and "places" in t.reason
    unfilled = solve_teams(dataclasses.replace(p, fill=False))
    assert unfilled.total == pytest.approx(sol.total)
    assert all(t.reason is None for t in unfilled.teams)  # not filled: no claim about size


def test_a_role_that_cannot_be_met_leaves_the_host_short_not_the_programme() -> None:
    # host 0 can only get members; host 1 gets its officer; host 0 is reported short
    p = problem(
        [[2, 1], [2]],
        [{1: [2, 0], 2: [0, 1]}, {0: [2], 1: [1]}],
        capacity=[1, 1, 1],
        role=["officer", "member", "member"],
        group=[0, 1, 2],
        size=2,
        role_minimums={"officer": 1},
    )
    sol = solve_teams(p)
    assert sol.role_shortfall == 1 and sol.optimal
    assert sol.teams[0].role_short == (("officer", 1),)
    assert not sol.teams[0].complete and sol.teams[1].complete
    assert sol.teams[0].reason is not None and "only 0 officer" in sol.teams[0].reason
    assert 0 in sol.teams[1].members
    check_rules(p, sol)


def test_a_host_without_needs_gets_an_empty_team() -> None:
    p = problem([[]], [{0: []}], capacity=[1], role=["member"], group=[0])
    sol = solve_teams(p)
    assert sol.teams[0].members == () and sol.total == 0 and sol.optimal
    assert sol.teams[0].reason == "the host has no needs, so nobody can bring one"


def test_role_minimums_beyond_the_size_are_refused() -> None:
    with pytest.raises(ValueError, match="more than the team size"):
        two_hosts(size=2, role_minimums={"officer": 2, "member": 1})


def test_same_problem_same_teams() -> None:
    rng = np.random.default_rng(7)
    hosts, n = 12, 60
    points = [list(rng.integers(1, 4, size=rng.integers(3, 6))) for _ in range(hosts)]
    allowed = []
    for pts in points:
        who = rng.choice(n, size=25, replace=False)
        allowed.append(
            {
                int(m): list(rng.choice([0, 0, 0, 0.5, 1.0, 1.75, 2.5, 3.0], size=len(pts)))
                for m in who
            }
        )
    p = problem(
        points,
        allowed,
        capacity=list(rng.integers(1, 3, size=n)),
        role=[ROLES[int(i)] for i in rng.integers(0, 2, size=n)],
        group=list(rng.integers(0, 8, size=n)),
        role_minimums={"officer": 1, "member": 1},
    )
    first, second = solve_teams(p), solve_teams(p)
    assert first.teams == second.teams
    assert (first.total, first.bound, first.optimal) == (second.total, second.bound, True)
    check_rules(p, first)


def test_a_gap_lets_the_search_stop_early_but_never_claims_more() -> None:
    rng = np.random.default_rng(3)
    hosts, n = 10, 40
    points = [list(rng.integers(1, 4, size=rng.integers(3, 6))) for _ in range(hosts)]
    allowed = [
        {int(m): list(rng.choice([0, 0, 1.0, 2.0, 3.0], size=len(pts))) for m in range(n)}
        for pts in points
    ]
    p = problem(
        points,
        allowed,
        capacity=[1] * n,
        role=["member"] * n,
        group=list(range(n)),
    )
    exact = solve_teams(p)
    rough = solve_teams(p, mip_gap=0.5)
    check_rules(p, rough)
    assert exact.optimal and rough.bound >= exact.total - 1e-6
    assert rough.total >= (1 - 0.5) * rough.bound - 1e-6
    assert rough.optimal == (rough.total >= rough.bound - 1e-6)


def test_the_same_teams_after_other_highs_solves_in_the_process() -> None:
    # HiGHS keeps one thread pool per process; peermatch.solver's objects start it too
    from peermatch.solver.highs import silent_highs

    before = solve_teams(two_hosts(size=2, role_minimums={"officer": 1}))
    h = silent_highs()
    h.addVar(0.0, 1.0)
    h.run()
    after = solve_teams(two_hosts(size=2, role_minimums={"officer": 1}))
    assert after.teams == before.teams and after.optimal
