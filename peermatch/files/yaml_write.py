"""Deterministic YAML out: the same data always gives the same bytes.

Keys keep the order they were given in (``sort_keys=False``), non-ASCII text is written
as itself, lines are never folded, and a string that any common YAML reader could take for
something else is quoted: YAML 1.2 (``1e3``, ``0o17``, ``.inf``, which PyYAML's YAML 1.1
dumper leaves bare) and YAML 1.1 (``yes``, ``on``, ``y``, ``2024-01-02``, ``12:30``,
``1_000``, ``<<``). Short lists of plain words (tags, partners) are written in flow style,
``[a, b]``, so a profile reads like the examples in the README.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import yaml

from peermatch.files.yaml_read import resolve_plain

#: Plain scalars some YAML 1.1 readers take for booleans or special keys, beyond PyYAML's own.
_YAML11_SPECIAL = frozenset({"y", "Y", "n", "N", "=", "<<"})
#: Characters a reader folds as line breaks: written escaped, inside double quotes.
_LINE_BREAKS = frozenset("\n\r\x85\u2028\u2029")
_REFUSED = frozenset("\r\x85\u2028\u2029\ufeff")
_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/()&'-]*$")


class FlowList(list[Any]):
    """A list written inline, ``[a, b, c]``."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # indent list items under their key, as the README's examples do
        super().increase_indent(flow, False)


def needs_quotes(text: str) -> bool:
    """Whether ``text`` written bare would be read back as anything but this string."""
    if not isinstance(resolve_plain(text), str) or text in _YAML11_SPECIAL:
        return True
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    return tag != "tag:yaml.org,2002:str"


def unwritable(text: str) -> str | None:
    """The first character peermatch's reader refuses in data (a control character other
    than tab and newline, CR, NEL, the Unicode line and paragraph separators, a BOM)."""
    for ch in text:
        if ch in "\t\n":
            continue
        if ch in _REFUSED or unicodedata.category(ch) == "Cc":
            return ch
    return None


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    bad = unwritable(value)
    if bad is not None:
        raise ValueError(f"text with U+{ord(bad):04X} cannot be written: {value[:40]!r}")
    style = '"' if needs_quotes(value) or _LINE_BREAKS.intersection(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow(dumper: yaml.SafeDumper, value: FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


_RESOLVER: Any = yaml.resolver.Resolver()
_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(FlowList, _represent_flow)


def flow(items: list[str]) -> list[str]:
    """``items`` as a :class:`FlowList` when every item is a short plain word, else as is."""
    if all(_WORD.match(i) and len(i) <= 60 and not needs_quotes(i) for i in items):
        return FlowList(items)
    return items


def dump_yaml(doc: Any, header: str = "") -> str:
    """``doc`` as YAML text; ``header`` lines become ``#`` comments at the top."""
    body = _fast_dump(doc) if isinstance(doc, dict) and doc else None
    if body is None:
        body = _dump(doc)
    out = [f"# {line}".rstrip() for line in header.splitlines()]
    return "\n".join(out) + ("\n" if out else "") + body


def _dump(doc: Any) -> str:
    return yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=1_000_000,
        default_flow_style=False,
        indent=2,
    )


# --------------------------------------------------------------------------- the fast path
#
# PyYAML's pure-Python emitter spends about 25 us an event: 100,000 imported profiles took
# minutes. The layout of what peermatch writes is simple (mappings, lists, flow lists and
# one-line scalars, indented as _Dumper does), so it is written here line by line, and
# each scalar is rendered once by the dumper itself (same quoting, byte for byte) and
# cached. Anything else (a list directly in a list, a scalar over one line) falls back
# to the dumper. tests/unit/files/test_yaml_fast.py holds the two paths equal.


class _Unsupported(Exception):
    pass


_SCALARS: dict[tuple[type, Any], str] = {}
_KEYS: dict[str, str] = {}


def _scalar(value: Any) -> str:
    if isinstance(value, str) and _WORD.match(value) and value[-1] != " ":
        if not needs_quotes(value):
            return value  # plain, as the dumper writes it (no ': ', ' #', edge blanks)
    elif value is None:
        return "null"
    elif isinstance(value, bool):
        return "true" if value else "false"
    elif isinstance(value, int):
        return str(value)
    if isinstance(value, FlowList):
        key: tuple[type, Any] = (FlowList, tuple(value))
    elif value is None or isinstance(value, (str, bool, int, float)):
        key = (type(value), value)
    else:
        raise _Unsupported
    text = _SCALARS.get(key)
    if text is None:
        line = _dump({"k": value})
        if not line.startswith("k: ") or line.count("\n") != 1:
            raise _Unsupported
        text = line[3:-1]
        if len(_SCALARS) < 200_000:
            _SCALARS[key] = text
    return text


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise _Unsupported
    text = _KEYS.get(key)
    if text is None:
        line = _dump({key: 0})
        if not line.endswith(": 0\n") or line.count("\n") != 1:
            raise _Unsupported
        text = _KEYS[key] = line[: -len(": 0\n")]
    return text


def _fast_dump(doc: dict[str, Any]) -> str | None:
    out: list[str] = []
    try:
        _mapping(doc, 0, out, first=None)
    except _Unsupported:
        return None
    return "".join(out)


def _mapping(doc: dict[str, Any], indent: int, out: list[str], first: str | None) -> None:
    """A block mapping at ``indent``; ``first`` is the text before its first key (``- ``
    of a list item), or None to start on a fresh line."""
    pad = " " * indent
    for i, (key, value) in enumerate(doc.items()):
        lead = first if (i == 0 and first is not None) else pad
        _value(f"{lead}{_key(key)}:", value, indent, out)


def _value(line: str, value: Any, indent: int, out: list[str]) -> None:
    if isinstance(value, dict):
        if not value:
            out.append(f"{line} {{}}\n")
            return
        out.append(line + "\n")
        _mapping(value, indent + 2, out, first=None)
    elif isinstance(value, list) and not isinstance(value, FlowList):
        if not value:
            out.append(f"{line} []\n")
            return
        out.append(line + "\n")
        _items(value, indent + 2, out)
    else:
        out.append(f"{line} {_scalar(value)}\n")


def _items(items: list[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            _mapping(item, indent + 2, out, first=pad + "- ")
        elif isinstance(item, list) and not isinstance(item, FlowList) and item:
            raise _Unsupported  # a list in a list: the dumper writes it
        else:
            _value(pad + "-", item, indent, out)
