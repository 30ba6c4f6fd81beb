"""One pass over a spreadsheet's rows: the header, each row's profile, and every finding
with its row and column."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from peermatch.core.catalogue import Catalogue, closest, did_you_mean, normalise
from peermatch.core.findings import Finding, Severity, quote
from peermatch.core.keep import Keep
from peermatch.core.numbers import CAPACITY, POPULATION, NumberError, too_long, whole_number
from peermatch.files.formulas import unneutralise
from peermatch.files.import_cells import (
    _NUMBERED_RE,
    _SCALE,
    _SCALED,
    _SLUG,
    KIND_SYNONYMS,
    _kinds_hint,
    _number_or_word,
    _ordinal,
    clean_text,
    slugify,
    split_list,
)
from peermatch.files.import_header import HeaderReader
from peermatch.files.import_responses import settle
from peermatch.files.import_result import Decide, ImportResult, Reading
from peermatch.files.import_topics import TopicMatcher
from peermatch.files.models import KINDS, LEVEL_WORDS, PRIORITY_WORDS
from peermatch.files.yaml_messages import character_message
from peermatch.files.yaml_read import refused_in_value
from peermatch.files.yaml_write import flow


class RowReader(HeaderReader):
    """One pass over the rows; collects profiles, findings and readings."""

    def __init__(
        self, display: str, catalogue: Catalogue, decide: Decide | None, keep: Keep | None = None
    ) -> None:
        self.display = display
        self.keep = keep
        self.catalogue = catalogue
        self.findings: list[Finding] = []
        self.columns: dict[str, int] = {}  # key -> 0-based index
        self.topics = TopicMatcher(catalogue, decide)
        self.placeholders: list[int] = []
        self.error_count = 0
        self.row_id: dict[int, str] = {}

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
            (number, self._cells(number, record))
            for number, record in enumerate(records[1:], start=2)
            if any(c.strip() for c in record)
        ]
        if not rows:
            self.findings.append(
                Finding(self.display, 1, 0, "", "empty", "the file has a header but no rows")
            )
            return ImportResult(self.display, [], self.findings, ignored_columns=ignored)
        rows = settle(
            rows,
            self.keep,
            lambda n, c, m: self.error(n, c, "duplicate-response", m),
            lambda n, c, m: self.warn(n, c, "duplicate-response", m),
        )
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
            Reading(text, topic, *self.topics.reading_how[(text, topic)], tuple(sorted(set(rows_))))
            for (text, topic), rows_ in sorted(self.topics.readings.items())
        ]
        return ImportResult(self.display, systems, self.findings, readings, ignored)

    def _cells(self, number: int, record: list[str]) -> dict[str, str]:
        out = {}
        for key, i in self.columns.items():
            value = record[i] if i < len(record) else ""
            out[key] = unneutralise(clean_text(value).strip()).strip()
            bad = refused_in_value(out[key])
            if bad is not None:  # found here, at its cell, not in the YAML written later
                self.error(number, key, "control-character", character_message(bad)[0])
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
        population = self._whole(number, "population", cells.get("population", ""), POPULATION)
        if population is not None:
            entry["population"] = population
        tags = self._tags(number, cells.get("tags", ""))
        if tags:
            entry["tags"] = flow(tags)
        capacity = {}
        for part in ("teach", "learn"):
            column = f"capacity_{part}"
            value = self._whole(number, column, cells.get(column, ""), CAPACITY)
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

    def _whole(self, number: int, column: str, text: str, bounds: tuple[int, int]) -> int | None:
        """A whole number in its range (:mod:`peermatch.core.numbers`); ``310k``, ``1.2m``
        and ``1,200,000`` for a population."""
        if not text:
            return None
        digits = re.sub(r"[,_\s\u00a0\u202f]", "", text)
        digits = re.sub(r"\.0+$", "", digits)
        scaled = _SCALED.match(digits.casefold())
        if scaled and column == "population" and "," not in text and not too_long(digits):
            digits = str(round(float(scaled.group(1)) * _SCALE[scaled.group(2)]))
        if not digits.isascii() or not digits.isdigit():
            self.error(
                number,
                column,
                "invalid-value",
                f"must be a whole number, e.g. 250000; got {quote(text, limit=40)}",
            )
            return None
        try:
            return whole_number(digits, bounds)
        except NumberError as exc:
            self.error(number, column, "invalid-value", str(exc))
            return None

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
            topic = self.topics.topic(number, column, topic_text, self.error)
            if topic is None:
                continue
            if topic in seen:
                self._merge(number, column, out, (position, topic, value), topic_text, seen)
                continue
            seen[topic] = topic_text
            out.append((position, topic, value))
        return out

    def _merge(
        self,
        number: int,
        column: str,
        out: list[tuple[int, str, int]],
        item: tuple[int, str, int],
        text: str,
        seen: dict[str, str],
    ) -> None:
        """A second name of a topic already in the cell ("GIRFT; elective recovery"): one
        item, at the higher level or priority (its evidence with it), and a note."""
        _, topic, value = item
        i = next(k for k, (_, t, _) in enumerate(out) if t == topic)
        what = "level" if column == "strengths" else "priority"
        kept = max(out[i][2], value)
        if value > out[i][2]:
            out[i] = item
        self.warn(
            number,
            column,
            "merged-topic",
            f"'{seen[topic]}' and '{text}' are both topic '{topic}'; merged into one item "
            f"with the higher {what} ({kept})",
        )

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
