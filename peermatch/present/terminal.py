"""Rows on a terminal: one rich table that fits the width, or, when it cannot, one record
per row. It knows cells, not listings (:func:`peermatch.present.listing.render_rich`
hands it a :class:`Grid`).

Two rules hold at any width: an id (any word without a blank) is never broken in the
middle, and long text (a reason) folds at its blanks. A table fits when every column can
be as wide as its longest word; a grouped listing (a plan, by learner) is still one table,
each group's heading in its first column and a line between groups. When the longest
words alone are wider than the terminal (a match list at 80 columns), each row is printed
as ``column  value`` lines instead, so nothing is cut or broken.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

#: Width a column takes beyond its text: a blank each side and the rule between columns.
CELL_EDGE = 3


@dataclass
class Grid:
    """What a terminal shows: headings, each row's cell texts, which columns are numbers,
    and, for a grouped listing, each row's group heading (on a group's first row only)."""

    title: str
    headings: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    group_heading: str | None = None  # the name of the group column, if grouped
    groups: list[str] | None = None  # per row: the group's heading, or "" within a group
    footer: str = ""


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


def draw(grid: Grid, stream: IO[str]) -> None:
    """``grid`` on a terminal: one table if it fits its width, else one record a row."""
    from rich.text import Text

    console = console_for(stream)
    if grid.title:
        console.print(Text(grid.title, style="bold"))
    columns = _columns(grid)
    widths = [max(len(h), longest_word(cells)) for h, cells, _ in columns]
    if sum(widths) + CELL_EDGE * len(widths) + 1 <= console.width:
        console.print(_table(grid, columns, widths))
    else:
        _records(console, grid)
    if not grid.rows:
        console.print("(none)")
    if grid.footer:
        console.print(grid.footer, markup=False)


def _columns(grid: Grid) -> list[tuple[str, list[str], bool]]:
    """Each column's heading, cells and whether it is numeric; the group column first."""
    out = [
        (h, [row[i] for row in grid.rows], num)
        for i, (h, num) in enumerate(zip(grid.headings, grid.numeric, strict=True))
    ]
    if grid.groups is not None:
        out.insert(0, (grid.group_heading or "", grid.groups, False))
    return out


def _table(grid: Grid, columns: list[tuple[str, list[str], bool]], widths: list[int]) -> Table:
    from rich.table import Table

    table = Table(header_style="bold")
    for (heading, _, numeric), width in zip(columns, widths, strict=True):
        table.add_column(
            heading, justify="right" if numeric else "left", min_width=width, overflow="fold"
        )
    starts = [i for i, g in enumerate(grid.groups or []) if g]
    ends = {i - 1 for i in starts if i > 0}
    for i in range(len(grid.rows)):
        table.add_row(*[cells[i] for _, cells, _ in columns], end_section=i in ends)
    return table


def _records(console: Console, grid: Grid) -> None:
    """One row at a time: each column's name, then its value folded at blanks; a group's
    heading on a line of its own."""
    from rich.table import Table
    from rich.text import Text

    label = max((len(h) for h in grid.headings), default=0)
    for i, row in enumerate(grid.rows):
        if grid.groups is not None and grid.groups[i]:
            console.print(Text(grid.groups[i], style="bold"))
        record = Table.grid(padding=(0, 2))
        record.add_column(min_width=label, no_wrap=True, style="bold")
        record.add_column(overflow="fold")
        for heading, cell in zip(grid.headings, row, strict=True):
            if cell:
                record.add_row(heading, cell)
        console.print(record)
        console.print()
