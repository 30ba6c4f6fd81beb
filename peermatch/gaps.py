"""Where the cohort cannot help itself: what nobody teaches, and who has no one to teach.

Three kinds of gap, judged on the topics alone (who lists what, and the catalogue's
``related`` links), like the score: a strength on a related topic counts as teaching.

* ``untaught-challenge``: a topic some system lists as a challenge that no system lists
  as a strength. ``nearest`` names the related topics that someone does teach (partial
  help: ``suggest`` gives them half credit by default).
* ``unneeded-system``: a system whose strengths nobody else needs (or that lists none):
  it cannot teach anyone in this cohort.
* ``untaught-system``: a system none of whose challenges anyone can teach, directly or
  through a related topic (or that lists none): it cannot learn from anyone here.

Exclusions and ``--new-only`` are a matter for ``plan``, which explains them when a
system is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peermatch.loading import PRIORITY_NAMES, Dataset
from peermatch.output import Listing
from peermatch.scoring import candidate_teachers

KINDS = ("untaught-challenge", "unneeded-system", "untaught-system")


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


GAP_COLUMNS = ("kind", "id", "name", "needed_by", "nearest", "detail")


def gaps(data: Dataset) -> list[Gap]:
    """Every gap: untaught challenges (by topic id), then systems (by id)."""
    teachers: dict[str, list[str]] = {}
    for p in data.systems:
        for topic in p.strengths:
            teachers.setdefault(topic, []).append(p.id)
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
        if near:
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
    can_learn_from = candidate_teachers(data)
    can_teach: dict[str, set[str]] = {p.id: set() for p in data.systems}
    for learner, ts in can_learn_from.items():
        for t in ts:
            can_teach[t].add(learner)
    for p in data.systems:
        if not p.strengths:
            out.append(Gap("unneeded-system", p.id, p.name, detail="it lists no strengths"))
        elif not can_teach[p.id]:
            out.append(
                Gap(
                    "unneeded-system",
                    p.id,
                    p.name,
                    detail="no other system lists "
                    + ", ".join(p.strengths)
                    + " (or a related topic) as a challenge",
                )
            )
    for p in data.systems:
        if not p.needs:
            out.append(Gap("untaught-system", p.id, p.name, detail="it lists no challenges"))
        elif not can_learn_from[p.id]:
            out.append(
                Gap(
                    "untaught-system",
                    p.id,
                    p.name,
                    detail="no other system lists "
                    + ", ".join(p.needs)
                    + " (or a related topic) as a strength",
                )
            )
    return out


def gaps_listing(found: list[Gap]) -> Listing:
    counts = {kind: sum(1 for g in found if g.kind == kind) for kind in KINDS}
    if found:
        footer = (
            f"{len(found)} gap(s): {counts['untaught-challenge']} untaught challenge(s), "
            f"{counts['unneeded-system']} system(s) nobody needs, "
            f"{counts['untaught-system']} system(s) nobody can teach"
        )
    else:
        footer = "no gaps: every challenge has a teacher and every system can teach and learn"
    return Listing(
        key="gaps",
        rows=[g.as_row() for g in found],
        columns=GAP_COLUMNS,
        extra={"counts": counts},
        footer=footer,
        table_hidden=("name",),
    )
