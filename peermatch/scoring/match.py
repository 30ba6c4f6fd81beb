"""One row of ``suggest``: a teacher, its place in a learner's ranking, and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Match:
    """One row of ``suggest``: the teacher ranked ``rank`` for this learner."""

    rank: int
    learner: str
    teacher: str
    score: float
    topics: tuple[str, ...]  # needs met on the exact topic
    two_way: bool
    related_topics: tuple[str, ...] = ()  # needs met through a related topic
    partner: bool = False
    reason: str = ""

    def as_row(self) -> dict[str, object]:
        return {
            "rank": self.rank,
            "learner": self.learner,
            "teacher": self.teacher,
            "score": self.score,
            "topics": list(self.topics),
            "two_way": self.two_way,
            "related_topics": list(self.related_topics),
            "partner": self.partner,
            "reason": self.reason,
        }


MATCH_COLUMNS = (
    "rank",
    "learner",
    "teacher",
    "score",
    "topics",
    "two_way",
    "related_topics",
    "partner",
    "reason",
)
