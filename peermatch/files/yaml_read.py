"""Safe YAML reading with line numbers for every value.

We read PyYAML's *event* stream (from the C parser when available, else the pure-Python
one) and build plain Python values ourselves. That gives us, in one pass and without a
second tree:

* YAML 1.2 core-schema scalars: an unquoted ``NO``, ``on`` or ``2024-01-02`` stays text;
* a position (line, column) for every value, keyed by its path, for error messages, and
  the position of every mapping key (:attr:`Positions.key_at`);
* refusals, each with its line: anchors/aliases (so an alias bomb fails at once, small),
  explicit tags such as ``!!python/object``, duplicate keys (naming both lines),
  non-text keys, more than one document, nesting deeper than :data:`MAX_DEPTH`, more
  values than the size limit allows, control characters in text.

Before parsing, :func:`read_text` refuses what is not YAML text at all (a missing file, a
folder, a file above the size limit, binary, not UTF-8) and :func:`parse_yaml` refuses
characters on which the two parsers, or an editor and the parser, would disagree (tabs,
unusual line breaks). Syntax errors get one plain-English message per kind of mistake, the
same from either parser; see :func:`syntax_message`.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from typing import Any

import yaml

from peermatch.core.findings import format_path, quote
from peermatch.core.numbers import NumberError, too_long
from peermatch.files.checked_read import _fail, max_values
from peermatch.files.yaml_messages import _BAD_ESCAPE, _NO_TAGS, character_message, syntax_message
from peermatch.files.yaml_positions import Path_, Positions

MAX_DEPTH = 64

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")

#: Raw characters refused anywhere in the file, before parsing (see _raw_problem).
_RAW_REFUSED = re.compile("[\t\x85\u2028\u2029\ufeff\u202a-\u202e\u2066-\u2069]")
#: Characters refused inside any text value (they can only arrive through escapes such as
#: "\e" or "\x00", since the reader refuses them raw): C0/C1 controls other than newline and
#: tab, surrogates, bidirectional overrides, unusual line breaks, a byte-order mark.
_VALUE_REFUSED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]"
)


_MAYBE_NOT_TEXT = frozenset("~nNtTfF0123456789+-.")


def resolve_plain(value: str) -> Any:
    """Resolve an untagged plain scalar by the YAML 1.2 core schema."""
    if value and value[0] not in _MAYBE_NOT_TEXT:
        return value  # the common case: words
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT10.match(value) or _INT8.match(value) or _INT16.match(value):
        if too_long(value):  # before Python converts it (it refuses 4,300 digits itself)
            raise NumberError(
                f"a number of {sum(c.isdigit() for c in value):,} digits is out of range; "
                "no value in these files needs more than 20"
            )
        base = 10 if _INT10.match(value) else 8 if value[1] == "o" else 16
        return int(value if base == 10 else value[2:], base)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN.match(value):
        return float("nan")
    return value


def _make_parser(text: str) -> Any:
    loader_cls = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    return loader_cls(text)


class _Frame:
    __slots__ = ("container", "key_mark", "keys", "path", "pending_key")

    def __init__(self, container: dict[str, Any] | list[Any], path: Path_) -> None:
        self.container = container
        self.path = path
        self.pending_key: str | None = None
        self.key_mark = 0  # where the pending key is, as (line << 32 | column)
        self.keys: dict[str, int] | None = {} if isinstance(container, dict) else None


def parse_yaml(
    text: str,
    display: str,
    *,
    make_parser: Callable[[str], Any] | None = None,
    value_limit: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[Any, Positions]:
    """Parse one YAML document into plain values and a position for every path.

    Returns ``(None, Positions())`` for a file with no document (empty or only comments).
    ``make_parser`` builds a PyYAML loader for the text (the C one by default; the results
    are the same with ``yaml.SafeLoader``); ``value_limit`` caps the number of values
    (default :func:`max_values`); ``progress`` is called with the characters parsed since
    its last call, now and then. Raises :class:`DataError` with one finding.
    """
    # \r\n and a lone \r are line breaks to YAML and to editors; make them \n so that every
    # line number we compute ourselves agrees with the parser's.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    _refuse_raw(text, display)
    budget = value_limit if value_limit is not None else max_values()
    try:
        return _parse_with(make_parser or _make_parser, text, display, budget, progress)
    except _ParserDepthLimit:
        # libyaml (0.2.6, bundled with PyYAML 6.0.4) has a nesting limit of its own, checked
        # in its scanner, which reads ahead of the events we count: on deep flow nesting
        # ([[[...) it stops before our limit can fire, and elsewhere. Read the text again
        # with the pure-Python parser, which hands out events as it goes, so that our limit
        # fires where it is crossed, the same finding whichever parser is underneath.
        pass
    try:
        return _parse_with(yaml.SafeLoader, text, display, budget, progress)
    except _ParserDepthLimit as exc:  # a parser with a limit below ours: its mark is the place
        raise _fail(display, exc.line, exc.col, _TOO_DEEP, "too-deep") from None


_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels; the data format is much flatter"


class _ParserDepthLimit(Exception):
    """The YAML parser refused the nesting itself (see :func:`parse_yaml`)."""

    def __init__(self, line: int, col: int) -> None:
        super().__init__(line, col)
        self.line, self.col = line, col


def _parse_with(
    make_parser: Callable[[str], Any],
    text: str,
    display: str,
    budget: int,
    progress: Callable[[int], None] | None,
) -> tuple[Any, Positions]:
    positions = Positions()
    parser = None
    try:
        # the pure-Python reader checks the text as it is built, so build inside the try
        parser = make_parser(text)
        return _compose(parser, display, positions, budget, progress), positions
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        if "maximum nesting depth" in f"{exc.problem}":
            raise _ParserDepthLimit(line, col) from None
        if " tag" in f"{exc.context} {exc.problem}":
            while col > 1 and _char_at(text, line, col) not in ("!", ""):
                col -= 1  # point at the tag's '!', as for a tag that scans
            raise _fail(display, line, col, _NO_TAGS, "yaml-tag") from None
        message = syntax_message(exc.context, exc.problem)
        if "escape" in message and _char_at(text, line, col - 1) == "\\":
            col -= 1  # point at the backslash, as libyaml does (PyYAML points after it)
        raise _fail(display, line, col, message) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise _fail(
            display,
            line,
            col,
            f"control character U+{char:04X} is not allowed in YAML text; remove it",
            "control-character",
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - defensive: every PyYAML error is marked
        raise _fail(display, 0, 0, f"invalid YAML: {exc}") from None
    finally:
        if parser is not None:
            parser.dispose()


def _char_at(text: str, line: int, col: int) -> str:
    """The character at 1-based ``line``/``col`` of ``text``, or ``""``."""
    if line < 1 or col < 1:
        return ""
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    at = start + col - 1
    return text[at] if at < len(text) and "\n" not in text[start:at] else ""


def refused_in_value(text: str) -> str | None:
    """The first character a data file refuses in a text value, or ``None``."""
    found = _VALUE_REFUSED.search(text)
    return None if found is None else found.group()


def _refuse_raw(text: str, display: str) -> None:
    """Refuse raw characters that the parsers (or editors) read differently."""
    found = _RAW_REFUSED.search(text)
    if found is None:
        return
    at = found.start()
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    message, code = character_message(found.group())
    raise _fail(display, line, col, message, code)


# A kernel, kept whole on purpose (longer than the ~60-line rule): one loop over the
# parser's events that builds values, records positions and refuses anchors, tags,
# duplicate keys and depth as it goes. Split into calls per event, it costs a function
# call per value on files of millions of values.
def _compose(
    parser: Any,
    display: str,
    positions: Positions,
    budget: int,
    progress: Callable[[int], None] | None = None,
) -> Any:
    """Build values from the event stream; see the module docstring for what is refused.

    This loop runs once per value of the file (over a million for 20,000 profiles), so it
    keeps to local names and records each position as one number (see :class:`Positions`).
    """
    ev = yaml.events
    scalar_event, mapping_start = ev.ScalarEvent, ev.MappingStartEvent
    mapping_end, sequence_end = ev.MappingEndEvent, ev.SequenceEndEvent
    alias_event, document_end = ev.AliasEvent, ev.DocumentEndEvent
    parser.get_event()  # StreamStart
    if parser.check_event(ev.StreamEndEvent):
        return None
    parser.get_event()  # DocumentStart
    next_event = parser.get_event
    refused = _VALUE_REFUSED.search
    marks: array[int] = array("q")
    record = marks.append
    stack: list[_Frame] = []
    root: Any = None
    count = 0
    reported = 0

    while True:
        event = next_event()
        kind = type(event)
        if kind is mapping_end or kind is sequence_end:
            stack.pop()
            continue
        if kind is document_end:
            break
        mark = event.start_mark
        line = mark.line + 1
        col = mark.column + 1
        count += 1
        if count > budget:
            raise _fail(
                display,
                line,
                col,
                f"more than {budget:,} values in one file (the limit that goes with "
                "PEERMATCH_MAX_BYTES); split the data or raise the limit",
                "too-large",
            )
        if progress is not None and not count & 0x3FFF:
            progress(mark.index - reported)
            reported = mark.index
        if kind is alias_event:
            raise _fail(
                display,
                line,
                col,
                "aliases (*name) are not allowed; write the value out in full",
                "yaml-alias",
            )
        if getattr(event, "anchor", None) is not None:
            raise _fail(
                display,
                line,
                col,
                "anchors (&name) are not allowed; write each value out in full",
                "yaml-anchor",
            )
        if getattr(event, "tag", None) is not None:
            raise _fail(display, line, col, _NO_TAGS, "yaml-tag")
        here = line << 32 | col
        top = stack[-1] if stack else None
        in_mapping = top is not None and top.keys is not None
        if kind is scalar_event:
            text: str = event.value
            if refused(text) is not None:
                raise _fail(
                    display,
                    line,
                    col,
                    f"invalid YAML: {_BAD_ESCAPE}",
                    "control-character",
                )
            try:
                value: Any = text if event.style else resolve_plain(text)
            except NumberError as exc:
                raise _fail(display, line, col, str(exc), "invalid-value") from None
            if top is None:
                root = value
            elif in_mapping:
                assert top.keys is not None
                key = top.pending_key
                if key is None:  # this scalar is a key
                    if not isinstance(value, str):
                        raise _fail(
                            display,
                            line,
                            col,
                            f"keys must be text, not {_kind_of(value)}; quote the key",
                            "key-type",
                        )
                    first = top.keys.get(value)
                    if first is not None:
                        raise _fail(
                            display,
                            line,
                            col,
                            f"duplicate key {quote(value, limit=40)} (first at line {first}); "
                            "each key may appear once in a mapping",
                            "duplicate-key",
                            format_path(top.path),
                        )
                    top.keys[value] = line
                    top.pending_key = value
                    top.key_mark = here
                    record(here)
                    continue
                if not text and not event.style and key:
                    # 'key:' with nothing after it: point at the key (the parsers disagree
                    # by a column on where the nothing is, and the key is what to fix)
                    here = top.key_mark
                top.container[key] = value  # type: ignore[call-overload]
                top.pending_key = None
            else:
                top.container.append(value)  # type: ignore[union-attr]
            record(here)  # a scalar's own position: errors point at the value
            continue
        if in_mapping and top is not None and top.pending_key is None:
            raise _fail(display, line, col, "keys must be text, not a list or mapping", "key-type")
        if len(stack) >= MAX_DEPTH:
            raise _fail(display, line, col, _TOO_DEEP, "too-deep")
        container: dict[str, Any] | list[Any] = {} if kind is mapping_start else []
        path: Path_
        if top is None:
            root = container
            path = ()
        elif in_mapping:
            key = top.pending_key
            assert key is not None
            path = (*top.path, key)
            top.container[key] = container  # type: ignore[call-overload]
            top.pending_key = None
            here = top.key_mark  # a mapping or list inside a mapping is placed at its key
        else:
            path = (*top.path, len(top.container))
            top.container.append(container)  # type: ignore[union-attr]
        record(here)
        stack.append(_Frame(container, path))

    if not parser.check_event(ev.StreamEndEvent):
        nxt = parser.peek_event()
        raise _fail(
            display,
            nxt.start_mark.line + 1,
            nxt.start_mark.column + 1,
            "more than one YAML document (---) in this file; keep one document per file",
            "multiple-documents",
        )
    positions._record(root, marks)
    return root


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__
