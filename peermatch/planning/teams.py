"""Peer review teams for hosts: who may join whose team, with what credit, solved exactly.

It sits in planning, beside ``plan``: like the plan, it turns the dataset into a solver's
arrays (:class:`peermatch.solver.teams.TeamProblem`) and the solver's answer back into ids;
the scoring layer below gives the credit, the solver layer the optimum.

* **Members** are the systems (role: the system's kind; capacity: ``capacity.teach``,
  default :data:`~peermatch.core.defaults.DEFAULT_TEACH`) or, with a pool, people (role,
  capacity and expertise from ``peers.yaml``). ``per_member`` overrides every capacity.
* **No direct association**: a host's team never has the host itself, a system of its
  ``part_of`` family (the same top-level system), an existing partner of the host or an
  ``exclude`` pair of it (listed on either side); nor a person whose ``home`` is any of them.
* **Groups** (one per system): a member's top-level system; a person without a home is a
  group of their own.
* **Credit** is :func:`peermatch.scoring.reference.topic_credits`, the one credit rule of
  ``explain`` for a single teacher (points less the level's shortfall, a related topic at
  ``related_factor``, no context factor).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from peermatch.core.dataset import Dataset, Profile
from peermatch.core.defaults import DEFAULT_TEACH, DEFAULT_TEAM_SIZE, TIME_LIMIT
from peermatch.core.errors import UsageError
from peermatch.core.peers import PeerPool
from peermatch.core.teams import HostTeam, TeamMember, Teams
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.scoring.reference import TopicCredit, topic_credits

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from peermatch.solver.teams import TeamProblem, TeamSolution

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class _Member:
    id: str
    role: str
    capacity: int
    home: str | None  # the system it is, or works in
    profile: Profile  # its strengths, for the credit rule


def teams(
    data: Dataset,
    *,
    hosts: Sequence[str] | None = None,
    pool: PeerPool | None = None,
    size: int = DEFAULT_TEAM_SIZE,
    one_per_system: bool = True,
    per_member: int | None = None,
    roles: Mapping[str, int] | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    time_limit: float = TIME_LIMIT,
    mip_gap: float = 0.0,
) -> Teams:
    """A team of at most ``size`` for each host (default: every system with challenges),
    of greatest total coverage within the rules, filled up to ``size`` where that costs
    no coverage. Role minimums adding up to more than ``size`` are a :class:`UsageError`.
    """
    from peermatch.solver.teams import solve_teams

    host_ids = list(dict.fromkeys(hosts)) if hosts is not None else _default_hosts(data)
    members = _members(data, pool, per_member)
    points, allowed, credit, brings = _host_arrays(data, host_ids, members, weights)
    problem = _problem(data, members, points, allowed, credit, size, roles, one_per_system)
    solved = solve_teams(problem, time_limit=time_limit, mip_gap=mip_gap)
    return Teams(
        teams=_host_teams(data, host_ids, members, brings, solved),
        total=solved.total,
        bound=solved.bound,
        optimal=solved.optimal and solved.filled_optimal,
        size=size,
        settings={
            "size": size,
            "one_per_system": one_per_system,
            "per_member": per_member,
            "roles": dict(sorted((roles or {}).items())),
            "members": "peers" if pool is not None else "systems",
        },
    )


def _problem(
    data: Dataset,
    members: list[_Member],
    points: list[FloatArray],
    allowed: list[IntArray],
    credit: list[FloatArray],
    size: int,
    roles: Mapping[str, int] | None,
    one_per_system: bool,
) -> TeamProblem:
    """The solver's problem; role minimums beyond ``size`` are the command line's fault."""
    import numpy as np

    from peermatch.solver.teams import TeamProblem

    try:
        return TeamProblem(
            need_points=points,
            members=allowed,
            credit=credit,
            capacity=np.array([m.capacity for m in members], dtype=np.int64),
            role=tuple(m.role for m in members),
            group=np.array(_groups(members, _tops(data)), dtype=np.int64),
            size=size,
            role_minimums=dict(roles or {}),
            one_per_group=one_per_system,
        )
    except ValueError as exc:
        raise UsageError(f"--roles: {exc}; lower them or raise --size") from None


def _host_teams(
    data: Dataset,
    host_ids: list[str],
    members: list[_Member],
    brings: list[dict[int, tuple[str, ...]]],
    solved: TeamSolution,
) -> tuple[HostTeam, ...]:
    """The solver's teams back in ids: each member with what it brings, the needs left."""
    out = []
    for t in solved.teams:
        host = data.system(host_ids[t.host])
        need_ids = list(host.needs)
        team = tuple(
            TeamMember(members[m].id, members[m].role, brings[t.host][m]) for m in t.members
        )
        uncovered = tuple(need_ids[k] for k in t.uncovered)
        out.append(HostTeam(host.id, t.coverage, team, uncovered, t.reason))
    return tuple(out)


def _host_arrays(
    data: Dataset, host_ids: list[str], members: list[_Member], weights: Weights
) -> tuple[list[FloatArray], list[IntArray], list[FloatArray], list[dict[int, tuple[str, ...]]]]:
    """Per host: its needs' points, the members allowed on its team (increasing), their
    credit on each need, and what each of them brings."""
    import numpy as np

    top = _tops(data)
    index = _by_topic(members)
    points, allowed, credit = [], [], []
    brings: list[dict[int, tuple[str, ...]]] = []
    for hid in host_ids:
        host = data.system(hid)
        needs = list(host.needs.values())
        points.append(np.array([weights.priority.of(n.priority) for n in needs], dtype=float))
        banned = _associated(data, host, top)
        chosen = sorted(
            m
            for m in _candidates(data, host, index)
            if members[m].home is None or members[m].home not in banned
        )
        credits = [topic_credits(members[m].profile, host, data, weights) for m in chosen]
        rows = [[c.credit for c in cs] for cs in credits]
        brings.append({m: _brought(cs) for m, cs in zip(chosen, credits, strict=True)})
        allowed.append(np.array(chosen, dtype=np.int64))
        credit.append(np.array(rows, dtype=float).reshape(len(chosen), len(needs)))
    return points, allowed, credit, brings


def _brought(credits: list[TopicCredit]) -> tuple[str, ...]:
    """The needs a member has credit on, in the host's order; ``need<-topic`` when the
    credit comes through a related topic (as the plan's rows mark it)."""
    return tuple(f"{c.need}<-{c.via}" if c.related else c.need for c in credits if c.credit > 0)


def _default_hosts(data: Dataset) -> list[str]:
    return [p.id for p in data.systems if p.needs]


def _members(data: Dataset, pool: PeerPool | None, per_member: int | None) -> list[_Member]:
    if pool is None:
        out: list[_Member] = []
        for p in data.systems:
            cap = p.teach_capacity if p.teach_capacity is not None else DEFAULT_TEACH
            out.append(_Member(p.id, p.kind, cap if per_member is None else per_member, p.id, p))
        return out
    out = []
    for person in pool.peers:
        profile = Profile(
            id=person.id, name=person.name, kind=person.role, country=None, population=None,
            tags=(), teach_capacity=None, learn_capacity=None, partners=frozenset(),
            exclude=frozenset(), strengths=person.expertise, needs={},
        )  # fmt: skip
        cap = per_member if per_member is not None else person.capacity
        out.append(_Member(person.id, person.role, cap, person.home, profile))
    return out


def _tops(data: Dataset) -> dict[str, str]:
    """Each system's top-level system (``part_of`` followed up; it has no cycles)."""
    top = {}
    for p in data.systems:
        sid = p.id
        while data.system(sid).part_of is not None:
            sid = data.system(sid).part_of  # type: ignore[assignment]
        top[p.id] = sid
    return top


def _groups(members: list[_Member], top: Mapping[str, str]) -> list[int]:
    """Per member, an int for its top-level system (a person without a home: their own)."""
    ids: dict[str, int] = {}
    out = []
    for m in members:
        key = top[m.home] if m.home is not None else f"\0{m.id}"
        out.append(ids.setdefault(key, len(ids)))
    return out


def _associated(data: Dataset, host: Profile, top: Mapping[str, str]) -> set[str]:
    """The systems with a direct association to ``host``: its family, partners, exclusions."""
    family = {sid for sid, t in top.items() if t == top[host.id]}
    linked = {p.id for p in data.systems if host.id in p.partners or host.id in p.exclude}
    return family | set(host.partners) | set(host.exclude) | linked


def _by_topic(members: list[_Member]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for i, m in enumerate(members):
        for topic in m.profile.strengths:
            index.setdefault(topic, []).append(i)
    return index


def _candidates(data: Dataset, host: Profile, index: Mapping[str, list[int]]) -> Iterable[int]:
    """Members with a strength on one of the host's needs or a topic related to one."""
    out: set[int] = set()
    topics = data.catalogue.topics
    for need in host.needs:
        for t in (need, *topics[need].related):
            out.update(index.get(t, ()))
    return out


def parse_roles(text: str) -> dict[str, int]:
    """``officer:2,member:1`` -> ``{"officer": 2, "member": 1}``; a :class:`UsageError`
    naming ``--roles`` otherwise."""
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        role, sep, count = part.partition(":")
        if not sep or not role.strip() or not count.strip().isdigit():
            raise UsageError(
                f"--roles '{text}': write ROLE:COUNT pairs separated by commas, "
                "e.g. --roles officer:2,member:1"
            )
        if role.strip() in out:
            raise UsageError(f"--roles '{text}': role '{role.strip()}' is given twice")
        out[role.strip()] = int(count)
    return out
