"""Supply and demand per topic: how many systems can teach it against how many need it.

:func:`supply_demand` counts, per catalogue topic (grouped by area), the systems with a
strength on it by level and the systems with the challenge by priority. The terminal view
(``peermatch challenges --heatmap``), the machine formats and the HTML report all draw
from these counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peermatch.analysis.gaps import gap_status
from peermatch.core.dataset import Dataset


@dataclass(frozen=True)
class TopicBalance:
    """One topic's supply (strengths by level) and demand (challenges by priority)."""

    topic: str
    name: str
    area: str
    exemplar: int
    established: int
    emerging: int
    related: int  # systems that can teach it only through a related topic
    high: int
    medium: int
    low: int

    @property
    def teachers(self) -> int:
        return self.exemplar + self.established + self.emerging

    @property
    def learners(self) -> int:
        return self.high + self.medium + self.low

    @property
    def status(self) -> str:
        """``gap`` when someone needs it and nobody teaches it, even through a related topic;
        ``related only`` when only related topics can help; else empty."""
        return gap_status(
            needed=self.learners > 0, taught=self.teachers > 0, related_taught=self.related > 0
        )

    def as_row(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "topic": self.topic,
            "name": self.name,
            "exemplar": self.exemplar,
            "established": self.established,
            "emerging": self.emerging,
            "teachers": self.teachers,
            "related": self.related,
            "high": self.high,
            "medium": self.medium,
            "low": self.low,
            "learners": self.learners,
            "status": self.status,
        }


SUPPLY = ("exemplar", "established", "emerging", "teachers", "related")
DEMAND = ("high", "medium", "low", "learners")


def supply_demand(data: Dataset) -> list[TopicBalance]:
    """Every catalogue topic's balance, sorted by area then topic id."""
    levels: dict[str, list[int]] = {t: [0, 0, 0] for t in data.catalogue.topics}
    priorities: dict[str, list[int]] = {t: [0, 0, 0] for t in data.catalogue.topics}
    for p in data.systems:
        for tid, s in p.strengths.items():
            levels[tid][s.level - 1] += 1
        for tid, n in p.needs.items():
            priorities[tid][n.priority - 1] += 1
    out = []
    for topic in sorted(data.catalogue, key=lambda t: (t.area, t.id)):
        related = sum(
            1
            for p in data.systems
            if topic.id not in p.strengths and any(r in p.strengths for r in topic.related)
        )
        em, est, ex = levels[topic.id]
        low, med, high = priorities[topic.id]
        out.append(
            TopicBalance(topic.id, topic.name, topic.area, ex, est, em, related, high, med, low)
        )
    return out
