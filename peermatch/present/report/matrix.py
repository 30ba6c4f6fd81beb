"""A large programme drawn as a matrix: a row for each system that teaches, a column for
each system that learns, a square where a link is.

From :data:`MATRIX_FROM` linked systems a network is a hairball however it is laid out
(docs/report.md shows the same 100-system plan both ways); the matrix keeps every name
readable and every link visible, and the page's script filters and focuses it as it does
the network. Rows and columns follow the report's drawing order (rings together, then
linked systems near each other), so a group's links sit in one block.
"""

from __future__ import annotations

import html

from peermatch.present.report.build import Report
from peermatch.present.report.labels import text_width
from peermatch.present.report.layout import KIND_COLOURS, _r, edge_style

#: Linked systems from which the report draws a matrix instead of a network.
MATRIX_FROM = 50


CELL = 13.0


def use_matrix(report: Report) -> bool:
    return len(report.linked) >= MATRIX_FROM


def render_matrix(report: Report, svg_hooks: list[str], titles: list[str]) -> str:
    """The matrix as inline SVG; ``svg_hooks`` and ``titles`` are each link's data
    attributes and hover text (as for the network), in the plan's order."""
    esc = html.escape
    links = report.plan.links
    rows = [s for s in report.order if any(k.teacher == s for k in links)]
    cols = [s for s in report.order if any(k.learner == s for k in links)]
    row_at = {s: i for i, s in enumerate(rows)}
    col_at = {s: i for i, s in enumerate(cols)}
    left = max(text_width(report.names[s]) for s in rows) + 12
    longest = max(text_width(report.names[s]) for s in cols)
    top = longest * 0.87 + 16  # column labels at 60 degrees: sin 60 of their length up
    width = left + CELL * len(cols) + longest * 0.5 + 10  # and cos 60 of it to the right
    height = top + CELL * len(rows) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="network" class="matrix" role="img" '
        f'viewBox="0 0 {_r(width)} {_r(height)}" width="{_r(width)}" height="{_r(height)}" '
        f'aria-label="{esc(report.title)}: {len(report.linked)} linked systems, '
        f'{len(links)} links, as a matrix of teachers (rows) and learners (columns)">',
        '<g class="grid">',
    ]
    for i in range(0, len(rows), 2):
        parts.append(
            f'<rect x="{_r(left)}" y="{_r(top + i * CELL)}" width="{_r(CELL * len(cols))}" '
            f'height="{_r(CELL)}" fill="#f3f3f3"/>'
        )
    for j in range(0, len(cols) + 1, 5):
        x = left + j * CELL
        parts.append(f'<path d="M{_r(x)},{_r(top)} V{_r(top + CELL * len(rows))}" stroke="#ddd"/>')
    parts.append("</g>")
    parts.append('<g class="links">')
    for link, hook, title in zip(links, svg_hooks, titles, strict=True):
        colour, kind = edge_style(report, link)
        x = left + col_at[link.learner] * CELL + 1
        y = top + row_at[link.teacher] * CELL + 1
        parts.append(
            f'<g class="link {kind}"{hook} data-title="{esc(title)}"><title>{esc(title)}</title>'
            f'<rect x="{_r(x)}" y="{_r(y)}" width="{_r(CELL - 2)}" height="{_r(CELL - 2)}" '
            f'rx="2" fill="{colour}" fill-opacity="{0.35 + 0.65 * min(link.score, 100) / 100:.2f}"'
            "/></g>"
        )
    parts.append("</g>")
    parts.append('<g class="nodes">')
    for s in rows:
        y = top + row_at[s] * CELL + CELL / 2
        place = f'x="{_r(left - 10)}" y="{_r(y)}" text-anchor="end"'
        parts.append(_label(report, s, place, (left - 5, y)))
    for s in cols:
        x = left + col_at[s] * CELL + CELL / 2
        place = f'x="{_r(x)}" y="{_r(top - 10)}" transform="rotate(-60 {_r(x)} {_r(top - 10)})"'
        parts.append(_label(report, s, place, (x, top - 5)))
    parts.append("</g></svg>")
    return "\n".join(parts)


def _label(report: Report, sid: str, place: str, dot: tuple[float, float]) -> str:
    """A row's or column's system: its short name, and a dot in its kind's colour."""
    esc = html.escape
    p = report.data.system(sid)
    fill = KIND_COLOURS.get(p.kind, "#999999")
    return (
        f'<a href="#system-{esc(sid)}"><g class="node" data-id="{esc(sid)}" '
        f'data-name="{esc(p.name)}"><title>{esc(p.name)} ({esc(p.kind)})</title>'
        f'<circle cx="{_r(dot[0])}" cy="{_r(dot[1])}" r="3" fill="{fill}"/>'
        f'<text {place} dominant-baseline="middle">{esc(report.names[sid])}</text></g></a>'
    )
