"""The checks that span both files: unique ids, references resolved (with did-you-mean),
partners and exclusions, and the warnings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peermatch.core.catalogue import (
    Catalogue,
    Topic,
    build_lookup,
    closest,
    did_you_mean,
    normalise,
)
from peermatch.core.dataset import Dataset, NeedEntry, Profile, StrengthEntry
from peermatch.core.findings import Finding, Severity, quote
from peermatch.files import models
from peermatch.files.check_warnings import look_alikes, usage_warnings
from peermatch.files.documents import Document, locate
from peermatch.files.yaml_positions import Path_

#: "Did you mean" suggestions are fuzzy searches costing one comparison per candidate
#: (about a microsecond each). Once this many comparisons are spent in one load, unknown
#: references are reported without a suggestion, so a file full of typos stays fast.
SUGGESTION_BUDGET = 2_000_000


class Checker:
    """The checks that need both files: ids, references, partners; plus warnings."""

    def __init__(
        self, cat: Document, sys: Document, shared: Callable[[], bool] = lambda: False
    ) -> None:
        self.cat = cat
        self.sys = sys
        #: whether the catalogue is the shipped one, copied as it is (asked only if needed)
        self.shared = shared
        self.findings: list[Finding] = []
        self.budget = SUGGESTION_BUDGET

    def near(self, ref: str, choices: dict[str, str] | Catalogue) -> list[str]:
        """The closest choices to ``ref``, while the suggestion budget lasts."""
        if self.budget < len(choices):
            return []
        self.budget -= len(choices)
        if isinstance(choices, Catalogue):
            return choices.suggest(ref)
        return closest(ref, choices)

    def error(self, doc: Document, path: Path_, code: str, message: str) -> None:
        self.findings.append(doc.at(path, code, message))

    def warn(self, doc: Document, path: Path_, code: str, message: str) -> None:
        self.findings.append(doc.at(path, code, message, Severity.WARNING))

    def run(self) -> Dataset:
        catalogue = self._catalogue()
        profiles = self._systems(catalogue)
        usage_warnings(self.cat, self.sys, catalogue, profiles, self.shared, self.warn)
        look_alikes(self.sys, self.warn)
        return Dataset(
            systems=sorted(profiles, key=lambda p: p.id),
            catalogue=catalogue,
            file_order=tuple(p.id for p in profiles),
            systems_file=self.sys.display,
            challenges_file=self.cat.display,
        )

    def unknown_topics(self) -> list[Finding]:
        """The catalogue's findings and each topic reference in the systems file's raw
        values (whose shape failed) that names no catalogue topic."""
        catalogue = self._catalogue()
        raw = self.sys.raw
        systems = raw.get("systems") if isinstance(raw, dict) else None
        for i, system in enumerate(systems if isinstance(systems, list) else []):
            for key in ("strengths", "challenges"):
                items = system.get(key) if isinstance(system, dict) else None
                for j, item in enumerate(items if isinstance(items, list) else []):
                    ref = item.get("challenge") if isinstance(item, dict) else None
                    if (
                        isinstance(ref, str)
                        and 0 < len(ref) <= models.REF_MAX  # else its shape finding says it
                        and catalogue.resolve(ref) is None
                    ):
                        self._unknown_topic(("systems", i, key, j, "challenge"), ref, catalogue)
        return [f for f in self.findings if f.severity is Severity.ERROR]

    def _unknown_topic(self, path: Path_, ref: str, catalogue: Catalogue) -> None:
        fix = did_you_mean(self.near(ref, catalogue)) or (
            "; see 'peermatch challenges' for the topic ids"
        )
        self.error(self.sys, path, "unknown-topic", f"unknown topic {quote(ref)}{fix}")

    # -- catalogue

    def _catalogue(self) -> Catalogue:
        entries: list[models.Challenge] = self.cat.model.challenges
        first_line: dict[str, Path_] = {}  # id -> where it was first defined
        topics: dict[str, Topic] = {}
        kept: dict[str, int] = {}  # topic id -> index of the entry that defines it
        for i, ch in enumerate(entries):
            path: Path_ = ("challenges", i, "id")
            if ch.id in first_line:
                self.error(
                    self.cat,
                    path,
                    "duplicate-id",
                    f"duplicate topic id '{ch.id}' (first at line "
                    f"{locate(self.cat.positions, first_line[ch.id])[0]}); "
                    "ids must be unique",
                )
                continue
            first_line[ch.id] = path  # its line is looked up only if needed (lazy positions)
            kept[ch.id] = i
            topics[ch.id] = Topic(ch.id, ch.name, ch.area, tuple(ch.aliases), (), ch.description)
        lookup = build_lookup(topics.values())
        self._alias_clashes(entries, kept, topics, lookup)
        related = self._related(entries, kept, lookup, topics)
        for tid, topic in topics.items():
            topics[tid] = Topic(
                topic.id,
                topic.name,
                topic.area,
                topic.aliases,
                tuple(sorted(related[tid])),
                topic.description,
            )
        return Catalogue(topics, lookup)

    def _alias_clashes(
        self,
        entries: list[models.Challenge],
        kept: dict[str, int],
        topics: dict[str, Topic],
        lookup: dict[str, str],
    ) -> None:
        """Warn about an alias naming another topic's id or alias: it is ambiguous."""
        owner: dict[str, str] = {normalise(t.id): t.id for t in topics.values()}
        for i, ch in enumerate(entries):
            if kept[ch.id] != i:
                continue
            for j, alias in enumerate(ch.aliases):
                key = normalise(alias)
                other = owner.get(key)
                if other is not None and other != ch.id:
                    self.warn(
                        self.cat,
                        ("challenges", i, "aliases", j),
                        "alias-clash",
                        f"alias {quote(alias)} is also "
                        f"{'the id' if key == normalise(other) else 'an alias'} of "
                        f"'{other}'; references to it resolve to '{lookup[key]}'",
                    )
                else:
                    owner.setdefault(key, ch.id)

    def _related(
        self,
        entries: list[models.Challenge],
        kept: dict[str, int],
        lookup: dict[str, str],
        topics: dict[str, Topic],
    ) -> dict[str, set[str]]:
        """Each topic's related topics, resolved and made symmetric."""
        related: dict[str, set[str]] = {t: set() for t in topics}
        for i, ch in enumerate(entries):
            if kept[ch.id] != i:
                continue
            for j, ref in enumerate(ch.related):
                path = ("challenges", i, "related", j)
                target = lookup.get(normalise(ref))
                if target is None:
                    near = self.near(ref, lookup)
                    self.error(
                        self.cat,
                        path,
                        "unknown-topic",
                        f"unknown related topic {quote(ref)}{did_you_mean(near)}",
                    )
                elif target == ch.id:
                    self.error(
                        self.cat,
                        path,
                        "self-reference",
                        f"topic '{ch.id}' cannot be related to itself",
                    )
                else:
                    related[ch.id].add(target)
                    related[target].add(ch.id)
        return related

    # -- systems

    def _systems(self, catalogue: Catalogue) -> list[Profile]:
        entries: list[models.System] = self.sys.model.systems
        first_line: dict[str, Path_] = {}
        names: dict[str, str] = {}
        kept: list[tuple[int, models.System]] = []
        for i, s in enumerate(entries):
            path: Path_ = ("systems", i, "id")
            if s.id in first_line:
                self.error(
                    self.sys,
                    path,
                    "duplicate-id",
                    f"duplicate system id '{s.id}' (first at line "
                    f"{locate(self.sys.positions, first_line[s.id])[0]}); "
                    "ids must be unique",
                )
                continue
            first_line[s.id] = path
            names[s.id] = s.id
            kept.append((i, s))
        part_of = self._part_of(kept, names)
        profiles = []
        for i, s in kept:
            strengths = self._entries(i, "strengths", s.strengths, catalogue)
            needs = self._entries(i, "challenges", s.challenges, catalogue)
            partners = self._system_refs(i, s, "partners", names)
            exclude = self._system_refs(i, s, "exclude", names)
            profiles.append(
                Profile(
                    id=s.id,
                    name=s.name,
                    kind=s.kind,
                    country=s.country,
                    population=s.population,
                    tags=tuple(s.tags),
                    teach_capacity=s.capacity.teach,
                    learn_capacity=s.capacity.learn,
                    partners=frozenset(partners),
                    exclude=frozenset(exclude),
                    strengths={
                        t: StrengthEntry(t, e.level, e.evidence, e.source)
                        for t, e in strengths.items()
                    },
                    needs={t: NeedEntry(t, e.priority, e.note, e.source) for t, e in needs.items()},
                    part_of=part_of.get(s.id),
                )
            )
        return profiles

    def _part_of(
        self, kept: list[tuple[int, models.System]], names: dict[str, str]
    ) -> dict[str, str]:
        """Each system's valid ``part_of``: an existing system, not itself, in no cycle."""
        parent: dict[str, str] = {}
        index: dict[str, int] = {}
        for i, s in kept:
            index[s.id] = i
            ref = s.part_of
            if ref is None:
                continue
            path: Path_ = ("systems", i, "part_of")
            if ref == s.id:
                self.error(
                    self.sys, path, "self-reference", f"system '{s.id}' cannot be part of itself"
                )
            elif ref not in names:
                near = [n for n in self.near(ref, names) if n != s.id]
                fix = did_you_mean(near) or "; it must be the id of a system in this file"
                self.error(self.sys, path, "unknown-system", f"unknown system {quote(ref)}{fix}")
            else:
                parent[s.id] = ref
        in_cycle: set[str] = set()
        for start in parent:  # file order, so each cycle is reported at its first member
            chain = [start]
            while chain[-1] in parent and parent[chain[-1]] not in chain:
                chain.append(parent[chain[-1]])
            if chain[-1] not in parent or start in in_cycle:
                continue
            loop = chain[chain.index(parent[chain[-1]]) :]
            if loop[0] != start:
                continue  # start leads into a cycle but is not on it; the cycle is reported
            in_cycle.update(loop)
            shown = " -> ".join([*loop, loop[0]])
            self.error(
                self.sys,
                ("systems", index[start], "part_of"),
                "part-of-cycle",
                f"part_of goes round in a cycle: {shown}; a system cannot contain itself",
            )
        return {sid: ref for sid, ref in parent.items() if sid not in in_cycle}

    def _entries(self, i: int, key: str, items: list[Any], catalogue: Catalogue) -> dict[str, Any]:
        seen: dict[str, Path_] = {}
        out: dict[str, Any] = {}
        for j, item in enumerate(items):
            path: Path_ = ("systems", i, key, j, "challenge")
            topic = catalogue.resolve(item.challenge)
            if topic is None:
                self._unknown_topic(path, item.challenge, catalogue)
                continue
            if topic in seen:
                self.error(
                    self.sys,
                    path,
                    "duplicate-topic",
                    f"topic '{topic}' is listed twice in {key} (first at line "
                    f"{locate(self.sys.positions, seen[topic])[0]}); merge the two entries",
                )
                continue
            seen[topic] = path
            out[topic] = item
        return out

    def _system_refs(self, i: int, s: models.System, key: str, names: dict[str, str]) -> set[str]:
        out: set[str] = set()
        for j, ref in enumerate(getattr(s, key)):
            path: Path_ = ("systems", i, key, j)
            if ref == s.id:
                self.error(
                    self.sys, path, "self-reference", f"system '{s.id}' cannot list itself in {key}"
                )
            elif ref not in names:
                near = self.near(ref, names)
                fix = did_you_mean(near) or "; it must be the id of a system in this file"
                self.error(self.sys, path, "unknown-system", f"unknown system {quote(ref)}{fix}")
            elif ref in out:
                self.error(
                    self.sys, path, "duplicate-reference", f"{quote(ref)} is listed twice in {key}"
                )
            else:
                out.add(ref)
        return out
