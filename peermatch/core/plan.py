"""What a plan is: its links, the systems left out and why, each system's load, its rings.

The result of :func:`peermatch.planning.api.plan`, and what
:mod:`peermatch.files.plan_json` reads back: a domain type, so it lives in core with the
dataset it is made from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from peermatch.core.dataset import OneWay

# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PlanLink:
    """One link of the programme: ``teacher`` helps ``learner``, mainly on ``topic``."""

    learner: str
    teacher: str
    topic: str  # the learner's need that the teacher meets best
    score: float  # exactly the score ``suggest`` prints for this pair
    other_topics: tuple[str, ...] = ()  # further needs met; "need<-via" when related
    two_way: bool = False
    partner: bool = False
    pinned: bool = False
    reason: str = ""
    ring: int | None = None

    def as_row(self, *, rings: bool = False) -> dict[str, Any]:
        row: dict[str, Any] = {
            "learner": self.learner,
            "teacher": self.teacher,
            "topic": self.topic,
            "score": self.score,
        }
        if rings:
            row["ring"] = self.ring
        row.update(
            {
                "other_topics": list(self.other_topics),
                "two_way": self.two_way,
                "partner": self.partner,
                "pinned": self.pinned,
                "reason": self.reason,
            }
        )
        return row


@dataclass(frozen=True)
class LeftOut:
    """A system the programme could not give a link in one role, and why.

    ``role`` is ``learn``, ``teach`` or (with rings) ``ring``; ``code`` is stable:
    ``capacity``, ``no-challenges``, ``no-strengths``, ``no-teacher``, ``not-needed``,
    ``excluded``, ``across`` (with ``--across``), ``new-only``, ``repeat`` (with a
    history), ``conflict``, ``no-ring``. A teach-only or learn-only system is not left out
    of the role it has no topics for: :attr:`Plan.one_way` notes it.
    """

    system: str
    role: str
    code: str
    reason: str

    def as_row(self) -> dict[str, str]:
        return {"system": self.system, "role": self.role, "code": self.code, "reason": self.reason}


@dataclass(frozen=True)
class Load:
    """How many links a system has in the plan, and its capacities."""

    system: str
    teaches: int
    learns: int
    teach_capacity: int
    learn_capacity: int

    def as_row(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "teaches": self.teaches,
            "learns": self.learns,
            "teach_capacity": self.teach_capacity,
            "learn_capacity": self.learn_capacity,
        }


@dataclass(frozen=True)
class Ring:
    ring: int
    systems: tuple[str, ...]  # each teaches the next; the last teaches the first
    score: float

    def as_row(self) -> dict[str, Any]:
        return {"ring": self.ring, "systems": list(self.systems), "score": self.score}


@dataclass
class Plan:
    """The programme: its links (by learner, best first), total, bound and who is left out."""

    links: list[PlanLink]
    total: float
    bound: float | None  # no plan (meeting as many lower bounds) scores higher; None if pruned
    optimal: bool
    left_out: list[LeftOut]
    loads: list[Load]
    rings: list[Ring] | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: the teach-only and learn-only systems: notes, not left out
    one_way: list[OneWay] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether every system teaches and learns (is in a ring), as far as its topics
        allow: a teach-only system need not learn, nor a learn-only one teach."""
        return not self.left_out
