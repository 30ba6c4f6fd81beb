"""What a plan is: its links, the systems left out and why, each system's load, its rings.

The result of :func:`peermatch.planning.api.plan`, and what
:mod:`peermatch.files.plan_json` reads back: a domain type, so it lives in core with the
dataset it is made from."""

from __future__ import annotations

import math
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
    round: int | None = None  # with rounds: 1..R

    def as_row(self, *, rings: bool = False, rounds: bool = False) -> dict[str, Any]:
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
        if rounds:  # last, so that the columns of a plan without rounds stay as they were
            row["round"] = self.round
        return row


@dataclass(frozen=True)
class LeftOut:
    """A system the programme could not give a link in one role, and why.

    ``role`` is ``learn``, ``teach`` or (with rings) ``ring``; ``code`` is stable:
    ``capacity``, ``no-challenges``, ``no-strengths``, ``no-teacher``, ``not-needed``,
    ``excluded``, ``across`` (with ``--across``), ``new-only``, ``repeat`` (with a
    history), ``conflict``, ``no-ring``, ``rounds`` (with rounds: linked in some rounds,
    not in others), ``time-limit`` (not placed before the search stopped: nothing proven).
    A teach-only or learn-only system is not left out of the role it has no topics for:
    :attr:`Plan.one_way` notes it.
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


@dataclass(frozen=True)
class Alternate:
    """A teacher a learner could turn to if one of its links falls through."""

    learner: str
    teacher: str
    score: float
    spare: bool  # the teacher has a free teaching place in the plan

    def as_row(self) -> dict[str, Any]:
        return {
            "learner": self.learner,
            "teacher": self.teacher,
            "score": self.score,
            "spare": self.spare,
        }


@dataclass(frozen=True)
class NotKept:
    """A link of an earlier plan that can no longer be kept, and why.

    ``code`` is stable: ``system-gone``, ``no-longer-needed``, ``no-score``, ``excluded``,
    ``across`` (with ``--across``), ``new-only``, ``repeat`` (with a history), ``capacity``.
    """

    learner: str
    teacher: str
    code: str
    reason: str

    def as_row(self) -> dict[str, str]:
        return {
            "learner": self.learner,
            "teacher": self.teacher,
            "code": self.code,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Changes:
    """The links added, removed and kept against an earlier plan (``teacher, learner``)."""

    file: str
    added: list[PlanLink]
    removed: list[PlanLink]
    kept: list[PlanLink]

    def as_row(self) -> dict[str, Any]:
        def rows(links: list[PlanLink]) -> list[dict[str, Any]]:
            return [
                {"learner": k.learner, "teacher": k.teacher, "topic": k.topic, "score": k.score}
                for k in links
            ]

        return {
            "file": self.file,
            "added": rows(self.added),
            "removed": rows(self.removed),
            "kept": rows(self.kept),
        }


@dataclass(frozen=True)
class BestLinks:
    """Each learner's best link in the plan: the lowest, the 10th percentile, the median
    (nearest rank: each is the score of a real link)."""

    minimum: float
    p10: float
    median: float

    def as_row(self) -> dict[str, float]:
        return {"min": self.minimum, "p10": self.p10, "median": self.median}


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
    objective: str = "total"
    #: with the fair objective: the total-optimal plan's total minus this plan's
    price_of_fairness: float | None = None
    rounds: int | None = None
    alternates: list[Alternate] | None = None
    not_kept: list[NotKept] | None = None
    changes: Changes | None = None

    @property
    def min_score(self) -> float | None:
        """The lowest score of any link in the plan (None without links)."""
        return min((k.score for k in self.links), default=None)

    @property
    def best_links(self) -> BestLinks | None:
        """Each learner's best link, summarised (None without links)."""
        best: dict[str, float] = {}
        for k in self.links:
            best[k.learner] = max(best.get(k.learner, k.score), k.score)
        values = sorted(best.values())
        if not values:
            return None

        def rank(q: float) -> float:  # nearest rank: the ceil(q * n)-th smallest
            return values[max(math.ceil(q * len(values)), 1) - 1]

        return BestLinks(values[0], rank(0.1), rank(0.5))

    @property
    def complete(self) -> bool:
        """Whether every system teaches and learns (is in a ring), as far as its topics
        allow: a teach-only system need not learn, nor a learn-only one teach."""
        return not self.left_out
