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

    @property
    def one_way(self) -> str | None:
        """``teach-only`` (strengths, no challenges), ``learn-only`` (challenges, no
        strengths), else ``None``. Both are normal: the report states no need (or no
        strength) for many systems, and none is invented."""
        if self.strengths and not self.needs:
            return TEACH_ONLY
        if self.needs and not self.strengths:
            return LEARN_ONLY
        return None


TEACH_ONLY = "teach-only"
LEARN_ONLY = "learn-only"
#: Why a system is teach-only or learn-only, as the notes say it.
ONE_WAY_REASONS = {TEACH_ONLY: "no challenges stated", LEARN_ONLY: "no strengths stated"}


@dataclass(frozen=True)
class OneWay:
    """A system that only teaches or only learns, and why: a note, never a failure."""

    system: str
    role: str  # TEACH_ONLY or LEARN_ONLY
    reason: str

    def as_row(self) -> dict[str, str]:
        return {"system": self.system, "role": self.role, "reason": self.reason}


@dataclass
class Dataset:
    """Everything loaded: profiles sorted by id, the catalogue, and any warnings."""

    systems: list[Profile]
    catalogue: Catalogue
    systems_file: str = ""
    challenges_file: str = ""
    warnings: list[Finding] = field(default_factory=list)
    #: the ids in the order the systems file lists them (empty: by id)
    file_order: tuple[str, ...] = ()
    by_id: dict[str, Profile] = field(default_factory=dict, repr=False)
    #: the data cache's key for the bytes this was checked from (their content hashes,
    #: paths and the version; :mod:`peermatch.files.cache`), or "" when it was not loaded
    #: from hashed files; what a cache of results derived from the data is keyed by
    fingerprint: str = field(default="", repr=False, compare=False)

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
        return replace(self, systems=systems, by_id={}, fingerprint="")

    @cached_property
    def top_level(self) -> dict[str, str]:
        """Each system's top-level system: its ``part_of`` followed to the root (itself
        when it is part of nothing). Two systems with the same top-level system are one
        *family*; ``--across`` leaves out every pair within one."""
        out: dict[str, str] = {}
        for p in self.systems:
            chain = [p.id]
            while chain[-1] not in out:
                parent = self.by_id[chain[-1]].part_of
                if parent is None or parent not in self.by_id or parent in chain:
                    out[chain[-1]] = chain[-1]  # a root (the loader refuses cycles)
                    break
                chain.append(parent)
            root = out[chain[-1]]
            for sid in chain:
                out[sid] = root
        return out

    def same_system(self, a: str, b: str) -> str | None:
        """The top-level system ``a`` and ``b`` are both part of (one may be it), or
        ``None`` when they are in different families."""
        top = self.top_level
        return top[a] if top[a] == top[b] else None

    def same_system_text(self, a: str, b: str) -> str:
        """How ``a`` and ``b`` are one family, in words: "both part of west-yorkshire", or
        "wyaat is part of west-yorkshire" when one is the top-level system itself."""
        root = self.same_system(a, b)
        if root is None:
            return ""
        if root in (a, b):
            unit = b if root == a else a
            return f"{unit} is part of {root}"
        return f"both part of {root}"

    def tree(self) -> list[tuple[Profile, int]]:
        """Every system with its depth under ``part_of``: each unit right after its parent
        (parents before children), otherwise in file order."""
        order = self.file_order or tuple(p.id for p in self.systems)
        children: dict[str | None, list[str]] = {}
        for sid in order:
            parent = self.by_id[sid].part_of
            children.setdefault(parent if parent in self.by_id else None, []).append(sid)
        out: list[tuple[Profile, int]] = []
        stack = [(sid, 0) for sid in reversed(children.get(None, []))]
        while stack:
            sid, depth = stack.pop()
            out.append((self.by_id[sid], depth))
            stack.extend((c, depth + 1) for c in reversed(children.get(sid, [])))
        return out

    def one_way_systems(self) -> list[OneWay]:
        """The teach-only and learn-only systems, by id (see :attr:`Profile.one_way`)."""
        return [
            OneWay(p.id, p.one_way, ONE_WAY_REASONS[p.one_way])
            for p in self.systems
            if p.one_way is not None
        ]

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
