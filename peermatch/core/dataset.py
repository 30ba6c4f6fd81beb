r"""The domain: a :class:`Dataset` of :class:`Profile`\ s, each with its strengths and needs
resolved to catalogue ids, and the names of the levels and priorities.

Built by :mod:`peermatch.files.loading`; read by every layer above.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from functools import cached_property

from peermatch.core.catalogue import Catalogue
from peermatch.core.findings import Finding

LEVEL_NAMES = {1: "emerging", 2: "established", 3: "exemplar"}
PRIORITY_NAMES = {1: "low", 2: "medium", 3: "high"}


@dataclass(frozen=True)
class StrengthEntry:
    topic: str
    level: int
    evidence: str
    source: str | None = None


@dataclass(frozen=True)
class NeedEntry:
    topic: str
    priority: int
    note: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Profile:
    """One system with its references resolved to catalogue ids."""

    id: str
    name: str
    kind: str
    country: str | None
    population: int | None
    tags: tuple[str, ...]
    teach_capacity: int | None
    learn_capacity: int | None
    partners: frozenset[str]
    exclude: frozenset[str]
    strengths: dict[str, StrengthEntry]  # topic id -> entry, in file order
    needs: dict[str, NeedEntry]  # topic id -> entry, in file order
    part_of: str | None = None  # the id of the system this one is a unit of


@dataclass
class Dataset:
    """Everything loaded: profiles sorted by id, the catalogue, and any warnings."""

    systems: list[Profile]
    catalogue: Catalogue
    systems_file: str = ""
    challenges_file: str = ""
    warnings: list[Finding] = field(default_factory=list)
    by_id: dict[str, Profile] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.by_id:
            self.by_id = {p.id: p for p in self.systems}

    def system(self, system_id: str) -> Profile:
        return self.by_id[system_id]

    @cached_property
    def teachers(self) -> dict[str, list[str]]:
        """Topic -> the systems with a strength on it, by id (built once, then cached).

        Treat as read-only: every layer shares it."""
        return _index(self.systems, "strengths")

    @cached_property
    def needers(self) -> dict[str, list[str]]:
        """Topic -> the systems with the challenge, by id (built once, then cached)."""
        return _index(self.systems, "needs")

    def with_needs_only(self, topics: Collection[str]) -> Dataset:
        """The same data with each system's challenges cut to ``topics`` (strengths kept):
        what ``suggest --topic`` scores, so a score reads as a share of those needs only."""
        keep = set(topics)
        systems = [
            replace(p, needs={t: n for t, n in p.needs.items() if t in keep}) for p in self.systems
        ]
        return Dataset(
            systems, self.catalogue, self.systems_file, self.challenges_file, self.warnings
        )

    def teachers_of(self, topic: str) -> list[str]:
        return self.teachers.get(topic, [])

    def needers_of(self, topic: str) -> list[str]:
        return self.needers.get(topic, [])


def _index(systems: list[Profile], what: str) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for p in systems:
        for topic in getattr(p, what):
            index.setdefault(topic, []).append(p.id)
    return index
