"""Communities of practice: groups of systems that share a challenge, with people who teach it.

For every topic that at least two systems list as a challenge, ``groups`` proposes one or
more groups of at most ``size`` members (default 10: the report's local networks are
"eight to ten people ... a common yet complex challenge"): the systems that need the
topic, plus the best systems that teach it. Every group has at least one teacher and at
least two learners; no system is in more than ``per_system`` groups (default 2); two
systems that exclude each other never share a topic's groups, nor (with ``across``) two
systems of one family (the same top-level system, :meth:`Dataset.same_system
<peermatch.core.dataset.Dataset.same_system>`).

Who joins which group is one integer programme (:mod:`peermatch.analysis.group_programme`,
solved by :mod:`peermatch.solver.integer`):

* a learner's place is worth its need's priority points (low 1, medium 2, high 3);
* a teacher's place is worth ``priority.low - level_shortfall`` (exemplar 1, established
  0.75, emerging 0.5), halved (``related_factor``) for a teacher of a related topic, who
  is asked only when nobody teaches the topic itself;
* per topic, ``k`` groups need ``k`` teachers, ``2k`` learners and hold ``size * k``
  members; there are never more teachers than learners, and at most ``size // 2`` teachers
  a group;
* the total worth is maximised, to within 0.1% (``GAP``; proving the last 0.1% can take
  minutes on thousands of profiles). Ties go to topics that more systems share.

A topic's members are then dealt into the fewest groups that hold them and keep every group
to the rules: teachers best first, then learners by priority, round the groups in turn
(see :func:`_dealing_order`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from peermatch.analysis.group_programme import Place, apart_sets, assign
from peermatch.core.dataset import Dataset, OneWay
from peermatch.core.defaults import DEFAULT_GROUP_SIZE, DEFAULT_PER_SYSTEM, TIME_LIMIT
from peermatch.core.errors import UsageError
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights

if TYPE_CHECKING:
    from peermatch.solver.highs import BoolArray, IntArray

#: The tie-breaking nudge, in worth points, for the most widely shared topic.
TIE = 1e-4


@dataclass(frozen=True)
class Member:
    system: str
    role: str  # "teacher" or "learner"
    level: int | None = None  # teachers: 1..3
    priority: int | None = None  # learners: 1..3
    via: str | None = None  # a teacher of a related topic: which one


@dataclass(frozen=True)
class Group:
    group: str  # the topic id, or "topic-2" etc. when a topic has several groups
    topic: str
    name: str
    members: tuple[Member, ...]

    @property
    def teachers(self) -> list[str]:
        return [m.system for m in self.members if m.role == "teacher"]

    @property
    def learners(self) -> list[str]:
        return [m.system for m in self.members if m.role == "learner"]

    def as_row(self) -> dict[str, Any]:
        related = [f"{m.system}<-{m.via}" for m in self.members if m.via]
        return {
            "group": self.group,
            "topic": self.topic,
            "name": self.name,
            "size": len(self.members),
            "teachers": self.teachers,
            "learners": self.learners,
            "related_teachers": related,
        }


@dataclass(frozen=True)
class Unplaced:
    """A system that shares a challenge but is in none of that topic's groups, and why."""

    system: str
    topic: str
    reason: str

    def as_row(self) -> dict[str, str]:
        return {"system": self.system, "topic": self.topic, "reason": self.reason}


@dataclass
class Groups:
    groups: list[Group]
    unplaced: list[Unplaced]
    optimal: bool = True
    settings: dict[str, Any] = field(default_factory=dict)
    #: the teach-only and learn-only systems: notes (they join as teachers or learners only)
    one_way: list[OneWay] = field(default_factory=list)


def groups(
    data: Dataset,
    *,
    size: int = DEFAULT_GROUP_SIZE,
    per_system: int = DEFAULT_PER_SYSTEM,
    weights: Weights = DEFAULT_WEIGHTS,
    time_limit: float = TIME_LIMIT,
    across: bool = False,
) -> Groups:
    """Communities of practice for the shared challenges (see the module docstring)."""
    if size < 3:
        raise UsageError(f"--size must be at least 3 (a teacher and two learners), not {size}")
    if per_system < 1:
        raise UsageError(f"--per-system must be at least 1, not {per_system}")
    settings = {"size": size, "per_system": per_system, "across": across}
    sharers = data.needers
    shared = sorted(
        (t for t, who in sharers.items() if len(who) >= 2), key=lambda t: (-len(sharers[t]), t)
    )
    places, unformed = _places(data, shared, weights)
    apart = apart_sets(data, places, across)
    chosen, count, optimal = assign(data, shared, places, size, per_system, time_limit, apart)
    built, in_groups = _deal(data, shared, places, chosen, count, size)
    unplaced = _unplaced(
        data, shared, sharers, built, in_groups, unformed, per_system, size, across
    )
    return Groups(built, unplaced, optimal, settings, data.one_way_systems())


def _places(
    data: Dataset, shared: list[str], weights: Weights
) -> tuple[list[Place], dict[str, str]]:
    """Every eligible place (system index, topic index, role, worth, level, priority, via),
    and the topics no group can form around, with why."""
    topics = data.catalogue.topics
    sharers, teachers_of = data.needers, data.teachers
    index = {p.id: i for i, p in enumerate(data.systems)}
    places: list[Place] = []
    unformed: dict[str, str] = {}
    for ti, t in enumerate(shared):
        nudge = TIE * (len(shared) - ti) / len(shared)
        direct = teachers_of.get(t, [])
        for sid in direct:
            st = data.system(sid).strengths[t]
            worth = weights.priority.low - weights.level_shortfall.of(st.level)
            places.append((index[sid], ti, "teacher", worth + nudge, st.level, None, None))
        if not direct:
            best: dict[str, tuple[float, int, str]] = {}
            for near in topics[t].related:
                for sid in teachers_of.get(near, []):
                    st = data.system(sid).strengths[near]
                    worth = weights.related_factor * (
                        weights.priority.low - weights.level_shortfall.of(st.level)
                    )
                    if sid not in best or worth > best[sid][0]:
                        best[sid] = (worth, st.level, near)
            for sid in sorted(best):
                worth, level, near = best[sid]
                if t not in data.system(sid).needs:
                    places.append((index[sid], ti, "teacher", worth + nudge, level, None, near))
            if not best:
                unformed[t] = "nobody teaches it or a related topic (see 'peermatch gaps')"
        for sid in sharers[t]:
            p = data.system(sid)
            if t in p.strengths:
                continue  # it teaches this topic
            pr = p.needs[t].priority
            places.append(
                (index[sid], ti, "learner", weights.priority.of(pr) + nudge, None, pr, None)
            )

    return places, unformed


def _deal(
    data: Dataset,
    shared: list[str],
    places: list[Place],
    chosen: BoolArray,
    count: IntArray,
    size: int,
) -> tuple[list[Group], dict[str, list[str]]]:
    """The chosen places dealt into groups of at most ``size``, teachers first."""
    import numpy as np

    topics = data.catalogue.topics
    built: list[Group] = []
    in_groups: dict[str, list[str]] = {}
    for ti, t in enumerate(shared):
        if count[ti] == 0:
            continue
        members = [places[k] for k in np.flatnonzero(chosen) if places[k][1] == ti]
        teach = sorted(
            (pl for pl in members if pl[2] == "teacher"),
            key=lambda pl: (-pl[3], data.systems[pl[0]].id),
        )
        learn = sorted(
            (pl for pl in members if pl[2] == "learner"),
            key=lambda pl: (-(pl[5] or 0), data.systems[pl[0]].id),
        )
        k = max(math.ceil(len(members) / size), math.ceil(len(teach) / (size // 2)))
        dealt: list[list[Member]] = [[] for _ in range(k)]
        for j, group in enumerate(_dealing_order(len(teach), len(learn), k)):
            pl = (teach + learn)[j]
            dealt[group].append(Member(data.systems[pl[0]].id, pl[2], pl[4], pl[5], pl[6]))
        for gi, group_members in enumerate(dealt, start=1):
            gid = t if k == 1 else f"{t}-{gi}"
            built.append(Group(gid, t, topics[t].name, tuple(group_members)))
            for mem in group_members:
                in_groups.setdefault(mem.system, []).append(gid)

    return built, in_groups


def _dealing_order(n_teach: int, n_learn: int, k: int) -> list[int]:
    """The group of each member, teachers then learners, for ``k`` groups of one topic.

    Teachers go round the groups in turn; each group then gets as many learners as it has
    teachers (two at least), and the rest go to the smallest groups, so that no group has
    more teachers than learners and sizes stay even. Learners are dealt round the groups
    from where the teachers stopped, passing groups that have their share. Whenever the
    integer programme's counts hold for the topic (``k`` teachers and ``2k`` learners at
    least, no more teachers than learners, nor than ``size // 2`` per group, all in ``k``
    groups of ``size``), every group keeps those rules.
    """
    teachers = [j % k for j in range(n_teach)]
    taught = [n_teach // k + (g < n_teach % k) for g in range(k)]  # teachers per group
    share = [max(t, 2) for t in taught]
    for _ in range(n_learn - sum(share)):
        smallest = min(range(k), key=lambda g: (taught[g] + share[g], g))
        share[smallest] += 1
    learners: list[int] = []
    dealt = [0] * k
    group = n_teach % k
    for _ in range(n_learn):
        while dealt[group] >= share[group]:
            group = (group + 1) % k
        learners.append(group)
        dealt[group] += 1
        group = (group + 1) % k
    return teachers + learners


def _unplaced(
    data: Dataset,
    shared: list[str],
    sharers: dict[str, list[str]],
    built: list[Group],
    in_groups: dict[str, list[str]],
    unformed: dict[str, str],
    per_system: int,
    size: int,
    across: bool = False,
) -> list[Unplaced]:
    placed = {(m.system, g.topic) for g in built for m in g.members}
    formed = {g.topic for g in built}
    out = []
    for t in sorted(shared):
        for sid in sorted(sharers[t]):
            if (sid, t) in placed or t in data.system(sid).strengths:
                continue
            mine = in_groups.get(sid, [])
            if len(mine) >= per_system:
                why = f"already in {len(mine)} groups ({', '.join(mine)}), the --per-system limit"
            elif t in unformed:
                why = unformed[t]
            elif any(
                o in data.system(sid).exclude or sid in data.system(o).exclude
                for g in built
                if g.topic == t
                for o in g.teachers + g.learners
            ):
                why = "it must not be in a group with a member of this topic's group"
            elif across and any(
                data.same_system(sid, o)
                for g in built
                if g.topic == t
                for o in g.teachers + g.learners
            ):
                why = (
                    f"a system of its own family ({data.top_level[sid]}) is in this topic's "
                    "group, and --across keeps one system's units apart"
                )
            elif t not in formed:
                why = (
                    "no group could form: its teachers are all in --per-system groups "
                    "already, or too few learners remain"
                )
            else:
                why = (
                    "this topic's groups are full: each needs its own teacher and holds at "
                    f"most {size} (--size)"
                )
            out.append(Unplaced(sid, t, why))
    return out
