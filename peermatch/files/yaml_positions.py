"""Where every value of a YAML document is: (line, column) by path, and every mapping
key's position, kept as compact arrays until asked for."""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping
from typing import Any

#: A value's place in a document: keys and list indexes from the top.
Path_ = tuple[str | int, ...]


class Positions(Mapping[Path_, tuple[int, int]]):
    """Where each value starts, by path; :attr:`key_at` holds where each mapping key starts.

    A mapping or list inside a mapping is positioned at its key (that is where an editor
    should jump); a scalar at its own text.

    Kept compact: while parsing, only one number per value and per key is recorded, in
    document order (a 20,000-profile file has over a million values, and a dict of path
    tuples would cost hundreds of megabytes). The path -> position tables are built from
    the values the first time a position is asked for, which is when something is wrong;
    a clean file never builds them.
    """

    def __init__(self) -> None:
        self._root: Any = None
        self._marks: array[int] | None = None  # (line << 32 | column) in document order
        self._table: dict[Path_, tuple[int, int]] | None = None
        self._keys: dict[Path_, tuple[int, int]] | None = None

    def _record(self, root: Any, marks: array[int]) -> None:
        self._root, self._marks = root, marks
        self._table = self._keys = None

    def _tables(self) -> tuple[dict[Path_, tuple[int, int]], dict[Path_, tuple[int, int]]]:
        if self._table is None or self._keys is None:
            self._table, self._keys = _unpack(self._root, self._marks)
            self._root = self._marks = None
        return self._table, self._keys

    @property
    def key_at(self) -> dict[Path_, tuple[int, int]]:
        return self._tables()[1]

    def __getitem__(self, path: Path_) -> tuple[int, int]:
        return self._tables()[0][path]

    def __iter__(self) -> Iterator[Path_]:
        return iter(self._tables()[0])

    def __len__(self) -> int:
        return len(self._tables()[0])


def _unpack(
    root: Any, marks: array[int] | None
) -> tuple[dict[Path_, tuple[int, int]], dict[Path_, tuple[int, int]]]:
    """The path tables from the values and their marks, both in document order.

    The marks are, for the root and then for each value in document order: a list item's
    position, or a mapping entry's key position followed by its value's position.
    """
    table: dict[Path_, tuple[int, int]] = {}
    keys: dict[Path_, tuple[int, int]] = {}
    if not marks:
        return table, keys
    following = iter(marks).__next__

    def pos() -> tuple[int, int]:
        mark = following()
        return mark >> 32, mark & 0xFFFFFFFF

    def walk(path: Path_, value: Any) -> None:  # depth is at most MAX_DEPTH
        if isinstance(value, dict):
            for k, v in value.items():
                sub = (*path, k)
                keys[sub] = pos()
                table[sub] = pos()
                walk(sub, v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                sub = (*path, i)
                table[sub] = pos()
                walk(sub, v)

    table[()] = pos()
    walk((), root)
    return table, keys
