"""Plain-English YAML syntax messages, one per kind of mistake, the same from either parser."""

from __future__ import annotations

import re

_NO_TAGS = "YAML tags such as !!python/object or !name are not allowed; remove the tag"


_BAD_ESCAPE = (
    "an escape in double-quoted text gives a control or invalid character "
    "(such as \\x00, \\e or \\ud800); remove it"
)


# One plain-English message per kind of syntax error, matched against PyYAML's
# "context: problem" text. libyaml (C) and PyYAML (Python) word their errors differently;
# these patterns cover both, so the two parsers give the same message.
# (patterns compiled on first use, by re's cache: only a file with a syntax error needs them)
_SYNTAX: tuple[tuple[str, str], ...] = (
    (
        r"mapping values are not allowed",
        "a ':' where no 'key: value' can start; check the indentation, "
        "or quote text that contains ': '",
    ),
    (
        r"sequence entries are not allowed",
        "a '- ' list item where no list can start; check the indentation",
    ),
    (
        r"mapping keys are not allowed",
        "a '? ' where no key can start; quote text that starts with '?'",
    ),
    (
        r"quoted scalar.*(?:end of stream|document separator)",
        "a quoted text is not closed; add the closing quote",
    ),
    (
        r"unknown escape character",
        "an unknown escape in double-quoted text; write \\\\ for a backslash, or use single quotes",
    ),
    (r"escape code|escape sequence|invalid Unicode character", _BAD_ESCAPE),
    (
        r"while parsing a block collection",
        "expected another '- ' list item here; check the indentation of this line",
    ),
    (
        r"while parsing a block mapping",
        "expected another 'key: value' here; check the indentation of this line",
    ),
    (
        r"while parsing a flow sequence",
        "expected ',' or ']' in this [...] list; quote items that contain ':', '[' or '{'",
    ),
    (
        r"while parsing a flow mapping",
        "expected ',' or '}' in this {...} mapping; quote values that contain ':' or '{'",
    ),
    (
        r"while scanning an? (?:anchor|alias)",
        "'&' and '*' cannot start a value; quote the text",
    ),
    (
        r"cannot start any token",
        "a character that cannot start a value (such as @ or `); quote the text",
    ),
    (
        r"while scanning a block scalar",
        "after '|' or '>' nothing may follow on the same line; start the text on the next line",
    ),
    (
        r"while scanning a simple key",
        "a line with no ':' inside a mapping (or a key longer than one line); "
        "add 'key: ' or join the lines",
    ),
    (
        r"while scanning a plain scalar",
        "text that cannot continue here; check the indentation, or quote the text",
    ),
    (
        r"directive",
        "a '%' directive line; quote text that starts with '%'",
    ),
    (
        r"document start|document end",
        "text after the end of the document; check the indentation",
    ),
    (
        r"node content|a node",
        "expected a value here; quote text that starts with a special character",
    ),
    (
        r"end of stream",
        "the file ends in the middle of a value; check the last lines",
    ),
)


def syntax_message(context: str | None, problem: str | None) -> str:
    """PyYAML's ``context``/``problem`` as one plain-English ``invalid YAML: ...`` message."""
    text = " ".join(s.strip() for s in (context or "", problem or "") if s)
    for pattern, message in _SYNTAX:
        if re.search(pattern, text):
            return f"invalid YAML: {message}"
    return f"invalid YAML: {text or 'the text cannot be read as YAML'}"


def character_message(char: str) -> tuple[str, str]:
    """Why the data files refuse ``char``, and the finding code: one wording for YAML and
    for a spreadsheet cell that would become YAML."""
    if char == "\t":
        return (
            "a tab character; YAML is indented with spaces, so replace the tab with spaces "
            '(inside double quotes "\\t" writes a tab)',
            "tab",
        )
    if char == "\ufeff":
        return "a byte-order mark (U+FEFF) inside the file; delete it", "control-character"
    if char in "\x85\u2028\u2029":
        return (
            f"an unusual line break (U+{ord(char):04X}); use an ordinary line break",
            "control-character",
        )
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return (
            f"a bidirectional-override character (U+{ord(char):04X}), which can make text "
            "read differently from how it is stored; delete it",
            "control-character",
        )
    return f"a control character (U+{ord(char):04X}); delete it", "control-character"
