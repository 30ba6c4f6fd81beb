"""The network drawn as inline SVG."""

from __future__ import annotations

import html

from peermatch.present.report.build import Report
from peermatch.present.report.layout import KIND_COLOURS, NODE_R, _r, edges, geometry


def render_svg(report: Report) -> str:
    width, height, pos = geometry(report)
    drawn = edges(report, pos)
    colours = sorted({e.colour for e in drawn})
    esc = html.escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="network" role="img" '
        f'viewBox="0 0 {_r(width)} {_r(height)}" width="{_r(width)}" height="{_r(height)}" '
        f'aria-label="{esc(report.title)}: {len(report.order)} systems, '
        f'{len(report.plan.links)} links">',
        "<defs>",
    ]
    for colour in colours:
        parts.append(
            f'<marker id="arrow-{colour[1:]}" viewBox="0 0 10 10" refX="9" refY="5" '
            f'markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" '
            f'orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )
    parts.append("</defs>")
    parts.append('<g class="links">')
    for e in drawn:
        link = e.link
        width = 1.0 + link.score / 40.0
        title = (
            f"{link.teacher} teaches {link.learner}: {link.topic} (score {link.score:.1f}"
            + (", two-way in the plan" if e.kind == "two-way" else "")
            + (f", ring {link.ring}" if link.ring is not None else "")
            + ")"
        )
        parts.append(
            f'<g class="link {e.kind}" data-teacher="{esc(link.teacher)}" '
            f'data-learner="{esc(link.learner)}"><title>{esc(title)}</title>'
            f'<path d="{e.path}" fill="none" stroke="{e.colour}" stroke-width="{width:.2f}" '
            f'marker-end="url(#arrow-{e.colour[1:]})"/></g>'
        )
    parts.append("</g>")
    parts.append('<g class="labels">')
    for i, e in enumerate(drawn):
        parts.append(
            f'<path id="label-path-{i}" d="{e.label_path}" fill="none" stroke="none"/>'
            f'<text class="topic" dy="-3" fill="{e.colour}"><textPath href="#label-path-{i}" '
            f'startOffset="50%">{esc(e.link.topic)}</textPath></text>'
        )
    parts.append("</g>")
    parts.append('<g class="nodes">')
    linked = report.linked
    for sid in report.order:
        p = report.data.system(sid)
        x, y, right = pos[sid]
        lx = x + (NODE_R + 4) * (1 if right else -1)
        anchor = "start" if right else "end"
        fill = KIND_COLOURS.get(p.kind, "#999999")
        state = "" if sid in linked else " unlinked"
        parts.append(
            f'<a href="#system-{esc(sid)}"><g class="node{state}" data-id="{esc(sid)}">'
            f"<title>{esc(p.name)} ({esc(p.kind)})</title>"
            f'<circle class="node" cx="{_r(x)}" cy="{_r(y)}" r="{NODE_R:g}" fill="{fill}"/>'
            f'<text x="{_r(lx)}" y="{_r(y)}" text-anchor="{anchor}" '
            f'dominant-baseline="middle">{esc(sid)}</text></g></a>'
        )
    parts.append("</g></svg>")
    return "\n".join(parts)
