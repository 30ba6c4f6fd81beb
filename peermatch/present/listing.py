"""Rows out: one listing renders as a table, CSV, JSON or Markdown, written atomically.

A :class:`Listing` is what every listing command produces: named rows plus whatever else
the command reports. Renderers never see a command; commands never format text.
"""

from __future__ import annotations

import csv
import io
import math
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from peermatch.core.errors import PeermatchError
from peermatch.core.findings import escape
from peermatch.files.atomic import write_atomic
from peermatch.files.formulas import FORMULA_FIRST, neutralise

FORMAT_VERSION = 1


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


#: The format an output file's extension implies (any other extension: a plain table)
EXTENSIONS = {".csv": Format.csv, ".json": Format.json, ".md": Format.markdown}
EXTENSIONS[".markdown"] = Format.markdown


def format_for(output: Path | None) -> Format:
    """The format for writing to ``output``: by its extension, else a table."""
    return EXTENSIONS.get(output.suffix.lower(), Format.table) if output else Format.table


@dataclass
class Listing:
    """Rows under a JSON key, the columns to show (in order), and extra top-level fields."""

    key: str
    rows: list[dict[str, Any]]
    columns: Sequence[str]
    extra: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    #: text printed after a table (e.g. a plan's summary); machine formats use ``extra``
    footer: str = ""
    #: columns hidden from the terminal table (still in CSV/JSON/Markdown)
    table_hidden: Sequence[str] = ()
    #: in the terminal table only: rows (already sorted by it) are shown under a heading per
    #: value of this column, which is then not repeated; ``group_titles`` maps a value to its
    #: heading (default: the value itself)
    group_by: str | None = None
    group_titles: dict[str, str] = field(default_factory=dict)
    #: in the terminal table only: each row's depth in a tree, its first column indented
    #: two spaces a level (empty: no tree)
    depths: Sequence[int] = ()
    #: in JSON only: what goes under ``key`` when it is not the flat rows (``teams`` nests
    #: each host's members under it)
    json_rows: list[dict[str, Any]] | None = None

    def table_columns(self) -> list[str]:
        return [c for c in self.columns if c not in self.table_hidden and c != self.group_by]

    def table_text(self, row: dict[str, Any], column: str, index: int) -> str:
        """:meth:`text` for the terminal table, through :func:`terminal_text`: the first
        column indented by its depth."""
        text = terminal_text(self.text(row, column))
        if self.depths and column == self.table_columns()[0]:
            text = "  " * self.depths[index] + text
        return text

    def table_groups(self) -> list[tuple[str | None, list[dict[str, Any]]]]:
        """The rows in runs of equal ``group_by`` value, each with its heading (or ``None``)."""
        if self.group_by is None:
            return [(None, self.rows)]
        runs: list[tuple[str | None, list[dict[str, Any]]]] = []
        last: object = object()
        for row in self.rows:
            value = row.get(self.group_by)
            if not runs or value != last:
                key = cell(value)
                runs.append((self.group_titles.get(key, key), []))
                last = value
            runs[-1][1].append(row)
        return runs

    #: format specs for float columns in text formats (default one decimal, ".1f")
    float_formats: dict[str, str] = field(default_factory=dict)

    def text(self, row: dict[str, Any], column: str) -> str:
        """The cell text of ``row[column]`` for the text formats (table, CSV, Markdown)."""
        value = row.get(column)
        spec = self.float_formats.get(column)
        if spec and isinstance(value, float):
            return format(value, spec)
        return cell(value)


# --------------------------------------------------------------------------- cell text


def cell(value: Any) -> str:
    """Plain text of a value: lists joined by '; ', booleans yes/no, scores to one decimal."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    return str(value)


#: What Markdown reads as markup that could make a link, an image, HTML, code or a table
#: cell: each is written with a backslash, so it shows as itself.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]()!|~])")
#: What GitHub turns into a link by itself (``https://...``, ``www.``): broken by a backslash.
_AUTOLINK = re.compile(r"(?i)(://|(?<![a-z0-9])www\.)")


def markdown_text(text: str) -> str:
    """The one Markdown sanitiser: ``text`` on one line that renders as itself.

    No link, image, raw HTML, code span or cell break can come out of it: ``[``, ``]``,
    ``(``, ``)``, ``!``, backticks, ``|``, ``*``, ``~`` and backslashes are escaped,
    ``<`` is written ``&lt;`` (no raw HTML), and bare URLs (``https://``, ``www.``) are
    broken so that they are not autolinked.
    """
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split())).replace("<", "&lt;")
    return _AUTOLINK.sub(lambda m: m.group(1).replace(":", "\\:").replace(".", "\\."), text)


def terminal_text(text: str) -> str:
    """The one terminal sanitiser: one line, control characters shown escaped (``\\x1b``)."""
    return escape(" ".join(text.split()))


def _md_cell(text: str) -> str:
    """A Markdown table cell: one line, nothing that renders as markup."""
    return markdown_text(text)


# --------------------------------------------------------------------------- renderers


def render_csv(listing: Listing) -> str:
    return "".join(iter_csv(listing))


def iter_csv(listing: Listing) -> Iterator[str]:
    """The CSV text in pieces of about 64 kB, each written as soon as its rows are made
    (``listing.rows`` may be an iterator: the rows are read once)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(listing.columns)
    columns = list(listing.columns)
    for row in listing.rows:
        writer.writerow([_csv_cell(listing, row, c) for c in columns])
        if buf.tell() >= 65_536:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _csv_cell(listing: Listing, row: dict[str, Any], column: str) -> str:
    """``neutralise(listing.text(row, column))``, with the common values (text, numbers,
    yes/no, lists of text) written here directly: a CSV may have millions of cells."""
    value: Any = row.get(column)
    kind = value.__class__
    if kind is str:
        text = value
    elif kind is float:
        text = format(value, listing.float_formats.get(column) or ".1f")
    elif kind is int:
        text = str(value)
    elif kind is bool:
        text = "yes" if value else "no"
    elif kind is list and all(v.__class__ is str for v in value):
        text = "; ".join(value)
    else:
        text = listing.text(row, column)
    return neutralise(text) if text and text[0] in FORMULA_FIRST else text


def render_json(listing: Listing) -> str:
    rows = listing.rows if listing.json_rows is None else listing.json_rows
    doc: dict[str, Any] = {"version": FORMAT_VERSION, listing.key: rows}
    doc.update(listing.extra)
    import json  # here, not at the top: most runs never write JSON (cold start)

    try:
        return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError:  # an infinite bound (or a NaN): JSON has no such numbers, so null
        pass
    try:
        return json.dumps(_finite(doc), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError as exc:  # pragma: no cover - _finite removes every NaN
        raise PeermatchError(f"cannot write JSON: {exc}") from None


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def render_markdown(listing: Listing) -> str:
    lines = [
        "| " + " | ".join(_md_cell(c) for c in listing.columns) + " |",
        "|"
        + "|".join(" ---: " if _numeric(listing, c) else " --- " for c in listing.columns)
        + "|",
    ]
    for row in listing.rows:
        lines.append(
            "| " + " | ".join(_md_cell(listing.text(row, c)) for c in listing.columns) + " |"
        )
    return "\n".join(lines) + "\n"


def _numeric(listing: Listing, column: str) -> bool:
    values = [r.get(column) for r in listing.rows if r.get(column) is not None]
    return bool(values) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
    )


def render_plain(listing: Listing) -> str:
    """A fixed-width text table for pipes and files: no colour, no box drawing."""
    columns = listing.table_columns()
    indent = "  " if listing.group_by else ""
    header = [c.replace("_", " ") for c in columns]
    positions = {id(r): i for i, r in enumerate(listing.rows)}
    groups = [
        (title, [[listing.table_text(r, c, positions[id(r)]) for c in columns] for r in rows])
        for title, rows in listing.table_groups()
    ]
    grid = [header] + [row for _, rows in groups for row in rows]
    widths = [max(len(row[i]) for row in grid) for i in range(len(columns))]
    numeric = [_numeric(listing, c) for c in columns]

    def line(row: list[str], prefix: str) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(row, widths, numeric, strict=True)
        ]
        return (prefix + "  ".join(parts)).rstrip()

    out = []
    if listing.title:
        out.append(listing.title)
    out.append(line(header, indent))
    for title, rows in groups:
        if title is not None:
            out.append(terminal_text(title))
        out.extend(line(row, indent) for row in rows)
    if not listing.rows:
        out.append("(none)")
    if listing.footer:
        out.append("")
        out.append(listing.footer)
    return "\n".join(out) + "\n"


def render_rich(listing: Listing, stream: IO[str]) -> None:
    """A rich table, for a terminal (see :mod:`peermatch.present.terminal`)."""
    from peermatch.present.terminal import Grid, draw

    columns = listing.table_columns()
    groups = None
    if listing.group_by is not None:
        groups = []
        for heading, rows in listing.table_groups():
            groups.extend([terminal_text(heading or ""), *[""] * (len(rows) - 1)])
    grid = Grid(
        title=listing.title,
        headings=[c.replace("_", " ") for c in columns],
        rows=[
            [
                listing.table_text(r, c, i)
                if c == columns[0]
                else terminal_text(listing.text(r, c))
                for c in columns
            ]
            for i, r in enumerate(listing.rows)
        ],
        numeric=[_numeric(listing, c) for c in columns],
        group_heading=listing.group_by.replace("_", " ") if listing.group_by else None,
        groups=groups,
        footer=listing.footer,
    )
    draw(grid, stream)


RENDERERS: dict[Format, Callable[[Listing], str]] = {
    Format.table: render_plain,
    Format.csv: render_csv,
    Format.json: render_json,
    Format.markdown: render_markdown,
}


def render(listing: Listing, fmt: Format) -> str:
    return RENDERERS[fmt](listing)


def emit(listing: Listing, fmt: Format, output: Path | None = None) -> None:
    """Print to stdout (a rich table on a terminal) or write ``output`` atomically."""
    if output is not None and str(output) != "-":
        write_atomic(output, iter_csv(listing) if fmt is Format.csv else render(listing, fmt))
        return
    stream = sys.stdout
    if fmt is Format.csv:  # streamed: rows are written as they are made
        for piece in iter_csv(listing):
            stream.write(piece)
        stream.flush()
        return
    if fmt is Format.table and stream.isatty():
        render_rich(listing, stream)
        return
    stream.write(render(listing, fmt))
    stream.flush()
