"""Supply and demand per topic drawn as a grid: the terminal view of
``peermatch challenges --heatmap``, its machine formats, and the colours the HTML report
shares.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from peermatch.analysis.gaps import GAP
from peermatch.analysis.supply import DEMAND, SUPPLY, TopicBalance
from peermatch.files.atomic import write_atomic
from peermatch.present.listing import Format, Listing, emit

HEATMAP_COLUMNS = (
    "area",
    "topic",
    "name",
    "exemplar",
    "established",
    "emerging",
    "teachers",
    "related",
    "high",
    "medium",
    "low",
    "learners",
    "status",
)


def heatmap_listing(rows: list[TopicBalance]) -> Listing:
    gaps = [r.topic for r in rows if r.status == GAP]
    return Listing(
        key="heatmap",
        rows=[r.as_row() for r in rows],
        columns=HEATMAP_COLUMNS,
        extra={"gaps": gaps},
        title="Supply and demand per topic",
    )


# --------------------------------------------------------------------------- the grid

_HEAD = {
    "exemplar": "ex",
    "established": "est",
    "emerging": "em",
    "teachers": "TEACH",
    "related": "rel",
    "high": "hi",
    "medium": "med",
    "low": "lo",
    "learners": "NEED",
}
LEGEND = (
    "TEACH: systems with a strength on the topic (ex exemplar, est established,\n"
    "  em emerging); rel: systems that can help only through a related topic.\n"
    "NEED: systems with the topic as a challenge (hi, med, lo priority).\n"
    "gap: needed, and nobody can teach it, not even through a related topic."
)


#: A grid line is a list of (text, style) pieces; the plain text is their concatenation.
_Piece = tuple[str, str]


#: The columns a narrow terminal keeps: the totals, without the level and priority split.
COMPACT = ("teachers", "related", "learners")


def grid_lines(
    rows: list[TopicBalance], *, colour: bool, compact: bool = False, standard: bool = False
) -> list[list[_Piece]]:
    """The grid, line by line, as styled pieces (styles empty unless ``colour``).

    ``compact`` keeps only the totals (for a narrow terminal, so the status column stays
    in view); ``standard`` shades with the 16 standard colours (``TERM=xterm``), which
    show, where the 24-bit shades would come out grey.
    """
    supply = [c for c in SUPPLY if not compact or c in COMPACT]
    demand = [c for c in DEMAND if not compact or c in COMPACT]
    greens, reds = (_GREENS_16, _REDS_16) if standard else (_GREENS, _REDS)
    width_topic = max([len("topic"), *(len(r.topic) + 2 for r in rows)])
    tops = {c: max((int(r.as_row()[c]) for r in rows), default=0) for c in supply + demand}
    widths = {c: max(len(_HEAD[c]), len(str(tops[c])), 2) for c in supply + demand}
    bold = "bold" if colour else ""
    head: list[_Piece] = [("topic".ljust(width_topic), bold)]
    for c in supply:
        head.append((_HEAD[c].rjust(widths[c] + 1) + " ", bold))
    head.append((" |", ""))
    for c in demand:
        head.append((_HEAD[c].rjust(widths[c] + 1) + " ", bold))
    head.append((" status", bold))
    lines: list[list[_Piece]] = [[("Supply and demand per topic", bold)], head]
    area = None
    for r in rows:
        if r.area != area:
            area = r.area
            lines.append([(area, bold)])
        row = r.as_row()
        line: list[_Piece] = [(("  " + r.topic).ljust(width_topic), "")]
        for group, palette in ((supply, greens), (demand, reds)):
            for c in group:
                n = int(row[c])
                cell = _count(n).rjust(widths[c] + 1) + " "
                line.append((cell, _style(n, tops[c], palette, colour)))
            if group is supply:
                line.append((" |", ""))
        if r.status:
            style = ("bold red" if r.status == GAP else "yellow") if colour else ""
            line += [(" ", ""), (r.status, style)]
        lines.append(line)
    if not rows:
        lines.append([("(no topics)", "")])
    lines.append([("", "")])
    lines += [[(text, "dim" if colour else "")] for text in LEGEND.splitlines()]
    return lines


def render_plain(rows: list[TopicBalance]) -> str:
    """The grid as plain text: for pipes and files."""
    return "".join(
        "".join(t for t, _ in line).rstrip() + "\n" for line in grid_lines(rows, colour=False)
    )


def _count(n: int) -> str:
    return str(n) if n else "."


#: Background shades, faint to strong, for supply (green) and demand (red).
_GREENS = ("#d9f0d3", "#a6dba0", "#5aae61", "#1b7837")
_REDS = ("#fddbc7", "#f4a582", "#d6604d", "#b2182b")
#: The same in the 16 standard colours: a 16-colour terminal turns the pale shades above
#: grey. Faint and strong are the normal and the bright colour.
_GREENS_16 = ("green", "green", "bright_green", "bright_green")
_REDS_16 = ("red", "red", "bright_red", "bright_red")


def shade(n: int, top: int, palette: tuple[str, ...]) -> str | None:
    """The palette colour for count ``n`` out of the column maximum ``top`` (None for 0)."""
    if n <= 0 or top <= 0:
        return None
    step = min(len(palette) - 1, (n * len(palette) - 1) // top)
    return palette[step]


def _style(n: int, top: int, palette: tuple[str, ...], colour: bool) -> str:
    if not colour:
        return ""
    tone = shade(n, top, palette)
    if tone is None:
        return "dim"
    ink = "white" if palette.index(tone) >= 2 and tone.startswith("#") else "black"
    return f"bold {ink} on {tone}"


def render_rich(rows: list[TopicBalance], stream: IO[str]) -> None:
    """The grid with coloured cells, for a terminal; plain text with NO_COLOR."""
    if os.environ.get("NO_COLOR"):
        stream.write(render_plain(rows))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False)
    standard = console.color_system in ("standard", "windows")
    lines = grid_lines(rows, colour=True, standard=standard)
    if max(sum(len(text) for text, _ in line) for line in lines) > console.width:
        lines = grid_lines(rows, colour=True, compact=True, standard=standard)
    for line in lines:
        text = Text()
        for piece, style in line:
            text.append(piece, style=style or None)
        console.print(text, no_wrap=True, overflow="ellipsis", crop=True)


def emit_heatmap(rows: list[TopicBalance], fmt: Format, output: Path | None = None) -> None:
    """The grid (coloured on a terminal) for ``table``; the rows for the machine formats."""
    if fmt is not Format.table:
        emit(heatmap_listing(rows), fmt, output)
    elif output is not None:
        write_atomic(output, render_plain(rows))
    elif sys.stdout.isatty():
        render_rich(rows, sys.stdout)
    else:
        sys.stdout.write(render_plain(rows))
        sys.stdout.flush()
