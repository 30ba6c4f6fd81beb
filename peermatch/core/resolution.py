"""Where one phrase landed on the catalogue: the resolver's answer, numpy-free so that an
exact answer (:func:`peermatch.analysis.who.understand`) needs no matrices."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resolution:
    """Where one phrase landed: ``topic`` is None when nothing fits well enough."""

    text: str
    topic: str | None
    score: float
    alternatives: tuple[tuple[str, float], ...]
    how: str

    def ranked(self) -> list[tuple[str, float]]:
        """The topic (if any) and then the alternatives, best first."""
        head = [(self.topic, self.score)] if self.topic is not None else []
        return head + list(self.alternatives)
