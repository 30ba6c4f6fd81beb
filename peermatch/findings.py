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


#: Every finding code, with what it means. Codes are stable: scripts and CI may rely on them.
CODES: dict[str, str] = {
    # the file itself
    "no-file": "the file does not exist",
    "not-a-file": "a folder was given where a file belongs",
    "unreadable": "the file cannot be read (permissions, I/O error)",
    "too-large": "the file is above the size limit, or holds more values than it allows",
    "binary": "a binary file, not text",
    "encoding": "not UTF-8 text",
    "tab": "a tab character (YAML is indented with spaces)",
    "control-character": "a control, bidirectional-override or unusual line-break character",
    # YAML
    "yaml-syntax": "the text is not valid YAML",
    "yaml-anchor": "an anchor (&name): not allowed",
    "yaml-alias": "an alias (*name): not allowed",
    "yaml-tag": "a tag (!!python/..., !name): not allowed",
    "duplicate-key": "the same key twice in one mapping",
    "key-type": "a key that is not text",
    "multiple-documents": "more than one YAML document (---) in the file",
    "too-deep": "nesting deeper than the data format needs",
    # shape
    "empty": "the file has no data",
    "top-level": "the top of the file is not a mapping",
    "missing-key": "the top-level systems:/challenges: key is missing",
    "unknown-field": "a field the format does not have",
    "missing-field": "a required field is missing",
    "wrong-type": "a value of the wrong type (text, number, list, mapping)",
    "invalid-value": "a value out of range or not in the expected form",
    "too-many-problems": "more problems than are listed",
    # across the two files
    "duplicate-id": "an id used twice",
    "unknown-topic": "a challenge: or related: reference that names no topic",
    "unknown-system": "a partners:/exclude:/part_of: entry that names no system",
    "duplicate-topic": "a topic listed twice in one system's strengths or challenges",
    "duplicate-reference": "a system listed twice in partners or exclude",
    "self-reference": "a topic related to itself, or a system listing itself or part of itself",
    "part-of-cycle": "part_of links that go round in a cycle (a is part of b, b part of a)",
    "invalid-weight": "a bad value in a --weights file",
    # warnings (validate --strict fails on them)
    "empty-profile": "warning: a system with no strengths and no challenges takes no part",
    "exemplar-without-figure": "warning: a level-3 strength whose evidence has no figure",
    "unused-topic": "warning: a catalogue topic no system uses",
    "alias-clash": "warning: an alias that is another topic's id or alias",
    "one-sided-partner": "warning: a partner listed on one side only",
}


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
