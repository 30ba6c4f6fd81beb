"""From two YAML files to a checked :class:`Dataset`, collecting every problem first.

Order of work: read and parse each file (:mod:`peermatch.yamlio`), check its shape with the
pydantic models (:mod:`peermatch.models`), then the checks that span both files (unique ids,
references, partners). Every problem becomes a :class:`~peermatch.findings.Finding` with
file, line and column; :func:`load` raises one :class:`~peermatch.errors.DataError` with all
of them, :func:`validate` returns them (warnings too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from peermatch import models, progress
from peermatch.bulk import paused_gc
from peermatch.catalogue import Catalogue, Topic, build_lookup, closest, did_you_mean, normalise
from peermatch.errors import DataError
from peermatch.findings import Finding, Severity, format_path, quote
from peermatch.yamlio import Path_, Positions, parse_yaml, read_text

#: At most this many shape findings (wrong types, unknown fields...) per file; a file that
#: is wrong everywhere says how many more there are instead of listing a million lines.
MAX_SHAPE_FINDINGS = 200
#: "Did you mean" suggestions are fuzzy searches costing one comparison per candidate
#: (about a microsecond each). Once this many comparisons are spent in one load, unknown
#: references are reported without a suggestion, so a file full of typos stays fast.
SUGGESTION_BUDGET = 2_000_000

SYSTEMS_FILE = "systems.yaml"
CHALLENGES_FILE = "challenges.yaml"
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


# --------------------------------------------------------------------------- locating files


def shipped_data_dir() -> Path:
    """The data that ships with peermatch: inside the wheel, or ``data/`` in a checkout."""
    packaged = Path(str(resources.files("peermatch") / "data"))
    if (packaged / SYSTEMS_FILE).is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


def data_paths(
    data: str | Path | None = None,
    systems: str | Path | None = None,
    challenges: str | Path | None = None,
) -> tuple[Path, Path]:
    """Which two files to read: explicit files win over ``data``, which wins over the shipped."""
    folder = Path(data) if data is not None else shipped_data_dir()
    if data is not None and not folder.is_dir():
        from peermatch.errors import PeermatchError

        what = "is not a folder" if folder.exists() else "does not exist"
        raise PeermatchError(
            f"{folder}: {what}; --data needs a folder with {SYSTEMS_FILE} and {CHALLENGES_FILE}"
        )
    return (
        Path(systems) if systems is not None else folder / SYSTEMS_FILE,
        Path(challenges) if challenges is not None else folder / CHALLENGES_FILE,
    )


# --------------------------------------------------------------------------- public API


def load(
    data: str | Path | None = None,
    *,
    systems: str | Path | None = None,
    challenges: str | Path | None = None,
) -> Dataset:
    """Load and check the data; raise :class:`DataError` listing every error."""
    with paused_gc():
        dataset, findings = _load(data, systems, challenges)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors or dataset is None:
        raise DataError(errors)
    return dataset


def validate(
    data: str | Path | None = None,
    *,
    systems: str | Path | None = None,
    challenges: str | Path | None = None,
) -> list[Finding]:
    """Every error and warning in the data, in file order (errors and warnings mixed)."""
    with paused_gc():
        _, findings = _load(data, systems, challenges)
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.code, f.message))


def _load(
    data: str | Path | None, systems: str | Path | None, challenges: str | Path | None
) -> tuple[Dataset | None, list[Finding]]:
    systems_path, challenges_path = data_paths(data, systems, challenges)
    findings: list[Finding] = []
    cat_doc = _read(challenges_path, models.ChallengesFile, "challenges", findings)
    sys_doc = _read(systems_path, models.SystemsFile, "systems", findings)
    return _assemble(cat_doc, sys_doc, findings), findings


def _assemble(
    cat_doc: _Doc | None, sys_doc: _Doc | None, findings: list[Finding]
) -> Dataset | None:
    """Cross-file checks, once both files have the right shape (else they'd mislead)."""
    if cat_doc is None or sys_doc is None:
        return None
    checker = _Checker(cat_doc, sys_doc)
    dataset = checker.run()
    findings.extend(checker.findings)
    dataset.warnings = [f for f in checker.findings if f.severity is Severity.WARNING]
    return dataset


# --------------------------------------------------------------------------- reading one file


@dataclass
class _Doc:
    display: str
    model: Any
    positions: Positions

    def at(
        self,
        path: Path_,
        code: str,
        message: str,
        severity: Severity = Severity.ERROR,
        *,
        key: bool = False,
    ) -> Finding:
        """A finding at ``path``'s value (or, with ``key``, at its key)."""
        pos = self.positions.key_at.get(path) if key else None
        line, col = pos or locate(self.positions, path)
        return Finding(self.display, line, col, format_path(path), code, message, severity)


def locate(positions: Positions, path: Path_) -> tuple[int, int]:
    """The position of ``path``, or of its nearest ancestor that has one."""
    for end in range(len(path), -1, -1):
        pos = positions.get(path[:end])
        if pos is not None:
            return pos
    return (1, 1)


def _read(path: Path, model: type[BaseModel], key: str, findings: list[Finding]) -> _Doc | None:
    display = str(path)
    try:
        text = read_text(path, display)
        with progress.step(f"reading {path.name}", len(text)) as advance:
            raw, positions = parse_yaml(text, display, progress=advance)
    except DataError as exc:
        findings.extend(exc.findings)
        return None
    with progress.step(f"checking {path.name}"):
        return _check_shape(raw, positions, display, model, key, findings)


def _check_shape(
    raw: Any,
    positions: Positions,
    display: str,
    model: type[BaseModel],
    key: str,
    findings: list[Finding],
) -> _Doc | None:
    """Validate one parsed document against its model; add findings; the doc if it passed."""
    if raw is None:
        findings.append(
            Finding(
                display,
                1,
                1,
                "",
                "empty",
                f"the file has no data; expected a mapping with a '{key}:' list",
            )
        )
        return None
    if not isinstance(raw, dict):
        line, col = positions.get((), (1, 1))
        findings.append(
            Finding(
                display,
                line,
                col,
                "",
                "top-level",
                f"expected a mapping with a '{key}:' list at the top, not {_a(raw)}",
            )
        )
        return None
    if key not in raw:
        other = "challenges" if key == "systems" else "systems"
        hint = (
            f"; this looks like the {other} file: are --systems and --challenges swapped?"
            if other in raw
            else ""
        )
        findings.append(
            Finding(display, 1, 1, "", "missing-key", f"expected a top-level '{key}:' list{hint}")
        )
        return None
    doc = _Doc(display, None, positions)
    shape = _validate_shape(doc, model, _ITEM_MODELS[key], key, raw)
    if isinstance(shape, list):
        findings.extend(shape)
        return None
    doc.model = shape
    return doc


_ITEM_MODELS: dict[str, type[BaseModel]] = {
    "systems": models.System,
    "challenges": models.Challenge,
}


def _validate_shape(
    doc: _Doc,
    model: type[BaseModel],
    item_model: type[BaseModel],
    key: str,
    raw: dict[str, Any],
) -> BaseModel | list[Finding]:
    """Validate ``raw`` against ``model``: the model, or at most MAX_SHAPE_FINDINGS findings.

    The entries of the ``key`` list are validated one by one, so that a file wrong in a
    million places costs a few hundred findings, not a million.
    """
    items = raw.get(key)
    if not isinstance(items, list):
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            return list(_translate(doc, exc, raw))[:MAX_SHAPE_FINDINGS]
    findings: list[Finding] = []
    try:
        model.model_validate({**raw, key: []})
    except ValidationError as exc:
        findings.extend(_translate(doc, exc, raw))
    valid: list[BaseModel] = []
    for i, item in enumerate(items):
        try:
            valid.append(item_model.model_validate(item))
        except ValidationError as exc:
            findings.extend(_translate(doc, exc, raw, prefix=(key, i)))
            if len(findings) > MAX_SHAPE_FINDINGS:
                del findings[MAX_SHAPE_FINDINGS:]
                findings.append(
                    Finding(
                        doc.display,
                        0,
                        0,
                        "",
                        "too-many-problems",
                        f"more than {MAX_SHAPE_FINDINGS} problems in this file; "
                        f"the first {MAX_SHAPE_FINDINGS} are listed, fix those first",
                    )
                )
                break
    if findings:
        return findings
    return model.model_validate({**raw, key: valid})


def from_documents(
    systems: Any,
    challenges: Any,
    *,
    systems_name: str = "<systems>",
    challenges_name: str = "<challenges>",
) -> Dataset:
    """Build a :class:`Dataset` from already-parsed documents (``{"systems": [...]}`` and
    ``{"challenges": [...]}``), with exactly the checks :func:`load` makes."""
    findings: list[Finding] = []
    cat_doc = _check_shape(
        challenges, Positions(), challenges_name, models.ChallengesFile, "challenges", findings
    )
    sys_doc = _check_shape(
        systems, Positions(), systems_name, models.SystemsFile, "systems", findings
    )
    dataset = _assemble(cat_doc, sys_doc, findings)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors or dataset is None:
        raise DataError(errors)
    return dataset


_FIELD_HINTS = {
    "level": "must be 1, 2 or 3 (1 emerging, 2 established, 3 exemplar)",
    "priority": "must be 1, 2 or 3 (1 low, 2 medium, 3 high)",
    "id": "must be a slug: lowercase letters, digits and single hyphens, e.g. 'north-east'",
    "area": "must be a slug: lowercase letters, digits and single hyphens, e.g. 'mental-health'",
    "kind": "must be one of: " + ", ".join(models.KINDS),
    "teach": "must be a whole number from 0 to 1000",
    "learn": "must be a whole number from 0 to 1000",
    "population": "must be a whole number of people, e.g. 250000 (no commas or quotes)",
}


def _translate(doc: _Doc, exc: ValidationError, raw: Any, prefix: Path_ = ()) -> Iterator[Finding]:
    """Turn pydantic's errors into findings with positions and plain-English messages."""
    for err in exc.errors(include_url=False):
        loc: Path_ = (*prefix, *err["loc"])
        kind = err["type"]
        given = err.get("input")
        name = next((p for p in reversed(loc) if isinstance(p, str)), "")
        if kind == "extra_forbidden":
            parent = _model_at(doc, loc[:-1], raw)
            allowed = sorted(parent.model_fields) if parent else []
            near = closest(str(loc[-1]), {a: a for a in allowed}, limit=1, cutoff=80)
            hint = did_you_mean(near) or (f"; allowed: {', '.join(allowed)}" if allowed else "")
            field = quote(str(loc[-1]), limit=40)
            yield doc.at(loc, "unknown-field", f"unknown field {field}{hint}", key=True)
        elif kind == "missing":
            yield doc.at(loc[:-1], "missing-field", f"required field '{loc[-1]}' is missing")
        elif name in _FIELD_HINTS and kind not in ("list_type", "dict_type", "model_type"):
            yield doc.at(loc, "invalid-value", f"{_FIELD_HINTS[name]}; got {_shown(given)}")
        elif name in ("tags",) or (len(loc) >= 2 and loc[-2] == "tags"):
            yield doc.at(
                loc,
                "invalid-value",
                f"tags must be slugs (lowercase letters, digits, hyphens); got {_shown(given)}",
            )
        elif kind in ("list_type",):
            yield doc.at(loc, "wrong-type", f"must be a list, got {_a(given)}")
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            yield doc.at(loc, "wrong-type", f"must be a mapping (key: value), got {_a(given)}")
        elif kind in ("string_type",):
            yield doc.at(loc, "wrong-type", f"must be text, got {_a(given)}; quote it if needed")
        elif kind in ("string_too_short",):
            yield doc.at(loc, "invalid-value", "must not be empty")
        elif kind in ("string_too_long",):
            yield doc.at(loc, "invalid-value", "is too long")
        else:
            yield doc.at(loc, "invalid-value", f"{err['msg'].rstrip('.')}; got {_shown(given)}")


def _model_at(doc: _Doc, loc: Path_, raw: Any) -> type[BaseModel] | None:
    """Which model describes the mapping at ``loc`` (for listing allowed fields)."""
    names = [p for p in loc if isinstance(p, str)]
    table: dict[tuple[str, ...], type[BaseModel]] = {
        (): models.SystemsFile if "systems" in raw else models.ChallengesFile,
        ("systems",): models.System,
        ("challenges",): models.Challenge
        if "challenges" in raw and "systems" not in raw
        else models.ChallengesFile,
        ("systems", "strengths"): models.Strength,
        ("systems", "challenges"): models.Need,
        ("systems", "capacity"): models.Capacity,
    }
    return table.get(tuple(names))


def _a(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({_shown(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _shown(value: Any, limit: int = 40) -> str:
    """A short, safe rendering of a user value for a message (never the whole thing)."""
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = (
        repr(value)
        if isinstance(value, str)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- cross-file checks

#: A figure in exemplar evidence: a digit, or a word that states a measured ratio ("halved A&E
#: admissions" is a result as much as "cut by 30"; evidence keeps the report's own word).
_DIGIT = re.compile(
    r"\d|\b(?:halved|doubled|tripled|trebled|quadrupled|quartered)\b", re.IGNORECASE
)


class _Checker:
    """The checks that need both files: ids, references, partners; plus warnings."""

    def __init__(self, cat: _Doc, sys: _Doc) -> None:
        self.cat = cat
        self.sys = sys
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

    def error(self, doc: _Doc, path: Path_, code: str, message: str) -> None:
        self.findings.append(doc.at(path, code, message))

    def warn(self, doc: _Doc, path: Path_, code: str, message: str) -> None:
        self.findings.append(doc.at(path, code, message, Severity.WARNING))

    def run(self) -> Dataset:
        catalogue = self._catalogue()
        profiles = self._systems(catalogue)
        self._usage_warnings(catalogue, profiles)
        return Dataset(
            systems=sorted(profiles, key=lambda p: p.id),
            catalogue=catalogue,
            systems_file=self.sys.display,
            challenges_file=self.cat.display,
        )

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
        # alias clashes: an alias naming another topic's id or alias is ambiguous
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
                near = self.near(item.challenge, catalogue)
                fix = did_you_mean(near) or "; see 'peermatch challenges' for the topic ids"
                self.error(
                    self.sys, path, "unknown-topic", f"unknown topic {quote(item.challenge)}{fix}"
                )
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

    # -- warnings (validate --strict turns these into a failure)

    def _usage_warnings(self, catalogue: Catalogue, profiles: list[Profile]) -> None:
        index: dict[str, int] = {}
        for i, s in enumerate(self.sys.model.systems):
            index.setdefault(s.id, i)
        by_id = {p.id: p for p in profiles}
        used: set[str] = set()
        for p in profiles:
            i = index[p.id]
            used.update(p.strengths, p.needs)
            # teach-only (no challenges) and learn-only (no strengths) profiles are normal;
            # only a profile with neither takes no part in matching at all
            if not p.strengths and not p.needs:
                self.warn(
                    self.sys,
                    ("systems", i, "id"),
                    "empty-profile",
                    f"system '{p.id}' has no strengths and no challenges, "
                    "so it can neither teach nor learn",
                )
            model_strengths = self.sys.model.systems[i].strengths
            for j, st in enumerate(model_strengths):
                if st.level == 3 and not _DIGIT.search(st.evidence):
                    self.warn(
                        self.sys,
                        ("systems", i, "strengths", j, "evidence"),
                        "exemplar-without-figure",
                        "a level-3 (exemplar) strength should give its measured result; "
                        "the evidence has no figure",
                    )
            for j, ref in enumerate(self.sys.model.systems[i].partners):
                other = by_id.get(ref)
                if other is not None and other.id != p.id and p.id not in other.partners:
                    self.warn(
                        self.sys,
                        ("systems", i, "partners", j),
                        "one-sided-partner",
                        f"'{ref}' does not list '{p.id}' as a partner; add it on both sides",
                    )
        cat_index: dict[str, int] = {}
        for i, ch in enumerate(self.cat.model.challenges):
            cat_index.setdefault(ch.id, i)
        for topic in catalogue.topics:
            if topic not in used:
                self.warn(
                    self.cat,
                    ("challenges", cat_index[topic], "id"),
                    "unused-topic",
                    f"no system lists topic '{topic}' as a strength or challenge",
                )


def load_catalogue(path: str | Path) -> Catalogue:
    """Load and check a challenges file on its own (e.g. to resolve topics while importing)."""
    findings: list[Finding] = []
    doc = _read(Path(path), models.ChallengesFile, "challenges", findings)
    if doc is None:
        raise DataError(findings)
    checker = _Checker(doc, doc)  # only the catalogue's own checks run
    catalogue = checker._catalogue()
    errors = [f for f in checker.findings if f.severity is Severity.ERROR]
    if errors:
        raise DataError(errors)
    return catalogue
