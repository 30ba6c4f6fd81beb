"""Where the cohort cannot help itself: what nobody teaches, and who has no one to teach.

Three kinds of gap, judged on the topics alone (who lists what, and the catalogue's
``related`` links), like the score: a strength on a related topic counts as teaching.

* ``untaught-challenge``: a topic some system lists as a challenge that no system lists
  as a strength. ``nearest`` names the related topics that someone does teach (partial
  help: ``suggest`` gives them half credit by default).
* ``unneeded-system``: a system whose strengths nobody else needs: it cannot teach
  anyone in this cohort.
* ``untaught-system``: a system none of whose challenges anyone can teach, directly or
  through a related topic: it cannot learn from anyone here.

A system that lists no challenges is teach-only, and one that lists no strengths
learn-only (:attr:`~peermatch.core.dataset.Profile.one_way`): both are normal, not gaps
(the report states no need for many systems, and none is invented). Only a system that
lists neither is a gap of both kinds.

Exclusions and ``--new-only`` are a matter for ``plan``, which explains them when a
system is left out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from peermatch.core.dataset import PRIORITY_NAMES, Dataset, Profile

KINDS = ("untaught-challenge", "unneeded-system", "untaught-system")


#: A needed topic nobody teaches, nor any related topic: a gap.
GAP = "gap"
#: A needed topic nobody teaches, but a related topic is (partial credit is possible).
RELATED_ONLY = "related only"


def gap_status(*, needed: bool, taught: bool, related_taught: bool) -> str:
    """The one definition of a gap, used by ``gaps``, the heatmap and the report.

    A topic someone needs and nobody teaches is untaught: ``related only`` when a related
    topic is taught (so a partial match is possible), else ``gap``. Otherwise empty.
    ``peermatch gaps`` lists both kinds as untaught challenges; the heatmap and the report
    show which of the two each is.
    """
    if not needed or taught:
        return ""
    return RELATED_ONLY if related_taught else GAP


@dataclass(frozen=True)
class Gap:
    kind: str  # one of KINDS
    id: str  # the topic or system id
    name: str
    needed_by: tuple[str, ...] = ()  # untaught-challenge: who lists it, highest priority first
    nearest: tuple[str, ...] = ()  # untaught-challenge: related topics that someone teaches
    detail: str = ""

    def as_row(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "needed_by": list(self.needed_by),
            "nearest": list(self.nearest),
            "detail": self.detail,
        }


def gaps(data: Dataset) -> list[Gap]:
    """Every gap: untaught challenges (by topic id), then systems (by id)."""
    out = _untaught_challenges(data)
    # who can teach or learn at all, from topic counts (a system never teaches itself)
    need_count = {t: len(ids) for t, ids in data.needers.items()}
    teach_count = {t: len(ids) for t, ids in data.teachers.items()}
    out += _cut_off(
        data,
        "unneeded-system",
        need_count,
        [(p, p.strengths, p.needs) for p in data.systems],
        "strengths",
        "challenge",
    )
    out += _cut_off(
        data,
        "untaught-system",
        teach_count,
        [(p, p.needs, p.strengths) for p in data.systems],
        "challenges",
        "strength",
    )
    return out


def _untaught_challenges(data: Dataset) -> list[Gap]:
    """A gap for each needed topic nobody teaches (:func:`gap_status`), by topic id."""
    teachers = data.teachers
    topics = data.catalogue.topics
    needers: dict[str, list[tuple[int, str]]] = {}
    for p in data.systems:
        for need in p.needs.values():
            needers.setdefault(need.topic, []).append((need.priority, p.id))
    out: list[Gap] = []
    for topic in sorted(needers):
        if topic in teachers:
            continue
        who = sorted(needers[topic], key=lambda x: (-x[0], x[1]))
        near = [r for r in topics[topic].related if r in teachers]
        wanted = ", ".join(f"{sid} ({PRIORITY_NAMES[pr]})" for pr, sid in who)
        if gap_status(needed=True, taught=False, related_taught=bool(near)) == RELATED_ONLY:
            taught = "; ".join(f"{r} by {', '.join(teachers[r])}" for r in near)
            detail = (
                f"needed by {wanted}; no one teaches it, but related topics are taught: {taught}"
            )
        else:
            detail = f"needed by {wanted}; no one teaches it or a related topic"
        out.append(
            Gap(
                "untaught-challenge",
                topic,
                topics[topic].name,
                tuple(sid for _, sid in who),
                tuple(near),
                detail,
            )
        )
    return out


def _cut_off(
    data: Dataset,
    kind: str,
    count: dict[str, int],
    sides: list[tuple[Profile, Collection[str], Collection[str]]],
    noun: str,
    as_what: str,
) -> list[Gap]:
    """A ``kind`` gap for each system none of whose topics (or their related topics)
    another system has in ``count``; ``sides`` is (system, its topics, its other side)."""
    related = {t: data.catalogue.topics[t].related for t in data.catalogue.topics}
    out: list[Gap] = []
    for p, listed, opposite in sides:
        if not listed:
            if not opposite:  # neither strengths nor challenges; else one-way, not a gap
                out.append(Gap(kind, p.id, p.name, detail=f"it lists no {noun}"))
        elif not any(  # a system never teaches itself: its own listing does not count
            count.get(x, 0) - (1 if x in opposite else 0) > 0
            for t in listed
            for x in (t, *related[t])
        ):
            names = ", ".join(listed)
            detail = f"no other system lists {names} (or a related topic) as a {as_what}"
            out.append(Gap(kind, p.id, p.name, detail=detail))
    return out
