"""Problems found in the data, as data: each has a stable code and a location.

A finding renders as one line, ``systems.yaml:42:9: systems[3].strengths[1].level: message``,
and flattens into a row for CSV, JSON or a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Code(StrEnum):
    """Every finding code. Codes are stable: scripts and CI may rely on them; the set is
    closed (a test holds every code the package writes to this enum)."""

    # the file itself
    NO_FILE = "no-file"
    NOT_A_FILE = "not-a-file"
    UNREADABLE = "unreadable"
    TOO_LARGE = "too-large"
    BINARY = "binary"
    ENCODING = "encoding"
    TAB = "tab"
    CONTROL_CHARACTER = "control-character"
    # YAML
    YAML_SYNTAX = "yaml-syntax"
    YAML_ANCHOR = "yaml-anchor"
    YAML_ALIAS = "yaml-alias"
    YAML_TAG = "yaml-tag"
    DUPLICATE_KEY = "duplicate-key"
    KEY_TYPE = "key-type"
    MULTIPLE_DOCUMENTS = "multiple-documents"
    TOO_DEEP = "too-deep"
    # shape
    EMPTY = "empty"
    TOP_LEVEL = "top-level"
    MISSING_KEY = "missing-key"
    UNKNOWN_FIELD = "unknown-field"
    MISSING_FIELD = "missing-field"
    WRONG_TYPE = "wrong-type"
    INVALID_VALUE = "invalid-value"
    TOO_MANY_PROBLEMS = "too-many-problems"
    # across the two files
    DUPLICATE_ID = "duplicate-id"
    UNKNOWN_TOPIC = "unknown-topic"
    UNKNOWN_SYSTEM = "unknown-system"
    DUPLICATE_TOPIC = "duplicate-topic"
    DUPLICATE_REFERENCE = "duplicate-reference"
    SELF_REFERENCE = "self-reference"
    PART_OF_CYCLE = "part-of-cycle"
    INVALID_WEIGHT = "invalid-weight"
    # importing a spreadsheet (peermatch import)
    CSV = "csv"
    MISSING_COLUMN = "missing-column"
    UNKNOWN_COLUMN = "unknown-column"
    DUPLICATE_COLUMN = "duplicate-column"
    MISSING_VALUE = "missing-value"
    INVALID_ID = "invalid-id"
    ORPHAN_TEXT = "orphan-text"
    NO_EVIDENCE = "no-evidence"
    DUPLICATE_RESPONSE = "duplicate-response"
    MERGED_TOPIC = "merged-topic"
    # other files
    DUPLICATE_LINK = "duplicate-link"
    PLAN = "plan"
    # warnings (validate --strict fails on them)
    EMPTY_PROFILE = "empty-profile"
    EXEMPLAR_WITHOUT_FIGURE = "exemplar-without-figure"
    UNUSED_TOPIC = "unused-topic"
    ALIAS_CLASH = "alias-clash"
    ONE_SIDED_PARTNER = "one-sided-partner"
    LOOK_ALIKE = "look-alike"


#: What each code means (docs/hardening.md lists them all, a test checks).
MEANINGS: dict[Code, str] = {
    # the file itself
    Code.NO_FILE: "the file does not exist",
    Code.NOT_A_FILE: "a folder was given where a file belongs",
    Code.UNREADABLE: "the file cannot be read (permissions, I/O error)",
    Code.TOO_LARGE: "the file is above the size limit, or holds more values than it allows",
    Code.BINARY: "a binary file, not text",
    Code.ENCODING: "not UTF-8 text",
    Code.TAB: "a tab character (YAML is indented with spaces)",
    Code.CONTROL_CHARACTER: "a control, bidirectional-override or unusual line-break character",
    # YAML
    Code.YAML_SYNTAX: "the text is not valid YAML",
    Code.YAML_ANCHOR: "an anchor (&name): not allowed",
    Code.YAML_ALIAS: "an alias (*name): not allowed",
    Code.YAML_TAG: "a tag (!!python/..., !name): not allowed",
    Code.DUPLICATE_KEY: "the same key twice in one mapping",
    Code.KEY_TYPE: "a key that is not text",
    Code.MULTIPLE_DOCUMENTS: "more than one YAML document (---) in the file",
    Code.TOO_DEEP: "nesting deeper than the data format needs",
    # shape
    Code.EMPTY: "the file has no data",
    Code.TOP_LEVEL: "the top of the file is not a mapping",
    Code.MISSING_KEY: "the top-level systems:/challenges: key is missing",
    Code.UNKNOWN_FIELD: "a field the format does not have",
    Code.MISSING_FIELD: "a required field is missing",
    Code.WRONG_TYPE: "a value of the wrong type (text, number, list, mapping)",
    Code.INVALID_VALUE: "a value out of range or not in the expected form",
    Code.TOO_MANY_PROBLEMS: "more problems than are listed",
    # across the two files
    Code.DUPLICATE_ID: "an id used twice",
    Code.UNKNOWN_TOPIC: "a challenge: or related: reference that names no topic",
    Code.UNKNOWN_SYSTEM: "a partners:/exclude:/part_of: entry that names no system",
    Code.DUPLICATE_TOPIC: "a topic listed twice in one system's strengths or challenges",
    Code.DUPLICATE_REFERENCE: "a system listed twice in partners or exclude",
    Code.SELF_REFERENCE: "a topic related to itself, or a system listing itself or part of itself",
    Code.PART_OF_CYCLE: "part_of links that go round in a cycle (a is part of b, b part of a)",
    Code.INVALID_WEIGHT: "a bad value in a --weights file",
    # importing a spreadsheet (peermatch import)
    Code.CSV: "the responses file is not readable CSV",
    Code.MISSING_COLUMN: "a required column is missing from the header",
    Code.UNKNOWN_COLUMN: "a header the import layout does not have",
    Code.DUPLICATE_COLUMN: "the same column twice in the header",
    Code.MISSING_VALUE: "a required cell is empty",
    Code.INVALID_ID: "an id that is not a slug, or a name no id can be made from",
    Code.ORPHAN_TEXT: "an evidence, source or note cell with no item to belong to",
    Code.DUPLICATE_RESPONSE: "one organisation answered the form twice (import --keep)",
    Code.MERGED_TOPIC: "two names of one topic in one cell, merged into one item",
    Code.NO_EVIDENCE: "warning: a strength with no evidence",
    # other files
    Code.DUPLICATE_LINK: "the same past link twice in a history file",
    Code.PLAN: "a plan JSON file that cannot be drawn (not the plan's JSON, or other data)",
    # warnings (validate --strict fails on them)
    Code.EMPTY_PROFILE: "warning: a system with no strengths and no challenges takes no part",
    Code.EXEMPLAR_WITHOUT_FIGURE: "warning: a level-3 strength whose evidence has no figure",
    Code.UNUSED_TOPIC: "warning: a catalogue topic no system uses",
    Code.ALIAS_CLASH: "warning: an alias that is another topic's id or alias",
    Code.ONE_SIDED_PARTNER: "warning: a partner listed on one side only",
    Code.LOOK_ALIKE: "warning: two system names that look the same but are spelt differently",
}

#: Code -> meaning, keyed by the plain text of each code.
CODES: dict[str, str] = {code.value: text for code, text in MEANINGS.items()}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one place. ``line`` and ``column`` are 1-based; 0 means unknown."""

    file: str
    line: int
    column: int
    path: str
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = escape(self.file)
        if self.line:
            where += f":{self.line}:{self.column}" if self.column else f":{self.line}"
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        # escape() keeps a finding on one line whatever the file name or message holds
        if self.path.startswith("$"):  # a JSON path, as check-jsonschema writes it
            return f"{where}::{escape(self.path)}: {prefix}{escape(self.message)}"
        if self.path:
            return f"{where}: {escape(self.path)}: {prefix}{escape(self.message)}"
        return f"{where}: {prefix}{escape(self.message)}"

    def as_row(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
        }


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def format_path(path: tuple[str | int, ...]) -> str:
    """``("systems", 3, "strengths", 1, "level")`` -> ``systems[3].strengths[1].level``.

    A key that is not a plain word is quoted and shortened: ``systems[0]["bad key"]``.
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part) and len(part) <= 60:
            out += f".{part}" if out else part
        else:
            out += "[" + quote(part, limit=40, mark='"') + "]"
    return out


def escape(text: str) -> str:
    """``text`` with every non-printable character written as an escape (``\\n``, ``\\x1b``).

    Messages name user values; this keeps each message on one line and stops a value
    from moving the cursor, colouring the terminal or reversing text on screen.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape_char(ch) for ch in text)


def _escape_char(ch: str) -> str:
    special = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
    if ch in special:
        return special[ch]
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def quote(text: str, *, limit: int = 60, mark: str = "'") -> str:
    """A user value for a message: quoted, escaped and at most ``limit`` characters long."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return mark + escape(text) + mark
