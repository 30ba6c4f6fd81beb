"""From a spreadsheet of form responses to ``systems.yaml``, and back again.

A programme lead collects profiles with a form whose answers land in a spreadsheet, one
row per system. :func:`read_responses` turns that CSV into profiles; :func:`export_listing`
writes loaded profiles in the same layout, so a round trip gives the same profiles.

The layout (header names are matched ignoring case, spaces and hyphens; column order is
free; other columns, such as a form's ``Timestamp``, are ignored with a note):

==================  ========  =====================================================
column              required  what goes in it
==================  ========  =====================================================
``id``              no        a slug; left empty, it is made from the name
``name``            yes       the system's name
``kind``            yes       ics, trust, provider-collaborative, place, pcn, council,
                              national-body, international, partnership, vcse (or e.g.
                              "Integrated care system", "NHS trust", "Local authority")
``part_of``         no        the id or name of the row this system is a unit of
``country``         no        e.g. England
``population``      no        a whole number; ``1,200,000``, ``310k`` and ``1.2m`` are fine
``tags``            no        context tags, ``;`` or ``,`` between them
``capacity_teach``  no        most links as a teacher in a plan
``capacity_learn``  no        most links as a learner in a plan
``partners``        no        ids or names of other rows, ``;`` between them
``exclude``         no        ids or names of other rows never to pair with
``strengths``       yes       ``topic:level`` items, ``;`` between them; level 1-3 or
                              emerging / established / exemplar
``challenges``      yes       ``topic:priority`` items; priority 1-3 or low / medium /
                              high (2 when left out)
``evidence_N``      no        evidence for the N-th item of ``strengths``
``source_N``        no        where that evidence comes from
``note_N``          no        a note on the N-th item of ``challenges``
``need_source_N``   no        where the N-th item of ``challenges`` is stated
==================  ========  =====================================================

A topic is a catalogue id, alias or name, in any case. Anything else is free text, read
against the catalogue with rapidfuzz: a clear, close match is taken (and reported); a weak
or ambiguous one is a *question* for the ``decide`` callback (the CLI asks on a terminal),
and without one it is an error naming the row and column. Rows are numbered as in a
spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peermatch.catalogue import Catalogue, closest, did_you_mean, normalise, ranked_matches
from peermatch.errors import DataError, PeermatchError
from peermatch.findings import Finding, Severity
from peermatch.loading import Dataset
from peermatch.models import KINDS, SLUG_PATTERN
from peermatch.output import Listing
from peermatch.yamlwrite import dump_yaml, flow

BASE_COLUMNS = (
    "id",
    "name",
    "kind",
    "part_of",
    "country",
    "population",
    "tags",
    "capacity_teach",
    "capacity_learn",
    "partners",
    "exclude",
    "strengths",
    "challenges",
)
REQUIRED_COLUMNS = ("name", "kind", "strengths", "challenges")
NUMBERED = ("evidence", "source", "note", "need_source")
_NUMBERED_RE = re.compile(r"^(evidence|source|note|need_source)_([1-9][0-9]{0,2})$")

#: A fuzzy match at least this good (rapidfuzz WRatio, 0-100; a bare substring such as
#: "delays" scores 90, so it is asked about) and clear of the next candidate by
#: :data:`CLEAR_MARGIN` is taken without asking.
STRONG_MATCH = 92.0
CLEAR_MARGIN = 5.0
#: Candidates below this are not offered at all.
WEAK_MATCH = 60.0

LEVEL_WORDS = {"emerging": 1, "established": 2, "exemplar": 3}
PRIORITY_WORDS = {"low": 1, "medium": 2, "high": 3}
KIND_SYNONYMS = {
    "integrated-care-system": "ics",
    "integrated-care-board": "ics",
    "icb": "ics",
    "nhs-trust": "trust",
    "hospital": "trust",
    "hospital-trust": "trust",
    "acute-trust": "trust",
    "community-trust": "trust",
    "mental-health-trust": "trust",
    "ambulance-trust": "trust",
    "foundation-trust": "trust",
    "nhs-foundation-trust": "trust",
    "collaborative": "provider-collaborative",
    "primary-care-network": "pcn",
    "local-authority": "council",
    "national": "national-body",
}
_SLUG = re.compile(SLUG_PATTERN)
_SCALED = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(k|thousand|m|million)$")
_SCALE = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Question:
    """A free-text topic the catalogue matches only weakly: which topic did they mean?"""

    text: str
    row: int
    column: str
    candidates: tuple[tuple[str, str, float], ...]  # (topic id, name, score), best first


#: Given a question, the topic id to use, or ``None`` to leave the item unplaced.
Decide = Callable[[Question], str | None]


@dataclass(frozen=True)
class Reading:
    """Free text read as a catalogue topic, and how: ``fuzzy`` (clear) or ``chosen``."""

    text: str
    topic: str
    how: str
    score: float
    rows: tuple[int, ...]


@dataclass
class ImportResult:
    """Profiles read from the CSV (as the YAML document's entries) and what was found."""

    source: str
    systems: list[dict[str, Any]]
    findings: list[Finding] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """The problems that stop the import, by row and column."""
        found = [f for f in self.findings if f.severity is Severity.ERROR]
        return sorted(found, key=lambda f: (f.line, f.column))

    @property
    def warnings(self) -> list[Finding]:
        found = [f for f in self.findings if f.severity is Severity.WARNING]
        return sorted(found, key=lambda f: (f.line, f.column))

    @property
    def unplaced_rows(self) -> list[int]:
        """Spreadsheet rows with at least one error (0 = the file as a whole)."""
        return sorted({f.line for f in self.errors})

    def yaml_text(self) -> str:
        """The ``systems.yaml`` text: deterministic, and valid when there are no errors."""
        header = (
            f"Written by 'peermatch import' from {Path(self.source).name}.\n"
            "Check it with 'peermatch validate'; edit it here or in the spreadsheet."
        )
        return dump_yaml({"systems": self.systems}, header=header)


# --------------------------------------------------------------------------- reading


def read_responses(
    path: str | Path, catalogue: Catalogue, *, decide: Decide | None = None
) -> ImportResult:
    """Read a CSV of form responses (layout: module docstring) into profiles.

    Never raises for a problem in a row: every one becomes an error finding at its row and
    column. Raises :class:`DataError` only when the file itself cannot be read.
    """
    return parse_responses(read_csv(path), str(path), catalogue, decide=decide)


def parse_responses(
    records: list[list[str]], display: str, catalogue: Catalogue, *, decide: Decide | None = None
) -> ImportResult:
    """Profiles from CSV records already read (the header first); see :func:`read_responses`."""
    return _Reader(display, catalogue, decide).run(records)


def read_csv(path: str | Path) -> list[list[str]]:
    """The records of a CSV file (UTF-8, a BOM allowed); a file problem raises DataError."""
    from peermatch.yamlio import max_bytes

    display = str(path)
    path = Path(path)

    def fail(line: int, message: str) -> DataError:
        return DataError([Finding(display, line, 0, "", "csv", message)])

    if path.is_dir():
        raise fail(0, "is a folder; give the path of a CSV file")
    try:
        size = path.stat().st_size
        if size > max_bytes():
            raise fail(0, f"the file is {size:,} bytes, above the limit of {max_bytes():,}")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail(0, "no such file; check the path") from None
    except OSError as exc:
        raise fail(0, f"cannot read the file: {exc.strerror or exc}") from None
    if b"\0" in raw:
        raise fail(0, "this is a binary file (a spreadsheet?), not CSV; save it as 'CSV UTF-8'")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(
            line,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the spreadsheet as "
            "'CSV UTF-8 (comma delimited)'",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return list(reader)
    except csv.Error as exc:
        raise fail(reader.line_num, f"not readable as CSV: {exc}") from None


def header_key(text: str) -> str:
    """``" Capacity teach"`` -> ``capacity_teach``: how header names are compared."""
    return re.sub(r"[\s\-]+", "_", text.strip().casefold()).strip("_")


def slugify(text: str) -> str:
    """``"Bath & North East Somerset"`` -> ``bath-north-east-somerset``."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.casefold()).strip("-")[:100].strip("-")


def unneutralise(text: str) -> str:
    """Undo :func:`peermatch.output.neutralise`: ``'=x`` -> ``=x``."""
    if len(text) >= 2 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def clean_text(text: str) -> str:
    """Cell text as the data files allow it: line breaks as ``\\n``, other control
    characters as spaces, no byte-order marks."""
    out = []
    for ch in text.replace("\r\n", "\n"):
        if ch in "\r\x85\u2028\u2029":
            out.append("\n")
        elif ch == "\ufeff":
            continue
        elif ch not in "\t\n" and unicodedata.category(ch) == "Cc":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def split_list(text: str, *, commas: bool = False) -> list[str]:
    pattern = r"[;\n,]" if commas else r"[;\n]"
    return [part.strip() for part in re.split(pattern, text) if part.strip()]


class _Reader:
    """One pass over the rows; collects profiles, findings and readings."""

    def __init__(self, display: str, catalogue: Catalogue, decide: Decide | None) -> None:
        self.display = display
        self.catalogue = catalogue
        self.decide = decide
        self.findings: list[Finding] = []
        self.columns: dict[str, int] = {}  # key -> 0-based index
        self.choices = _topic_choices(catalogue)
        self.cache: dict[str, tuple[str | None, str, float, tuple[tuple[str, str, float], ...]]]
        self.cache = {}
        self.readings: dict[tuple[str, str], list[int]] = {}
        self.reading_how: dict[tuple[str, str], tuple[str, float]] = {}
        self.placeholders: list[int] = []
        self.error_count = 0
        self.row_id: dict[int, str] = {}

    # -- findings

    def error(self, row: int, column: str, code: str, message: str) -> None:
        self.error_count += 1
        col = self.columns.get(column, -1) + 1
        self.findings.append(Finding(self.display, row, col, column, code, message))

    def warn(self, row: int, column: str, code: str, message: str) -> None:
        col = self.columns.get(column, -1) + 1
        self.findings.append(
            Finding(self.display, row, col, column, code, message, Severity.WARNING)
        )

    # -- the header

    def _header(self, header: list[str]) -> list[str]:
        ignored: list[tuple[int, str]] = []
        known = {*BASE_COLUMNS}
        for i, name in enumerate(header):
            key = header_key(name)
            if not key:
                continue  # a blank header cell: nothing to read there
            if key not in known and not _NUMBERED_RE.match(key):
                ignored.append((i, name))
            elif key in self.columns:
                self.findings.append(
                    Finding(
                        self.display,
                        1,
                        i + 1,
                        key,
                        "duplicate-column",
                        f"column '{name}' appears twice (first as column "
                        f"{self.columns[key] + 1}); keep one",
                    )
                )
            else:
                self.columns[key] = i
        for i, name in ignored:
            near = closest(header_key(name), {c: c for c in known}, limit=1, cutoff=85)
            if near:
                self.findings.append(
                    Finding(
                        self.display,
                        1,
                        i + 1,
                        name,
                        "unknown-column",
                        f"column '{name}' is not part of the layout and was ignored"
                        f"{did_you_mean(near)}",
                        Severity.WARNING,
                    )
                )
        missing = [c for c in REQUIRED_COLUMNS if c not in self.columns]
        if missing:
            one_cell = len(header) == 1 and (";" in header[0] or "\t" in header[0])
            hint = (
                "; the header is one cell: save the sheet with commas between columns"
                if one_cell
                else "; see 'peermatch export-csv --template' for the layout"
            )
            self.findings.append(
                Finding(
                    self.display,
                    1,
                    0,
                    "",
                    "missing-column",
                    "the header has no "
                    + ", ".join(f"'{c}'" for c in missing)
                    + (" column" if len(missing) == 1 else " columns")
                    + hint,
                )
            )
        return [name for _, name in ignored]

    # -- the rows

    def run(self, records: list[list[str]]) -> ImportResult:
        if not records or not any(c.strip() for c in records[0]):
            self.findings.append(
                Finding(self.display, 1, 0, "", "empty", "the file has no header row")
            )
            return ImportResult(self.display, [], self.findings)
        ignored = self._header(records[0])
        if any(f.severity is Severity.ERROR for f in self.findings):
            return ImportResult(self.display, [], self.findings, ignored_columns=ignored)
        rows = [
            (number, self._cells(record))
            for number, record in enumerate(records[1:], start=2)
            if any(c.strip() for c in record)
        ]
        if not rows:
            self.findings.append(
                Finding(self.display, 1, 0, "", "empty", "the file has a header but no rows")
            )
            return ImportResult(self.display, [], self.findings, ignored_columns=ignored)
        ids = self._ids(rows)
        systems = []
        for number, cells in rows:
            entry = self._system(number, cells, ids)
            if entry is not None:
                systems.append(entry)
        if self.placeholders:
            shown = ", ".join(str(r) for r in sorted(set(self.placeholders))[:10])
            more = "..." if len(set(self.placeholders)) > 10 else ""
            self.findings.append(
                Finding(
                    self.display,
                    0,
                    0,
                    "",
                    "no-evidence",
                    f"{len(self.placeholders)} strength(s) have no evidence_N text (rows "
                    f"{shown}{more}); a placeholder was written: add the evidence so "
                    "'explain' can show it",
                    Severity.WARNING,
                )
            )
        readings = [
            Reading(text, topic, *self.reading_how[(text, topic)], tuple(sorted(set(rows_))))
            for (text, topic), rows_ in sorted(self.readings.items())
        ]
        return ImportResult(self.display, systems, self.findings, readings, ignored)

    def _cells(self, record: list[str]) -> dict[str, str]:
        out = {}
        for key, i in self.columns.items():
            value = record[i] if i < len(record) else ""
            out[key] = unneutralise(clean_text(value).strip()).strip()
        return out

    def _ids(self, rows: list[tuple[int, dict[str, str]]]) -> dict[str, str]:
        """Every row's id (given or made from the name), and names -> ids, for references."""
        ids: dict[str, str] = {}
        first: dict[str, int] = {}
        for number, cells in rows:
            given = cells.get("id", "")
            name = cells.get("name", "")
            if given:
                if not _SLUG.match(given) or len(given) > 100:
                    fix = slugify(given)
                    self.error(
                        number,
                        "id",
                        "invalid-id",
                        f"'{given}' is not a slug (lowercase letters, digits and single "
                        f"hyphens)" + (f"; use '{fix}'" if fix else ""),
                    )
                    continue
                sid = given
            elif name:
                sid = slugify(name)
                if not sid:
                    self.error(
                        number,
                        "name",
                        "invalid-id",
                        "cannot make an id from this name; fill in 'id'",
                    )
                    continue
            else:
                continue  # the missing name is reported with the row
            if sid in first:
                how = (
                    ""
                    if given
                    else f" (made from the name '{name}'; fill in 'id' to tell them apart)"
                )
                self.error(
                    number,
                    "id" if given else "name",
                    "duplicate-id",
                    f"id '{sid}' is already used by row {first[sid]}{how}",
                )
                continue
            first[sid] = number
            self.row_id[number] = sid
            ids[sid] = sid
            if name:
                ids.setdefault(normalise(name), sid)
        return ids

    def _system(
        self, number: int, cells: dict[str, str], ids: dict[str, str]
    ) -> dict[str, Any] | None:
        errors_before = self.error_count
        name = cells.get("name", "")
        if not name:
            self.error(number, "name", "missing-value", "every row needs a name")
        sid = self.row_id.get(number)
        entry: dict[str, Any] = {"id": sid, "name": name}
        entry["kind"] = self._kind(number, cells.get("kind", ""))
        part_of = self._system_refs(number, "part_of", cells.get("part_of", ""), ids, sid)
        if len(part_of) > 1:
            self.error(number, "part_of", "invalid-value", "part_of names one system, not a list")
        elif part_of:
            entry["part_of"] = part_of[0]
        if cells.get("country"):
            entry["country"] = cells["country"]
        population = self._whole(number, "population", cells.get("population", ""), None)
        if population is not None:
            entry["population"] = population
        tags = self._tags(number, cells.get("tags", ""))
        if tags:
            entry["tags"] = flow(tags)
        capacity = {}
        for part in ("teach", "learn"):
            column = f"capacity_{part}"
            value = self._whole(number, column, cells.get(column, ""), 1000)
            if value is not None:
                capacity[part] = value
        if capacity:
            entry["capacity"] = capacity
        for key in ("partners", "exclude"):
            refs = self._system_refs(number, key, cells.get(key, ""), ids, sid)
            if refs:
                entry[key] = flow(refs)
        entry["strengths"] = self._strengths(number, cells)
        entry["challenges"] = self._needs(number, cells)
        if self.error_count > errors_before or sid is None:
            return None
        if not entry["strengths"]:
            del entry["strengths"]
        if not entry["challenges"]:
            del entry["challenges"]
        return entry

    def _kind(self, number: int, text: str) -> str:
        if not text:
            self.error(number, "kind", "missing-value", "kind is empty; " + _kinds_hint())
            return ""
        key = re.sub(r"[\s_]+", "-", text.strip().casefold())
        key = KIND_SYNONYMS.get(key, key)
        if key in KINDS:
            return key
        near = closest(text, {k: k for k in KINDS} | KIND_SYNONYMS, cutoff=75)
        self.error(
            number,
            "kind",
            "invalid-value",
            f"unknown kind '{text}'{did_you_mean(near) or '; ' + _kinds_hint()}",
        )
        return ""

    def _whole(self, number: int, column: str, text: str, top: int | None) -> int | None:
        if not text:
            return None
        digits = re.sub(r"[,_\s\u00a0\u202f]", "", text)
        digits = re.sub(r"\.0+$", "", digits)
        scaled = _SCALED.match(digits.casefold())
        if scaled and column == "population" and "," not in text:  # "1,5m" is ambiguous
            digits = str(round(float(scaled.group(1)) * _SCALE[scaled.group(2)]))
        if not digits.isdigit() or not digits.isascii():
            self.error(
                number,
                column,
                "invalid-value",
                f"must be a whole number, e.g. 250000; got '{text}'",
            )
            return None
        value = int(digits)
        if top is not None and value > top:
            self.error(number, column, "invalid-value", f"must be from 0 to {top}; got {value}")
            return None
        return value

    def _tags(self, number: int, text: str) -> list[str]:
        out: list[str] = []
        for item in split_list(text, commas=True):
            tag = slugify(item)
            if not tag:
                self.error(number, "tags", "invalid-value", f"cannot make a tag from '{item}'")
            elif tag not in out:
                out.append(tag)
        return out

    def _system_refs(
        self, number: int, column: str, text: str, ids: dict[str, str], own: str | None
    ) -> list[str]:
        out: list[str] = []
        for item in split_list(text):
            target = ids.get(item) or ids.get(normalise(item))
            if target is None:
                near = closest(item, ids)
                fix = did_you_mean(near) or "; it must be the id or name of another row"
                self.error(number, column, "unknown-system", f"unknown system '{item}'{fix}")
            elif target == own:
                self.error(
                    number, column, "self-reference", f"a system cannot list itself in {column}"
                )
            elif target in out:
                self.error(number, column, "duplicate-reference", f"'{item}' is listed twice")
            else:
                out.append(target)
        return out

    # -- topics

    def _items(
        self, number: int, column: str, text: str, words: dict[str, int], default: int | None
    ) -> list[tuple[int, str, int]]:
        """``topic:level`` items -> (position, topic id, number); errors recorded."""
        out: list[tuple[int, str, int]] = []
        seen: dict[str, str] = {}
        what = "level" if column == "strengths" else "priority"
        for position, item in enumerate(split_list(text), start=1):
            topic_text, _, value_text = item.rpartition(":")
            if not topic_text:
                topic_text, value_text = value_text, ""
            topic_text, value_text = topic_text.strip(), value_text.strip()
            value = _number_or_word(value_text, words)
            if value is None and value_text == "" and default is not None:
                value = default
            if value is None:
                allowed = "1, 2 or 3 (" + ", ".join(words) + ")"
                got = f"'{value_text}'" if value_text else "nothing"
                self.error(
                    number,
                    column,
                    f"invalid-{what}",
                    f"'{item}': the {what} after ':' must be {allowed}; got {got}, "
                    f"e.g. '{topic_text or 'topic'}:2'",
                )
                continue
            topic = self._topic(number, column, topic_text)
            if topic is None:
                continue
            if topic in seen:
                self.error(
                    number,
                    column,
                    "duplicate-topic",
                    f"'{topic_text}' and '{seen[topic]}' are both topic '{topic}'; list it once",
                )
                continue
            seen[topic] = topic_text
            out.append((position, topic, value))
        return out

    def _strengths(self, number: int, cells: dict[str, str]) -> list[dict[str, Any]]:
        text = cells.get("strengths", "")
        items = self._items(number, "strengths", text, LEVEL_WORDS, None)
        count = len(split_list(text))
        self._check_numbered(number, cells, ("evidence", "source"), count, "strengths")
        out = []
        for position, topic, level in items:
            evidence = cells.get(f"evidence_{position}", "")
            if not evidence:
                self.placeholders.append(number)
                evidence = (
                    f"No evidence given in the form response ({Path(self.display).name} "
                    f"row {number})."
                )
            entry: dict[str, Any] = {"challenge": topic, "level": level, "evidence": evidence}
            source = cells.get(f"source_{position}", "")
            if source:
                entry["source"] = source
            out.append(entry)
        return out

    def _needs(self, number: int, cells: dict[str, str]) -> list[dict[str, Any]]:
        text = cells.get("challenges", "")
        items = self._items(number, "challenges", text, PRIORITY_WORDS, 2)
        count = len(split_list(text))
        self._check_numbered(number, cells, ("note", "need_source"), count, "challenges")
        out = []
        for position, topic, priority in items:
            entry: dict[str, Any] = {"challenge": topic, "priority": priority}
            note = cells.get(f"note_{position}", "")
            if note:
                entry["note"] = note
            source = cells.get(f"need_source_{position}", "")
            if source:
                entry["source"] = source
            out.append(entry)
        return out

    def _check_numbered(
        self, number: int, cells: dict[str, str], prefixes: Iterable[str], count: int, list_: str
    ) -> None:
        for key, value in cells.items():
            m = _NUMBERED_RE.match(key)
            if m and m.group(1) in prefixes and value and int(m.group(2)) > count:
                self.error(
                    number,
                    key,
                    "orphan-text",
                    f"{key} has text but {list_} lists {count} topic(s); "
                    f"{key} belongs to the {_ordinal(int(m.group(2)))} item of {list_}",
                )

    def _topic(self, number: int, column: str, text: str) -> str | None:
        key = normalise(text)
        if not key:
            self.error(number, column, "unknown-topic", "an item has no topic before ':'")
            return None
        exact = self.choices.get(key)
        if exact is not None:
            return exact
        if key not in self.cache:
            self.cache[key] = self._fuzzy(number, column, text)
        topic, how, score, candidates = self.cache[key]
        if topic is not None:
            self.readings.setdefault((text, topic), []).append(number)
            self.reading_how[(text, topic)] = (how, score)
            return topic
        if not candidates:
            self.error(
                number,
                column,
                "unknown-topic",
                f"'{text}' matches no catalogue topic; see 'peermatch challenges' for the ids",
            )
        else:
            shown = ", ".join(f"{tid} ({score:.0f})" for tid, _, score in candidates)
            rerun = (
                "; write a topic id, or run without --no-input on a terminal to choose"
                if self.decide is None
                else "; write a topic id"
            )
            self.error(
                number,
                column,
                "unknown-topic",
                f"'{text}' is not a catalogue topic; closest: {shown}{rerun}",
            )
        return None

    def _fuzzy(
        self, number: int, column: str, text: str
    ) -> tuple[str | None, str, float, tuple[tuple[str, str, float], ...]]:
        candidates = _candidates(text, self.choices, self.catalogue)
        if not candidates:
            return None, "", 0.0, ()
        best = candidates[0]
        second = candidates[1][2] if len(candidates) > 1 else 0.0
        if best[2] >= STRONG_MATCH and best[2] - second >= CLEAR_MARGIN:
            return best[0], "fuzzy", best[2], candidates
        if self.decide is not None:
            chosen = self.decide(Question(text, number, column, candidates))
            if chosen is not None:
                score = next((s for t, _, s in candidates if t == chosen), 0.0)
                return chosen, "chosen", score, candidates
        return None, "", 0.0, candidates


def _topic_choices(catalogue: Catalogue) -> dict[str, str]:
    """Normalised ids, aliases, names and ids-as-words -> topic id (exact matches)."""
    choices: dict[str, str] = {}
    for topic in catalogue:
        choices.setdefault(normalise(topic.name), topic.id)
        choices.setdefault(normalise(topic.id.replace("-", " ")), topic.id)
    choices.update(catalogue._lookup)  # ids and aliases win
    return choices


def _candidates(
    text: str, choices: dict[str, str], catalogue: Catalogue
) -> tuple[tuple[str, str, float], ...]:
    ranked = ranked_matches(text, choices, WEAK_MATCH)[:3]
    return tuple((tid, catalogue.topics[tid].name, round(score, 1)) for tid, score in ranked)


def _number_or_word(text: str, words: dict[str, int]) -> int | None:
    key = text.strip().casefold()
    if key in ("1", "2", "3"):
        return int(key)
    return words.get(key)


def _kinds_hint() -> str:
    return "use one of: " + ", ".join(KINDS)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --------------------------------------------------------------------------- writing a folder


@dataclass
class Written:
    systems: Path
    challenges: Path | None  # the catalogue copied into the folder, if it was
    warnings: list[Finding]


def choose_catalogue(to: Path, challenges: Path | None) -> Path:
    """The catalogue to read topics against: ``--challenges``, else the folder's, else shipped."""
    from peermatch.loading import CHALLENGES_FILE, shipped_data_dir

    own = to / CHALLENGES_FILE
    if challenges is not None:
        if (
            own.is_file()
            and own.resolve() != challenges.resolve()
            and own.read_bytes() != _read_bytes(challenges)
        ):
            raise PeermatchError(
                f"{own} already exists and differs from {challenges}; "
                "remove one, or leave out --challenges to use the folder's catalogue"
            )
        return challenges
    if own.is_file():
        return own
    return shipped_data_dir() / CHALLENGES_FILE


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PeermatchError(f"{path}: cannot read the file: {exc.strerror or exc}") from None


def write_folder(result: ImportResult, to: Path, catalogue_path: Path, *, force: bool) -> Written:
    """Write ``to/systems.yaml`` (and the catalogue, if the folder has none), checked first.

    The text is validated with :func:`peermatch.loading.validate` before anything is
    written; both files are written atomically.
    """
    import dataclasses
    import tempfile

    from peermatch.loading import CHALLENGES_FILE, SYSTEMS_FILE, validate
    from peermatch.output import write_atomic

    if result.errors:
        raise DataError(result.errors)
    if to.exists() and not to.is_dir():
        raise PeermatchError(f"{to}: is a file; --to needs a folder")
    target = to / SYSTEMS_FILE
    if target.exists() and not force:
        raise PeermatchError(f"{target} already exists; add --force to replace it")
    text = result.yaml_text()
    with tempfile.TemporaryDirectory(prefix="peermatch-import-") as tmp:
        trial = Path(tmp) / SYSTEMS_FILE
        trial.write_text(text, encoding="utf-8")
        findings = validate(systems=trial, challenges=catalogue_path)
    findings = [
        dataclasses.replace(f, file=str(target)) if f.file == str(trial) else f for f in findings
    ]
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:  # pragma: no cover - the reader checks everything validate does
        raise DataError(errors)
    to.mkdir(parents=True, exist_ok=True)
    own_catalogue = to / CHALLENGES_FILE
    copied = None
    if not own_catalogue.exists():
        write_atomic(own_catalogue, _read_bytes(catalogue_path).decode("utf-8"))
        copied = own_catalogue
    write_atomic(target, text)
    warnings = [f for f in findings if f.severity is Severity.WARNING and f.file == str(target)]
    return Written(target, copied, warnings)


# --------------------------------------------------------------------------- exporting


def export_listing(data: Dataset | None, *, template: bool = False) -> Listing:
    """Profiles in the import layout (CSV), one row per system; ``template``: header only."""
    systems = [] if data is None or template else data.systems
    n_strengths = max((len(p.strengths) for p in systems), default=1)
    n_needs = max((len(p.needs) for p in systems), default=1)
    columns = list(BASE_COLUMNS)
    for i in range(1, n_strengths + 1):
        columns += [f"evidence_{i}", f"source_{i}"]
    for i in range(1, n_needs + 1):
        columns += [f"note_{i}", f"need_source_{i}"]
    rows = []
    for p in systems:
        row: dict[str, Any] = {
            "id": p.id,
            "name": p.name,
            "kind": p.kind,
            "part_of": p.part_of,
            "country": p.country,
            "population": p.population,
            "tags": "; ".join(p.tags),
            "capacity_teach": p.teach_capacity,
            "capacity_learn": p.learn_capacity,
            "partners": "; ".join(sorted(p.partners)),
            "exclude": "; ".join(sorted(p.exclude)),
            "strengths": "; ".join(f"{s.topic}:{s.level}" for s in p.strengths.values()),
            "challenges": "; ".join(f"{n.topic}:{n.priority}" for n in p.needs.values()),
        }
        for i, s in enumerate(p.strengths.values(), start=1):
            row[f"evidence_{i}"] = s.evidence
            row[f"source_{i}"] = s.source
        for i, n in enumerate(p.needs.values(), start=1):
            row[f"note_{i}"] = n.note
            row[f"need_source_{i}"] = n.source
        rows.append(row)
    return Listing(key="systems", rows=rows, columns=columns)
