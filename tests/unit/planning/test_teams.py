"""``planning.teams`` on random pools: every rule holds, coverage is the formula, and the
total equals an independent integer programme (scipy.optimize.milp) built from the rules
as the issue states them, not from the library's arrays."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
from cohorts import TOPICS, Spec, dataset
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from peermatch.core.dataset import Dataset, StrengthEntry
from peermatch.core.errors import UsageError
from peermatch.core.peers import Peer, PeerPool
from peermatch.core.teams import Teams
from peermatch.core.weights import DEFAULT_WEIGHTS
from peermatch.planning.teams import parse_roles, teams

W = DEFAULT_WEIGHTS
ROLES = ("officer", "member")


# --------------------------------------------------------------------------- the rules, again


def top(data: Dataset, sid: str) -> str:
    while data.system(sid).part_of is not None:
        sid = data.system(sid).part_of  # type: ignore[assignment]
    return sid


def associated(data: Dataset, host: str) -> set[str]:
    h = data.system(host)
    out = {p.id for p in data.systems if top(data, p.id) == top(data, host)}
    out |= set(h.partners) | set(h.exclude)
    out |= {p.id for p in data.systems if host in p.partners or host in p.exclude}
    return out


def credit(data: Dataset, strengths: dict[str, StrengthEntry], need: str, priority: int) -> float:
    points = W.priority.of(priority)
    if need in strengths:
        return points - W.level_shortfall.of(strengths[need].level)
    near = [s for t, s in strengths.items() if t in data.catalogue.topics[need].related]
    return max(
        (W.related_factor * (points - W.level_shortfall.of(s.level)) for s in near), default=0.0
    )


def people(data: Dataset, pool: PeerPool | None) -> dict[str, tuple[str, str | None, int, dict]]:
    """id -> (role, home, capacity, strengths)."""
    if pool is None:
        return {
            p.id: (
                p.kind,
                p.id,
                p.teach_capacity if p.teach_capacity is not None else 3,
                p.strengths,
            )
            for p in data.systems
        }
    return {p.id: (p.role, p.home, p.capacity, p.expertise) for p in pool.peers}


def group(data: Dataset, who: str, home: str | None) -> str:
    return top(data, home) if home is not None else "person:" + who


def check_rules(
    data: Dataset, pool: PeerPool | None, result: Teams, size: int, roles: dict[str, int]
) -> None:
    pp = people(data, pool)
    used: dict[str, int] = {}
    for team in result.teams:
        host = data.system(team.host)
        assert len(team.members) <= size
        banned = associated(data, host.id)
        groups = [group(data, m.member, pp[m.member][1]) for m in team.members]
        assert len(set(groups)) == len(groups)
        need_credit = []
        for need in host.needs.values():
            best = max(
                (credit(data, pp[m.member][3], need.topic, need.priority) for m in team.members),
                default=0.0,
            )
            need_credit.append((need, best))
        for m in team.members:
            role, home, _, strengths = pp[m.member]
            assert home is None or home not in banned
            assert m.role == role
            brings = []
            for n in host.needs.values():
                if credit(data, strengths, n.topic, n.priority) > 0:
                    direct = n.topic in strengths
                    brings.append(n.topic if direct else n.topic + "<-")
            assert (
                brings and [s[: len(b)] for s, b in zip(m.topics, brings, strict=True)] == brings
            )  # no passengers
            used[m.member] = used.get(m.member, 0) + 1
        points = sum(W.priority.of(n.priority) for n in host.needs.values())
        expected = 100 * sum(b for _, b in need_credit) / points if points else 0.0
        assert team.coverage == pytest.approx(expected, abs=1e-9)
        assert list(team.uncovered) == [n.topic for n, b in need_credit if b <= 0]
        counts = {r: sum(m.role == r for m in team.members) for r in roles}
        if any(counts[r] < k for r, k in roles.items()) or len(team.members) < size:
            assert team.reason
    for who, k in used.items():
        assert k <= pp[who][2]
    assert result.total == pytest.approx(sum(t.coverage for t in result.teams), abs=1e-9)


def independent_optimum(
    data: Dataset, pool: PeerPool | None, size: int, roles: dict[str, int]
) -> float | None:
    """The best total coverage with the role minimums held hard (None: infeasible)."""
    pp = people(data, pool)
    hosts = [p for p in data.systems if p.needs]
    xs: list[tuple[int, str]] = []
    ys: list[tuple[int, float]] = []  # (x index, weight)
    need_of_y: list[tuple[int, str]] = []
    for h, host in enumerate(hosts):
        banned = associated(data, host.id)
        points = sum(W.priority.of(n.priority) for n in host.needs.values())
        for who, (_, home, cap, strengths) in sorted(pp.items()):
            if (home is not None and home in banned) or cap <= 0:
                continue
            creds = [
                (n.topic, credit(data, strengths, n.topic, n.priority)) for n in host.needs.values()
            ]
            if not any(c > 0 for _, c in creds):
                continue
            xs.append((h, who))
            for topic, c in creds:
                if c > 0:
                    ys.append((len(xs) - 1, 100 * c / points))
                    need_of_y.append((h, topic))
    nx, ny = len(xs), len(ys)
    if nx == 0:
        return 0.0
    rows, lo, hi = [], [], []

    def row(cols: dict[int, float], low: float, high: float) -> None:
        r = np.zeros(nx + ny)
        for c, v in cols.items():
            r[c] = v
        rows.append(r), lo.append(low), hi.append(high)

    for j, (i, _) in enumerate(ys):
        row({nx + j: 1, i: -1}, -np.inf, 0)
    for key in set(need_of_y):
        row({nx + j: 1 for j, k in enumerate(need_of_y) if k == key}, -np.inf, 1)
    for h in range(len(hosts)):
        row({i: 1 for i, (hh, _) in enumerate(xs) if hh == h}, -np.inf, size)
        for g in {group(data, w, pp[w][1]) for hh, w in xs if hh == h}:
            row(
                {i: 1 for i, (hh, w) in enumerate(xs) if hh == h and group(data, w, pp[w][1]) == g},
                -np.inf,
                1,
            )
        for r, k in roles.items():
            row({i: 1 for i, (hh, w) in enumerate(xs) if hh == h and pp[w][0] == r}, k, np.inf)
    for who in {w for _, w in xs}:
        row({i: 1 for i, (_, w) in enumerate(xs) if w == who}, -np.inf, pp[who][2])
    cost = np.concatenate([np.zeros(nx), -np.array([w for _, w in ys])])
    res = milp(
        cost,
        integrality=np.concatenate([np.ones(nx), np.zeros(ny)]),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(np.array(rows), lo, hi),
    )
    if res.status == 2:
        return None
    assert res.status == 0
    return float(-res.fun)


# --------------------------------------------------------------------------- random pools

LEVEL = st.integers(1, 3)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Dataset, PeerPool | None, int, dict[str, int], bool]:
    n = draw(st.integers(2, 6))
    ids = [f"s{i}" for i in range(n)]
    specs = []
    for i, sid in enumerate(ids):
        others = ids[:i] + ids[i + 1 :]
        specs.append(
            Spec(
                sid,
                strengths=draw(st.dictionaries(st.sampled_from(TOPICS), LEVEL, max_size=3)),
                needs=draw(st.dictionaries(st.sampled_from(TOPICS), st.integers(1, 3), max_size=3)),
                teach=draw(st.one_of(st.none(), st.integers(0, 2))),
                partners=tuple(draw(st.lists(st.sampled_from(others), max_size=1, unique=True))),
                exclude=tuple(draw(st.lists(st.sampled_from(others), max_size=1, unique=True))),
                kind=draw(st.sampled_from(ROLES)),
            )
        )
    data = dataset(specs)
    # part_of: a system may be a unit of an earlier one (no cycles)
    parents = {
        sid: draw(st.one_of(st.none(), st.sampled_from(ids[:i]))) for i, sid in enumerate(ids) if i
    }
    systems = [dataclasses.replace(p, part_of=parents.get(p.id)) for p in data.systems]
    data = Dataset(systems, data.catalogue)
    pool = None
    if draw(st.booleans()):
        peers = []
        for k in range(draw(st.integers(0, 7))):
            exp = draw(st.dictionaries(st.sampled_from(TOPICS), LEVEL, min_size=1, max_size=2))
            peers.append(
                Peer(
                    f"p{k}",
                    f"P{k}",
                    draw(st.sampled_from(ROLES)),
                    draw(st.one_of(st.none(), st.sampled_from(ids))),
                    draw(st.integers(0, 2)),
                    {t: StrengthEntry(t, lv, "e") for t, lv in exp.items()},
                )
            )
        pool = PeerPool(tuple(peers))
    size = draw(st.integers(1, 3))
    roles = draw(st.dictionaries(st.sampled_from(ROLES), st.integers(0, 1), max_size=2))
    if sum(roles.values()) > size:
        roles = {}
    return data, pool, size, roles, draw(st.booleans())


@settings(max_examples=examples(60), deadline=None)
@given(cases())
def test_every_rule_holds_and_the_total_is_the_independent_optimum(case) -> None:
    data, pool, size, roles, one = case
    if not one:  # the independent programme always has one per system; check rules only
        result = teams(data, pool=pool, size=size, roles=roles, one_per_system=False)
        assert result.optimal
        return
    result = teams(data, pool=pool, size=size, roles=roles)
    check_rules(data, pool, result, size, roles)
    assert result.optimal
    best = independent_optimum(data, pool, size, roles)
    if best is not None:  # role minimums can all hold: no shortfall, the same optimum
        assert result.total == pytest.approx(best, abs=1e-6)
        assert result.bound >= result.total - 1e-9


def test_the_shipped_data_gets_optimal_teams_within_the_rules() -> None:
    from peermatch.files.loading import load

    data = load()
    result = teams(data)
    check_rules(data, None, result, 4, {})
    assert result.optimal and len(result.teams) == sum(1 for p in data.systems if p.needs)
    assert result.total == pytest.approx(independent_optimum(data, None, 4, {}), abs=1e-6)


def test_a_worked_example() -> None:
    # host h needs t-a (high, 3 points) and t-c (low, 1); a teaches t-a at level 3 (3
    # points), b t-b at level 3 (related: 0.5 * 3 = 1.5), c t-c at level 2 (1 - 0.25)
    data = dataset(
        [
            Spec("h", needs={"t-a": 3, "t-c": 1}),
            Spec("a", strengths={"t-a": 3}),
            Spec("b", strengths={"t-b": 3}),
            Spec("c", strengths={"t-c": 2}),
        ]
    )
    result = teams(data, size=2)
    (team,) = result.teams
    assert [m.member for m in team.members] == ["a", "c"]
    assert team.coverage == pytest.approx(100 * Fraction(3 + 0.75) / 4)
    assert team.reason is None and result.optimal


def test_roles_parse_and_refuse_what_cannot_be() -> None:
    assert parse_roles("officer:2, member:1") == {"officer": 2, "member": 1}
    for bad in ("officer", "officer:x", ":2", "a:1,a:2"):
        with pytest.raises(UsageError, match="--roles"):
            parse_roles(bad)
    data = dataset([Spec("h", needs={"t-a": 3}), Spec("a", strengths={"t-a": 3})])
    with pytest.raises(UsageError, match="add up to 5, more than the team size of 4"):
        teams(data, roles={"ics": 5})
