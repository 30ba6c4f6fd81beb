"""A listing on a terminal: one rich table that fits the width, or, when it cannot, one
record per row.

Two rules hold at any width: an id (any word without a blank) is never broken in the
middle, and long text (a reason) folds at its blanks. A table fits when every column can
be as wide as its longest word; a grouped listing (a plan, by learner) is still one table,
each group's heading in its first column and a line between groups. When the longest
words alone are wider than the terminal (a match list at 80 columns), each row is printed
as ``column  value`` lines instead, so nothing is cut or broken.
"""

from __future__ import annotations

import os
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from peermatch.present.listing import Listing

#: Width a column takes beyond its text: a blank each side and the rule between columns.
CELL_EDGE = 3


def console_for(stream: IO[str]) -> Console:
    """A console on ``stream``: no colour with NO_COLOR, markup and emoji off (a name such
    as "[/bold]" or ":x:" is shown as written)."""
    from rich.console import Console

    return Console(
        file=stream,
        no_color=bool(os.environ.get("NO_COLOR")),
        highlight=False,
        markup=False,
        emoji=False,
    )


def longest_word(texts: list[str]) -> int:
    return max((len(word) for text in texts for word in text.split()), default=0)


def render_rich(listing: Listing, stream: IO[str]) -> None:
    """``listing`` on a terminal: one table if it fits its width, else one record a row."""
    from rich.text import Text

    console = console_for(stream)
    if listing.title:
        console.print(Text(listing.title, style="bold"))
    grid = _cells(listing)
    columns = [heading for heading, _ in grid]
    widths = [max(len(h), longest_word(cells)) for h, cells in grid]
    if sum(widths) + CELL_EDGE * len(widths) + 1 <= console.width:
        console.print(_table(listing, grid, widths))
    else:
        _records(console, listing, columns, grid)
    if not listing.rows:
        console.print("(none)")
    if listing.footer:
        console.print(listing.footer, markup=False)


def _cells(listing: Listing) -> list[tuple[str, list[str]]]:
    """Each shown column's heading and cell texts; a grouped listing's first column holds
    each group's heading on the group's first row."""
    columns = listing.table_columns()
    grid = [(c.replace("_", " "), [listing.text(r, c) for r in listing.rows]) for c in columns]
    if listing.group_by is None:
        return grid
    first: list[str] = []
    for heading, rows in listing.table_groups():
        first.extend([heading or "", *[""] * (len(rows) - 1)])
    return [(listing.group_by.replace("_", " "), first), *grid]


def _table(listing: Listing, grid: list[tuple[str, list[str]]], widths: list[int]) -> Table:
    from rich.table import Table

    from peermatch.present.listing import _numeric

    table = Table(header_style="bold")
    names = [listing.group_by] if listing.group_by else []
    names += listing.table_columns()
    for (heading, _), width, name in zip(grid, widths, names, strict=True):
        numeric = name != listing.group_by and _numeric(listing, name)
        table.add_column(
            heading, justify="right" if numeric else "left", min_width=width, overflow="fold"
        )
    ends = _group_ends(listing)
    for i in range(len(listing.rows)):
        table.add_row(*[cells[i] for _, cells in grid], end_section=i in ends)
    return table


def _group_ends(listing: Listing) -> set[int]:
    """The index of each group's last row (a line is drawn under it), but the very last."""
    if listing.group_by is None:
        return set()
    ends, seen = set(), 0
    for _, rows in listing.table_groups():
        seen += len(rows)
        ends.add(seen - 1)
    return ends - {len(listing.rows) - 1}


def _records(
    console: Console, listing: Listing, columns: list[str], grid: list[tuple[str, Any]]
) -> None:
    """One row at a time: each column's name, then its value folded at blanks; a group's
    heading on a line of its own."""
    from rich.table import Table
    from rich.text import Text

    if listing.group_by is not None:
        (_, headings), grid, columns = grid[0], grid[1:], columns[1:]
    label = max(len(c) for c in columns)
    for i in range(len(listing.rows)):
        if listing.group_by is not None and headings[i]:
            console.print(Text(headings[i], style="bold"))
        record = Table.grid(padding=(0, 2))
        record.add_column(min_width=label, no_wrap=True, style="bold")
        record.add_column(overflow="fold")
        for heading, cells in grid:
            if cells[i]:
                record.add_row(heading, cells[i])
        console.print(record)
        console.print()
