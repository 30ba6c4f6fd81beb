"""The network drawn as inline SVG, with the data the page's script filters on."""

from __future__ import annotations

import html

from peermatch.core.plan import PlanLink
from peermatch.present.report.build import Report, link_topics
from peermatch.present.report.labels import Curve, clear_of, curved, label_box, place_labels
from peermatch.present.report.layout import KIND_COLOURS, NODE_R, Edge, _r, edges, geometry
from peermatch.present.report.matrix import render_matrix, use_matrix

#: Room around the layout's box for curves that bulge out and for labels.
MARGIN = 24.0


def render_svg(report: Report) -> str:
    """The network, or from :data:`~.matrix.MATRIX_FROM` linked systems the matrix."""
    if use_matrix(report):
        hooks = [_link_hooks(report, link) for link in report.plan.links]
        titles = [_link_title(report, link) for link in report.plan.links]
        return render_matrix(report, hooks, titles)
    width, height, pos = geometry(report)
    drawn = edges(report, pos)
    colours = sorted({e.colour for e in drawn})
    esc = html.escape
    w, h = width + 2 * MARGIN, height + 2 * MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="network" role="img" '
        f'viewBox="{_r(-MARGIN)} {_r(-MARGIN)} {_r(w)} {_r(h)}" width="{_r(w)}" '
        f'height="{_r(h)}" aria-label="{esc(report.title)}: {len(report.order)} systems, '
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
    hooks = [_link_hooks(report, e.link) for e in drawn]
    for e, hook in zip(drawn, hooks, strict=True):
        stroke = 1.0 + e.link.score / 40.0
        title = esc(_link_title(report, e.link))
        parts.append(
            f'<g class="link {e.kind}"{hook} data-title="{title}"><title>{title}</title>'
            f'<path d="{e.path}" fill="none" stroke="{e.colour}" stroke-width="{stroke:.2f}" '
            f'marker-end="url(#arrow-{e.colour[1:]})"/>'
            f'<path class="hit" d="{e.path}"/></g>'
        )
    parts.append("</g>")
    bounds = (-MARGIN, -MARGIN, width + MARGIN, height + MARGIN)
    places = place_labels(report.order, pos, report.names, NODE_R, bounds)
    shown = _clear_topics(report, pos, places, drawn)
    parts.append('<g class="labels">')
    for i, (e, hook) in enumerate(zip(drawn, hooks, strict=True)):
        if i not in shown:
            continue
        parts.append(
            f'<path id="label-path-{i}" d="{e.label_path}" fill="none" stroke="none"/>'
            f'<text class="topic"{hook} dy="-3" fill="{e.colour}"><textPath '
            f'href="#label-path-{i}" startOffset="50%">{esc(e.label)}</textPath></text>'
        )
    parts.append("</g>")
    parts += _nodes(report, pos, places)
    parts.append("</svg>")
    return "\n".join(parts)


def _link_hooks(report: Report, link: PlanLink) -> str:
    """The link's data attributes: its systems, topics, areas and score."""
    esc = html.escape
    topics = link_topics(link)
    areas = sorted({a for t in topics if (a := _area(report, t))})
    return (
        f' data-teacher="{esc(link.teacher)}" data-learner="{esc(link.learner)}"'
        f' data-topics="{esc(" ".join(topics))}" data-areas="{esc(" ".join(areas))}"'
        f' data-score="{link.score:.1f}"'
    )


def _area(report: Report, topic: str) -> str:
    found = report.data.catalogue.topics.get(topic)
    return found.area if found is not None else ""


def _link_title(report: Report, link: PlanLink) -> str:
    """What hovering a link says: who teaches whom, on which topics, and the score."""
    names = report.data.system
    topics = ", ".join(link_topics(link))
    return (
        f"{names(link.teacher).name} teaches {names(link.learner).name}: {topics} "
        f"(score {link.score:.1f}"
        + (", two-way in the plan" if (link.learner, link.teacher) in report.mutual else "")
        + (f", ring {link.ring}" if link.ring is not None else "")
        + ")"
    )


def _clear_topics(
    report: Report,
    pos: dict[str, tuple[float, float, bool]],
    places: dict[str, tuple[float, float, str] | None],
    drawn: list[Edge],
) -> set[int]:
    """The links whose topic label is drawn: those that fit their curve and stay clear of
    every node, node label and stronger link's label (the rest say their topic on hover)."""
    boxes = [label_box(*p, report.names[s]) for s, p in places.items() if p is not None]
    boxes += [(x - NODE_R, y - NODE_R, x + NODE_R, y + NODE_R) for x, y, _ in pos.values()]
    kept: list[Curve] = []
    shown = set()
    for i in sorted(range(len(drawn)), key=lambda i: (-drawn[i].link.score, i)):
        points = drawn[i].label_points() if drawn[i].label else []
        if not points:
            continue
        label = curved(points)
        if clear_of(label, boxes, kept, TOPIC_GAP):
            kept.append(label)
            shown.add(i)
    return shown


#: The room a topic label keeps around the points of its curve (half its height, and a bit).
TOPIC_GAP = 6.0


def _nodes(
    report: Report,
    pos: dict[str, tuple[float, float, bool]],
    places: dict[str, tuple[float, float, str] | None],
) -> list[str]:
    """The systems: a circle each, and its short name where it fits beside it (else the
    label is kept hidden and shows when the system is searched for or focused)."""
    esc = html.escape
    linked = report.linked
    parts = ['<g class="nodes">']
    for sid in report.order:
        p = report.data.system(sid)
        x, y, right = pos[sid]
        place = places[sid]
        if place is None:
            lx, ly, anchor = x + (NODE_R + 4) * (1 if right else -1), y, "start" if right else "end"
            label_class = ' class="crowded"'
        else:
            (lx, ly, anchor), label_class = place, ""
        fill = KIND_COLOURS.get(p.kind, "#999999")
        state = "" if sid in linked else " unlinked"
        parts.append(
            f'<a href="#system-{esc(sid)}"><g class="node{state}" data-id="{esc(sid)}" '
            f'data-name="{esc(p.name)}">'
            f"<title>{esc(p.name)} ({esc(p.kind)})</title>"
            f'<circle class="node" cx="{_r(x)}" cy="{_r(y)}" r="{NODE_R:g}" fill="{fill}"/>'
            f'<text{label_class} x="{_r(lx)}" y="{_r(ly)}" text-anchor="{anchor}" '
            f'dominant-baseline="middle">{esc(report.names[sid])}</text></g></a>'
        )
    parts.append("</g>")
    return parts
