"""Safe YAML reading with line numbers for every value.

We read PyYAML's *event* stream (from the C parser when available, else the pure-Python
one: both yield the same events) and build plain Python values ourselves. That gives us,
in one pass and without a second tree:

* YAML 1.2 core-schema scalars: an unquoted ``NO``, ``on`` or ``2024-01-02`` stays text;
* a position (line, column) for every value, keyed by its path, for error messages;
* refusals, each with its line: anchors/aliases (so an alias bomb fails at once, small),
  explicit tags such as ``!!python/object``, duplicate keys (naming both lines),
  non-text keys, more than one document, nesting deeper than :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from peermatch.errors import DataError, PeermatchError
from peermatch.findings import Finding, format_path

Path_ = tuple[str | int, ...]
Positions = dict[Path_, tuple[int, int]]

MAX_DEPTH = 64
#: Files above this size are refused before parsing (override: env PEERMATCH_MAX_BYTES).
DEFAULT_MAX_BYTES = 256 * 1024 * 1024

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


def resolve_plain(value: str) -> Any:
    """Resolve an untagged plain scalar by the YAML 1.2 core schema."""
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT10.match(value):
        return int(value)
    if _INT8.match(value):
        return int(value[2:], 8)
    if _INT16.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN.match(value):
        return float("nan")
    return value


def max_bytes() -> int:
    raw = os.environ.get("PEERMATCH_MAX_BYTES")
    if raw is None:
        return DEFAULT_MAX_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise PeermatchError(
            f"PEERMATCH_MAX_BYTES must be a whole number of bytes, not {raw!r}"
        ) from None
    return value


def read_text(path: Path, display: str) -> str:
    """Read a YAML file as text: UTF-8 (a BOM is allowed), not binary, not too large."""
    if path.is_dir():
        raise _fail(display, 0, 0, "is a directory; give the path of a YAML file")
    try:
        size = path.stat().st_size
        limit = max_bytes()
        if size > limit:
            raise _fail(
                display,
                0,
                0,
                f"the file is {size:,} bytes, above the limit of {limit:,}; "
                "raise it with the environment variable PEERMATCH_MAX_BYTES",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _fail(display, 0, 0, "no such file; check the path or --data") from None
    except OSError as exc:
        raise _fail(display, 0, 0, f"cannot read the file: {exc.strerror or exc}") from None
    if b"\0" in raw:
        line = raw[: raw.index(b"\0")].count(b"\n") + 1
        raise _fail(display, line, 0, "this is a binary file, not YAML text (a NUL byte)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = raw[exc.start]
        raise _fail(
            display, line, col, f"not valid UTF-8 (byte 0x{bad:02x}); save the file as UTF-8"
        ) from None


def _fail(display: str, line: int, col: int, message: str, path: str = "") -> DataError:
    return DataError([Finding(display, line, col, path, "yaml", message)])


def _make_parser(text: str) -> Any:
    loader_cls = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    return loader_cls(text)


class _Frame:
    __slots__ = ("container", "keys", "path", "pending_key")

    def __init__(self, container: dict[str, Any] | list[Any], path: Path_) -> None:
        self.container = container
        self.path = path
        self.pending_key: str | None = None
        self.keys: dict[str, int] | None = {} if isinstance(container, dict) else None


def parse_yaml(
    text: str,
    display: str,
    *,
    make_parser: Callable[[str], Any] = _make_parser,
) -> tuple[Any, Positions]:
    """Parse one YAML document into plain values and a position for every path.

    Returns ``(None, {})`` for a file with no document (empty or only comments).
    """
    positions: Positions = {}
    parser = make_parser(text)
    try:
        return _compose(parser, display, positions), positions
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise _fail(display, line, col, _yaml_problem(exc, text, line, col)) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise _fail(
            display,
            line,
            col,
            f"control character U+{char:04X} is not allowed in YAML text; remove it",
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - defensive: every PyYAML error is marked
        raise _fail(display, 0, 0, f"invalid YAML: {exc}") from None
    finally:
        parser.dispose()


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str, line: int, col: int) -> str:
    problem = (exc.problem or "").strip()
    lines = text.splitlines()
    here = lines[line - 1][col - 1 : col] if 0 < line <= len(lines) and col > 0 else ""
    if here == "\t" or "'\\t'" in problem:
        return "invalid YAML: a tab character where indentation is expected; indent with spaces"
    context = (exc.context or "").strip()
    text = f"{context}: {problem}" if context and problem else problem or context
    return f"invalid YAML: {text}"


def _compose(parser: Any, display: str, positions: Positions) -> Any:
    """Build values from the event stream; see the module docstring for what is refused."""
    ev = yaml.events
    parser.get_event()  # StreamStart
    if parser.check_event(ev.StreamEndEvent):
        return None
    parser.get_event()  # DocumentStart
    stack: list[_Frame] = []
    root: Any = None

    def where(event: Any) -> tuple[int, int]:
        return event.start_mark.line + 1, event.start_mark.column + 1

    def attach(value: Any, event: Any) -> Path_ | None:
        """Put a finished value into the current container; return its path."""
        nonlocal root
        if not stack:
            root = value
            positions[()] = where(event)
            return ()
        top = stack[-1]
        if top.keys is None:
            assert isinstance(top.container, list)
            path = (*top.path, len(top.container))
            top.container.append(value)
            positions[path] = where(event)
            return path
        assert top.pending_key is not None and isinstance(top.container, dict)
        path = (*top.path, top.pending_key)
        top.container[top.pending_key] = value
        top.pending_key = None
        positions[path] = where(event)
        return path

    while True:
        event = parser.get_event()
        kind = type(event)
        if kind is ev.DocumentEndEvent:
            break
        if kind in (ev.MappingEndEvent, ev.SequenceEndEvent):
            stack.pop()
            continue
        line, col = where(event)
        if kind is ev.AliasEvent:
            raise _fail(
                display,
                line,
                col,
                "aliases (*name) are not allowed; write the value out in full",
            )
        if getattr(event, "anchor", None) is not None:
            raise _fail(
                display,
                line,
                col,
                "anchors (&name) are not allowed; write each value out in full",
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise _fail(
                display,
                line,
                col,
                f"YAML tags such as '{shown}' are not allowed; remove the tag",
            )
        top = stack[-1] if stack else None
        expecting_key = top is not None and top.keys is not None and top.pending_key is None
        if kind is ev.ScalarEvent:
            value: Any = event.value if event.style else resolve_plain(event.value)
            if expecting_key:
                assert top is not None and top.keys is not None
                if not isinstance(value, str):
                    raise _fail(
                        display,
                        line,
                        col,
                        f"keys must be text, not {_kind_of(value)}; quote the key",
                    )
                first = top.keys.get(value)
                if first is not None:
                    raise _fail(
                        display,
                        line,
                        col,
                        f"duplicate key {value!r} (first at line {first}); "
                        "each key may appear once in a mapping",
                        _fmt(top.path),
                    )
                top.keys[value] = line
                top.pending_key = value
                positions[(*top.path, value)] = (line, col)
            else:
                attach(value, event)  # a scalar's own position: errors point at the value
            continue
        if expecting_key:
            raise _fail(display, line, col, "keys must be text, not a list or mapping")
        if len(stack) >= MAX_DEPTH:
            raise _fail(
                display,
                line,
                col,
                f"nesting deeper than {MAX_DEPTH} levels; the data format is much flatter",
            )
        container: dict[str, Any] | list[Any] = {} if kind is ev.MappingStartEvent else []
        key_pos = None
        if top is not None and top.pending_key is not None:
            key_pos = positions.get((*top.path, top.pending_key))
        path = attach(container, event)
        assert path is not None
        if key_pos is not None:
            positions[path] = key_pos
        stack.append(_Frame(container, path))

    if not parser.check_event(ev.StreamEndEvent):
        nxt = parser.peek_event()
        line, col = where(nxt)
        raise _fail(
            display,
            line,
            col,
            "more than one YAML document (---) in this file; keep one document per file",
        )
    return root


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


def _fmt(path: Path_) -> str:
    return format_path(path)
