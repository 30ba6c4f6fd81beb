"""A shareable picture of a programme: one self-contained HTML file, or Markdown for GitHub.

The report draws a :class:`Programme` (the links of a plan) as a network: systems are
nodes on a circle, ordered so that linked systems sit near each other; each teaching link
is an arrow labelled with its topic; a pair planned in both directions is drawn as two
curved arrows in the two-way colour, and rings in a colour each. Beside the picture: the
supply and demand heatmap of topics (:mod:`peermatch.present.heatmap`), the gaps, and for each
system its links with the evidence behind them.

The HTML needs nothing from the network: styles are inline, the picture is inline SVG,
the one small script only records load errors into the page (which the browser test
reads), and a Content-Security-Policy forbids every fetch. The Markdown form draws the
network as a Mermaid ``flowchart LR``, which GitHub renders.

Every piece of user text goes through :func:`html.escape` (HTML) or :func:`mermaid_text`
and :func:`md_text` (Markdown). The output is deterministic: the layout is combinatorial,
coordinates are rounded, and nothing depends on the clock.
"""

from __future__ import annotations

import html
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peermatch import __version__
from peermatch.analysis.supply import DEMAND, GAP, RELATED_ONLY, SUPPLY, TopicBalance, supply_demand
from peermatch.core.dataset import LEVEL_NAMES, Dataset
from peermatch.core.errors import DataError, PeermatchError
from peermatch.core.findings import Finding
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.present.heatmap import shade
from peermatch.scoring.reference import Breakdown, score_pair

if TYPE_CHECKING:
    from peermatch.planning.result import Plan
    from peermatch.scoring.adjustments import Adjustments

Pair = tuple[str, str]


# --------------------------------------------------------------------------- the programme


@dataclass(frozen=True)
class ReportLink:
    """One planned link: ``teacher`` helps ``learner``, mainly on ``topic``."""

    teacher: str
    learner: str
    topic: str
    score: float
    two_way: bool = False  # the learner can teach the teacher too (scoring's flag)
    ring: int | None = None
    other_topics: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class LeftOutRow:
    system: str
    role: str
    reason: str


@dataclass
class Programme:
    """What the report draws: the links, the rings (each in teaching order), who is left out."""

    links: list[ReportLink]
    rings: list[tuple[str, ...]] = field(default_factory=list)
    left_out: list[LeftOutRow] = field(default_factory=list)
    summary: str = ""


def programme_from_rows(
    rows: Iterable[dict[str, Any]],
    *,
    rings: Iterable[Sequence[str]] = (),
    left_out: Iterable[dict[str, Any]] = (),
    summary: str = "",
) -> Programme:
    """A programme from plan rows (``learner, teacher, topic, score`` and optional fields)."""
    links = [
        ReportLink(
            teacher=str(r["teacher"]),
            learner=str(r["learner"]),
            topic=str(r["topic"]),
            score=float(r["score"]),
            two_way=bool(r.get("two_way", False)),
            ring=int(r["ring"]) if r.get("ring") is not None else None,
            other_topics=tuple(str(t) for t in r.get("other_topics") or ()),
            reason=str(r.get("reason") or ""),
        )
        for r in rows
    ]
    return Programme(
        links=links,
        rings=[tuple(str(s) for s in ring) for ring in rings],
        left_out=[
            LeftOutRow(str(x["system"]), str(x.get("role", "")), str(x.get("reason", "")))
            for x in left_out
        ],
        summary=summary,
    )


def programme_from_plan(result: Plan) -> Programme:
    """A programme from :func:`peermatch.planning.api.plan`'s result."""
    parts = [f"total score {result.total:.1f}"]
    if result.optimal:
        parts.append("optimal")
    return Programme(
        links=[
            ReportLink(
                teacher=k.teacher,
                learner=k.learner,
                topic=k.topic,
                score=k.score,
                two_way=k.two_way,
                ring=k.ring,
                other_topics=tuple(k.other_topics),
                reason=k.reason,
            )
            for k in result.links
        ],
        rings=[tuple(r.systems) for r in result.rings or []],
        left_out=[LeftOutRow(x.system, x.role, x.reason) for x in result.left_out],
        summary=", ".join(parts),
    )


def read_plan_json(path: str | Path, data: Dataset) -> Programme:
    """Read the JSON that ``peermatch plan --format json`` writes, checked against ``data``."""
    display = str(path)

    def fail(message: str) -> DataError:
        return DataError([Finding(display, 0, 0, "", "plan", message)])

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise fail(
            "no such file; write it with 'peermatch plan --format json --output FILE'"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read the file: {exc}") from None
    except json.JSONDecodeError as exc:
        raise fail(
            f"not JSON (line {exc.lineno}): write it with 'peermatch plan --format json'"
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("links"), list):
        raise fail("no 'links' list: write it with 'peermatch plan --format json'")
    problems = []
    for i, row in enumerate(doc["links"]):
        if not isinstance(row, dict) or not {"teacher", "learner", "topic", "score"} <= set(row):
            problems.append(f"links[{i}]: needs teacher, learner, topic and score")
            continue
        for role in ("teacher", "learner"):
            if row[role] not in data.by_id:
                problems.append(
                    f"links[{i}].{role}: unknown system {row[role]!r}; was the plan made "
                    "from other data? Pass the same --data to both commands"
                )
        if row["topic"] not in data.catalogue.topics:
            problems.append(f"links[{i}].topic: unknown topic {row['topic']!r}")
    if problems:
        raise DataError([Finding(display, 0, 0, "", "plan", p) for p in problems])
    rings = [r.get("systems", []) for r in doc.get("rings") or [] if isinstance(r, dict)]
    summary = _plan_summary(doc)
    return programme_from_rows(
        doc["links"], rings=rings, left_out=doc.get("left_out") or [], summary=summary
    )


def _plan_summary(doc: dict[str, Any]) -> str:
    parts = []
    if isinstance(doc.get("total"), (int, float)):
        parts.append(f"total score {doc['total']:.1f}")
    if doc.get("optimal") is True:
        parts.append("optimal")
    return ", ".join(parts)


# --------------------------------------------------------------------------- building


@dataclass
class Report:
    """Everything the renderers need, worked out once."""

    title: str
    data: Dataset
    programme: Programme
    balance: list[TopicBalance]
    breakdowns: dict[Pair, Breakdown]
    mutual: set[Pair]
    order: list[str]
    ring_of: dict[Pair, int]
    history_note: str = ""

    @property
    def linked(self) -> set[str]:
        return {s for link in self.programme.links for s in (link.teacher, link.learner)}


def build_report(
    data: Dataset,
    programme: Programme,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    history: Adjustments | None = None,
    title: str = "Peer learning programme",
) -> Report:
    pairs = {(link.teacher, link.learner) for link in programme.links}
    mutual = {p for p in pairs if (p[1], p[0]) in pairs}
    ring_of: dict[Pair, int] = {}
    for link in programme.links:
        if link.ring is not None:
            ring_of[(link.teacher, link.learner)] = link.ring
    breakdowns = {p: score_pair(data, p[0], p[1], weights, history) for p in sorted(pairs)}
    note = ""
    if history is not None:
        note = (
            f"History {history.file}: links made in {history.year - history.window} or later "
            f"are not repeated; teachers whose past links were rated well are lifted."
        )
    return Report(
        title=title,
        data=data,
        programme=programme,
        balance=supply_demand(data),
        breakdowns=breakdowns,
        mutual=mutual,
        order=circle_order([p.id for p in data.systems], programme),
        ring_of=ring_of,
        history_note=note,
    )


def circle_order(ids: Sequence[str], programme: Programme) -> list[str]:
    """Systems in drawing order round the circle: rings together, then linked systems
    near each other (breadth-first from the busiest system), then the unlinked ones."""
    weight: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for link in programme.links:
        if link.teacher == link.learner:
            continue
        weight[link.teacher][link.learner] += 1
        weight[link.learner][link.teacher] += 1
    known = set(ids)
    order: list[str] = []
    placed: set[str] = set()
    for ring in programme.rings:
        for sid in ring:
            if sid in known and sid not in placed:
                order.append(sid)
                placed.add(sid)

    def degree(sid: str) -> int:
        return sum(weight[sid].values())

    remaining = sorted((s for s in ids if s not in placed), key=lambda s: (-degree(s), s))
    for start in remaining:
        if start in placed or degree(start) == 0:
            continue
        queue = [start]
        placed.add(start)
        while queue:
            sid = queue.pop(0)
            order.append(sid)
            neighbours = sorted(
                (n for n in weight[sid] if n in known and n not in placed),
                key=lambda n: (-weight[sid][n], -degree(n), n),
            )
            for n in neighbours:
                placed.add(n)
                queue.append(n)
    order += [s for s in sorted(ids) if s not in placed]
    return order


# --------------------------------------------------------------------------- the picture

KIND_COLOURS = {
    "ics": "#4e79a7",
    "trust": "#f28e2b",
    "provider-collaborative": "#e15759",
    "place": "#76b7b2",
    "pcn": "#59a14f",
    "council": "#edc948",
    "national-body": "#b07aa1",
    "international": "#9c755f",
}
ONE_WAY = "#555555"
TWO_WAY = "#7b3294"
RING_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
NODE_R = 9.0


@dataclass(frozen=True)
class Edge:
    link: ReportLink
    path: str
    label_path: str  # the same curve drawn left to right, so its label is never upside down
    colour: str
    kind: str  # "one-way", "two-way" or "ring"


def _r(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def force_layout(
    order: Sequence[str], pairs: Iterable[Pair], iterations: int | None = None
) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold positions in the unit square, starting from a circle in
    ``order``. No randomness: the same input gives the same positions."""
    import numpy as np

    n = len(order)
    if iterations is None:
        iterations = 400 if n <= 100 else 150
    if n == 0:
        return {}
    if n == 1:
        return {order[0]: (0.5, 0.5)}
    index = {sid: i for i, sid in enumerate(order)}
    edge_list = sorted(
        {tuple(sorted((index[a], index[b]))) for a, b in pairs if a in index and b in index}
    )
    angle = -np.pi / 2 + 2 * np.pi * np.arange(n) / n
    xy = 0.5 + 0.45 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    k = 1.1 * math.sqrt(1.0 / n)
    src = np.array([e[0] for e in edge_list], dtype=np.int64)
    dst = np.array([e[1] for e in edge_list], dtype=np.int64)
    temperature = 0.1
    for step in range(iterations):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt((delta**2).sum(axis=2))
        np.fill_diagonal(dist, 1.0)
        dist = np.maximum(dist, 1e-3)
        force = (delta * (k * k / dist**2)[:, :, None]).sum(axis=1)
        if len(src):
            d = xy[src] - xy[dst]
            length = np.maximum(np.sqrt((d**2).sum(axis=1)), 1e-3)
            pull = d * (length / k)[:, None]
            np.add.at(force, src, -pull)
            np.add.at(force, dst, pull)
        force += (0.5 - xy) * 0.02 * n * k  # gravity keeps components together
        size = np.maximum(np.sqrt((force**2).sum(axis=1)), 1e-9)
        limit = temperature * (1.0 - step / iterations)
        xy += force / size[:, None] * np.minimum(size, limit)[:, None]
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    xy = (xy - lo) / span
    return {sid: (float(xy[i, 0]), float(xy[i, 1])) for i, sid in enumerate(order)}


#: Components bigger than this use a circle, which scales without cost (the force layout
#: takes about a second at this size).
FORCE_LIMIT = 300
#: Components up to this size are drawn as a regular polygon in their order (a ring
#: reads as a ring).
POLYGON_LIMIT = 5
CHAR_WIDTH = 6.4  # an 11px label's average character width, for spacing


def components(order: Sequence[str], pairs: Iterable[Pair]) -> list[list[str]]:
    """Connected groups of linked systems, each in ``order``; biggest first."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        if a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    rank = {sid: i for i, sid in enumerate(order)}
    seen: set[str] = set()
    groups = []
    for sid in order:
        if sid in seen or sid not in neighbours:
            continue
        group, stack = [], [sid]
        seen.add(sid)
        while stack:
            cur = stack.pop()
            group.append(cur)
            for n in neighbours[cur]:
                if n not in seen:
                    seen.add(n)
                    stack.append(n)
        groups.append(sorted(group, key=lambda g: rank[g]))
    return sorted(groups, key=lambda g: (-len(g), rank[g[0]]))


def _unit_positions(group: list[str], pairs: list[Pair]) -> dict[str, tuple[float, float]]:
    n = len(group)
    if n <= POLYGON_LIMIT or n > FORCE_LIMIT:
        if n == 2:
            return {group[0]: (0.0, 0.5), group[1]: (1.0, 0.5)}
        out = {}
        for i, sid in enumerate(group):
            angle = -math.pi / 2 + 2 * math.pi * i / n
            out[sid] = (0.5 + 0.5 * math.cos(angle), 0.5 + 0.5 * math.sin(angle))
        return out
    members = set(group)
    return force_layout(group, [p for p in pairs if p[0] in members and p[1] in members])


def geometry(report: Report) -> tuple[float, float, dict[str, tuple[float, float, bool]]]:
    """Canvas width and height, and each node's position with whether its label goes right.

    Each connected group of linked systems gets its own box (a force layout, or a polygon
    for small groups such as rings), packed in rows; unlinked systems follow in rows.
    """
    pairs = [(k.teacher, k.learner) for k in report.programme.links]
    groups = components(report.order, pairs)
    max_width = 1000.0
    boxes = []
    for group in groups:
        n = len(group)
        if n == 2:
            side = 90.0
        elif n <= POLYGON_LIMIT:
            side = 100.0 + 25.0 * n
        else:
            side = max(110.0, 130.0 * math.sqrt(n))
        label = CHAR_WIDTH * max(len(s) for s in group) + NODE_R + 12
        boxes.append((group, side, label))
    widest = max((side + 2 * label for _, side, label in boxes), default=0.0)
    max_width = max(max_width, widest)
    pos: dict[str, tuple[float, float, bool]] = {}
    x = y = 0.0
    row_height = 0.0
    gap = 24.0
    for group, side, label in boxes:
        box_w = side + 2 * label
        box_h = (24.0 if len(group) == 2 else side) + gap
        if x > 0 and x + box_w > max_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        unit = _unit_positions(group, pairs)
        for sid, (ux, uy) in unit.items():
            px = x + label + ux * side
            py = y + gap / 2 + uy * (box_h - gap)
            pos[sid] = (round(px, 1), round(py, 1), ux >= 0.5)
        x += box_w
        row_height = max(row_height, box_h)
    height = y + row_height
    unlinked = [s for s in report.order if s not in report.linked]
    if unlinked:
        cell = CHAR_WIDTH * max(len(s) for s in unlinked) + NODE_R + 30
        per_row = max(1, int(max_width // cell))
        top = height + (30.0 if height else 10.0)
        for i, sid in enumerate(unlinked):
            row, col = divmod(i, per_row)
            pos[sid] = (round(NODE_R + 4 + col * cell, 1), round(top + row * 26, 1), True)
        height = top + 26 * ((len(unlinked) - 1) // per_row + 1)
    width = max((p[0] for p in pos.values()), default=0.0)
    width = max(max_width if len(boxes) > 1 else 0.0, min(max_width, width + 200.0))
    return round(width, 1), round(height + 10.0, 1), pos


def edges(report: Report, pos: dict[str, tuple[float, float, bool]]) -> list[Edge]:
    out = []
    for link in report.programme.links:
        pair = (link.teacher, link.learner)
        x1, y1, _ = pos[link.teacher]
        x2, y2, _ = pos[link.learner]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        ring = report.ring_of.get(pair)
        if ring is not None:
            colour, kind = RING_COLOURS[(ring - 1) % len(RING_COLOURS)], "ring"
        elif pair in report.mutual:
            colour, kind = TWO_WAY, "two-way"
        else:
            colour, kind = ONE_WAY, "one-way"
        bend = 0.18 if pair in report.mutual else 0.07
        # the control point sits to the right of the direction of travel, so the two
        # directions of a two-way pair curve apart
        cx = (x1 + x2) / 2 - dy / length * bend * length
        cy = (y1 + y2) / 2 + dx / length * bend * length
        sx, sy = _toward(x1, y1, cx, cy, NODE_R + 1)
        ex, ey = _toward(x2, y2, cx, cy, NODE_R + 3)
        path = f"M{_r(sx)},{_r(sy)} Q{_r(cx)},{_r(cy)} {_r(ex)},{_r(ey)}"
        label_path = (
            path if sx <= ex else f"M{_r(ex)},{_r(ey)} Q{_r(cx)},{_r(cy)} {_r(sx)},{_r(sy)}"
        )
        out.append(Edge(link, path, label_path, colour, kind))
    return out


def _toward(x: float, y: float, tx: float, ty: float, dist: float) -> tuple[float, float]:
    dx, dy = tx - x, ty - y
    length = math.hypot(dx, dy) or 1.0
    return x + dx / length * dist, y + dy / length * dist


def render_svg(report: Report) -> str:
    width, height, pos = geometry(report)
    drawn = edges(report, pos)
    colours = sorted({e.colour for e in drawn})
    esc = html.escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="network" role="img" '
        f'viewBox="0 0 {_r(width)} {_r(height)}" width="{_r(width)}" height="{_r(height)}" '
        f'aria-label="{esc(report.title)}: {len(report.order)} systems, '
        f'{len(report.programme.links)} links">',
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


# --------------------------------------------------------------------------- HTML

_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  margin: 0 auto; max-width: 1100px; padding: 1.5rem; color: #222; background: #fff; }
h1 { margin: 0 0 .25rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
.muted { color: #666; }
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: #222; }
svg text.topic { font-size: 9px; paint-order: stroke; stroke: #fff; stroke-width: 3px;
  text-anchor: middle; }
svg .node circle { stroke: #fff; stroke-width: 1.5; }
svg .node text { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .node.unlinked circle { opacity: .45; }
svg .link:hover path { stroke-width: 4; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; font-size: 13px; }
.legend span::before { content: ""; display: inline-block; width: .8em; height: .8em;
  margin-right: .35em; vertical-align: -.05em; background: var(--c); border-radius: 50%; }
.legend span.line::before { height: .2em; border-radius: 0; vertical-align: .2em; width: 1.4em; }
table { border-collapse: collapse; font-size: 13px; margin: .5rem 0; }
th, td { border: 1px solid #ddd; padding: .2rem .45rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; min-width: 2.2em; }
tr.area th { background: #f4f4f4; text-align: left; }
td.gap { color: #b2182b; font-weight: 600; } td.related-only { color: #8a6d00; }
.system { border: 1px solid #ddd; border-radius: 6px; padding: .6rem 1rem; margin: .8rem 0; }
.system h3 { margin: .1rem 0 .3rem; } .system h4 { margin: .6rem 0 .2rem; }
.system ul { margin: .2rem 0; padding-left: 1.2rem; }
.evidence { color: #444; } .source { color: #777; font-size: 12px; }
.score { font-variant-numeric: tabular-nums; font-weight: 600; }
"""

# Records load errors on the page, so a headless browser can read them from the DOM.
_SCRIPT = (
    "(function(){var d=document.documentElement,e=[];"
    "window.addEventListener('error',function(v){e.push(String(v.message||v.type));"
    "d.setAttribute('data-errors',e.join(' | '));},true);"
    "window.addEventListener('load',function(){d.setAttribute('data-loaded','yes');});})();"
)
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def render_html(report: Report) -> str:
    esc = html.escape
    data = report.data
    prog = report.programme
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="peermatch {esc(__version__)}">',
        f"<title>{esc(report.title)}</title>",
        f"<style>{_CSS}</style>",
        f"<script>{_SCRIPT}</script>",
        "</head>",
        "<body>",
        f"<h1>{esc(report.title)}</h1>",
        f'<p class="muted">{esc(_headline(report))}</p>',
    ]
    if report.history_note:
        out.append(f'<p class="muted">{esc(report.history_note)}</p>')
    out += [
        '<section id="programme">',
        "<h2>The programme</h2>",
        "<p>Each arrow points from the system that teaches to the system that learns, and "
        "is labelled with the main topic. Thicker arrows score higher. Click a system to "
        "see its links and the evidence behind them.</p>",
        _legend(report),
        f"<figure>{render_svg(report)}</figure>",
        "</section>",
        '<section id="heatmap">',
        "<h2>Supply and demand of topics</h2>",
        "<p>For each topic: how many systems can teach it (by level) against how many need "
        "it (by priority). Darker cells are higher counts.</p>",
        _heatmap_table(_listed(report.balance)),
        f'<p class="muted">{html.escape(_unlisted_note(report.balance))}</p>',
        "</section>",
        '<section id="gaps">',
        "<h2>Gaps</h2>",
        _gaps_html(report),
        "</section>",
        '<section id="systems">',
        "<h2>Systems, their links and the evidence</h2>",
    ]
    by_teacher: dict[str, list[ReportLink]] = defaultdict(list)
    by_learner: dict[str, list[ReportLink]] = defaultdict(list)
    for link in prog.links:
        by_teacher[link.teacher].append(link)
        by_learner[link.learner].append(link)
    for p in data.systems:
        out.append(f'<div class="system" id="system-{esc(p.id)}">')
        where = ", ".join(x for x in (p.kind, p.country) if x)
        out.append(f'<h3>{esc(p.name)} <span class="muted">({esc(p.id)}; {esc(where)})</span></h3>')
        out.append("<h4>Teaches</h4>")
        out.append(_links_html(report, by_teacher[p.id], teaching=True))
        out.append("<h4>Learns from</h4>")
        out.append(_links_html(report, by_learner[p.id], teaching=False))
        out.append("</div>")
    out += [
        "</section>",
        f'<footer class="muted"><p>Made with peermatch {esc(__version__)} from '
        f"{esc(Path(data.systems_file).name or 'systems.yaml')} and "
        f"{esc(Path(data.challenges_file).name or 'challenges.yaml')}.</p></footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


def _headline(report: Report) -> str:
    prog = report.programme
    n = len(report.data.systems)
    parts = [f"{n} systems", f"{len(prog.links)} links"]
    if report.mutual:
        parts.append(f"{len(report.mutual) // 2} two-way pair(s)")
    if prog.rings:
        parts.append(f"{len(prog.rings)} ring(s)")
    if prog.summary:
        parts.append(prog.summary)
    return "; ".join(dict.fromkeys(parts))


def _legend(report: Report) -> str:
    esc = html.escape
    kinds = sorted({p.kind for p in report.data.systems})
    items = [f'<span style="--c:{KIND_COLOURS.get(k, "#999999")}">{esc(k)}</span>' for k in kinds]
    items.append(f'<span class="line" style="--c:{ONE_WAY}">one-way link</span>')
    if report.mutual:
        items.append(f'<span class="line" style="--c:{TWO_WAY}">two-way: both directions</span>')
    for i, ring in enumerate(report.programme.rings, start=1):
        colour = RING_COLOURS[(i - 1) % len(RING_COLOURS)]
        members = " → ".join((*ring, ring[0])) if ring else ""
        items.append(f'<span class="line" style="--c:{colour}">ring {i}: {esc(members)}</span>')
    return '<p class="legend">' + "".join(items) + "</p>"


def _listed(rows: list[TopicBalance]) -> list[TopicBalance]:
    """The topics someone teaches or needs (the rest of the catalogue is only counted)."""
    return [r for r in rows if r.teachers or r.learners]


def _unlisted_note(rows: list[TopicBalance]) -> str:
    """A sentence on the catalogue topics left out of the table, or nothing."""
    unused = len(rows) - len(_listed(rows))
    if not unused:
        return ""
    return (
        f"{unused} other catalogue topic(s) are neither a strength nor a challenge of any "
        "system here."
    )


def _heatmap_table(rows: list[TopicBalance]) -> str:
    from peermatch.present.heatmap import _GREENS, _REDS

    esc = html.escape
    tops = {c: max((int(r.as_row()[c]) for r in rows), default=0) for c in (*SUPPLY, *DEMAND)}
    head = (
        '<thead><tr><th rowspan="2">topic</th><th colspan="5">can teach</th>'
        '<th colspan="4">need it</th><th rowspan="2">status</th></tr><tr>'
        "<th>exemplar</th><th>established</th><th>emerging</th><th>all</th><th>related</th>"
        "<th>high</th><th>medium</th><th>low</th><th>all</th></tr></thead>"
    )
    body = []
    area = None
    for r in rows:
        if r.area != area:
            area = r.area
            body.append(f'<tr class="area"><th colspan="11">{esc(area)}</th></tr>')
        row = r.as_row()
        cells = [f'<td title="{esc(r.name)}">{esc(r.topic)}</td>']
        for cols, palette in ((SUPPLY, _GREENS), (DEMAND, _REDS)):
            for c in cols:
                n = int(row[c])
                colour = shade(n, tops[c], palette)
                style = ""
                if colour is not None:
                    ink = "#fff" if palette.index(colour) >= 2 else "#000"
                    style = f' style="background:{colour};color:{ink}"'
                cells.append(f'<td class="n"{style}>{n if n else ""}</td>')
        status_class = r.status.replace(" ", "-")
        cells.append(f'<td class="{status_class}">{esc(r.status)}</td>')
        body.append(f'<tr data-topic="{esc(r.topic)}">' + "".join(cells) + "</tr>")
    return f'<table class="heatmap">{head}<tbody>{"".join(body)}</tbody></table>'


def _gap_rows(report: Report) -> tuple[list[TopicBalance], list[TopicBalance], list[str]]:
    untaught = [r for r in report.balance if r.status == GAP]
    related = [r for r in report.balance if r.status == RELATED_ONLY]
    unlinked = [p.id for p in report.data.systems if p.id not in report.linked]
    return untaught, related, unlinked


def _gaps_html(report: Report) -> str:
    esc = html.escape
    untaught, related, unlinked = _gap_rows(report)
    needers = _needers(report.data)
    out = []
    if untaught:
        out.append(
            "<p>Needed, and nobody in the data can teach it, even through a related topic:</p><ul>"
        )
        out += [
            f"<li><strong>{esc(r.topic)}</strong> ({esc(r.name)}): needed by "
            f"{esc(', '.join(needers[r.topic]))}</li>"
            for r in untaught
        ]
        out.append("</ul>")
    if related:
        out.append("<p>Needed, and only related topics are taught (partial help):</p><ul>")
        out += [
            f"<li><strong>{esc(r.topic)}</strong> ({esc(r.name)}): needed by "
            f"{esc(', '.join(needers[r.topic]))}</li>"
            for r in related
        ]
        out.append("</ul>")
    if report.programme.left_out:
        out.append("<p>Left out of the plan:</p><ul>")
        out += [
            f"<li><strong>{esc(x.system)}</strong>"
            + (f" ({esc(x.role)})" if x.role else "")
            + (f": {esc(x.reason)}" if x.reason else "")
            + "</li>"
            for x in report.programme.left_out
        ]
        out.append("</ul>")
    if unlinked:
        out.append(f"<p>Systems with no link in the plan: {esc(', '.join(unlinked))}.</p>")
    if not out:
        out.append("<p>None: every needed topic has a teacher and every system has a link.</p>")
    return "\n".join(out)


def _needers(data: Dataset) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for p in data.systems:
        for topic in p.needs:
            out[topic].append(p.id)
    return out


def _links_html(report: Report, links: list[ReportLink], *, teaching: bool) -> str:
    esc = html.escape
    if not links:
        return '<p class="muted">none in this plan</p>'
    items = []
    for link in sorted(links, key=lambda k: (-k.score, k.learner if teaching else k.teacher)):
        other = link.learner if teaching else link.teacher
        flags = []
        if (link.teacher, link.learner) in report.mutual:
            flags.append("two-way")
        if link.ring is not None:
            flags.append(f"ring {link.ring}")
        flag_text = f" ({', '.join(flags)})" if flags else ""
        head = (
            f"{'teaches' if teaching else 'learns from'} "
            f'<a href="#system-{esc(other)}">{esc(report.data.system(other).name)}</a> '
            f"on <strong>{esc(link.topic)}</strong> — score "
            f'<span class="score">{link.score:.1f}</span>{esc(flag_text)}'
        )
        items.append(f"<li>{head}{_evidence_html(report, link)}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _evidence_html(report: Report, link: ReportLink) -> str:
    esc = html.escape
    b = report.breakdowns.get((link.teacher, link.learner))
    if b is None:
        return ""
    lines = []
    for c in sorted(b.contributing, key=lambda c: (c.need != link.topic, -c.credit, c.need)):
        assert c.level is not None
        via = f" through related topic {c.via}" if c.related else ""
        source = f'<div class="source">{esc(c.source)}</div>' if c.source else ""
        lines.append(
            f'<li class="evidence"><em>{esc(c.need)}</em>{esc(via)}, '
            f"{esc(LEVEL_NAMES[c.level])}: {esc(c.evidence or '')}{source}</li>"
        )
    return "<ul>" + "".join(lines) + "</ul>" if lines else ""


# --------------------------------------------------------------------------- Markdown


def mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label: quotes and markup as entity codes."""
    out = []
    for ch in " ".join(text.split()):
        if ch.isalnum() or ch in " -_.,:;()/'+&?!%":
            out.append(ch)
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)


def md_text(text: str) -> str:
    """Text safe in a Markdown paragraph or table cell."""
    text = " ".join(text.split())
    for ch in "\\`*_{}[]<>()#+!|~":
        text = text.replace(ch, "\\" + ch)
    return text


def render_markdown(report: Report) -> str:
    data = report.data
    prog = report.programme
    node = {sid: f"n{i}" for i, sid in enumerate(report.order)}
    out = [f"# {md_text(report.title)}", "", md_text(_headline(report)), ""]
    if report.history_note:
        out += [md_text(report.history_note), ""]
    out += [
        "## The programme",
        "",
        "Each arrow points from the system that teaches to the system that learns, labelled "
        "with the main topic and the score. Thick arrows: both directions are planned.",
        "",
        "```mermaid",
        "flowchart LR",
    ]
    ring_members = [set(r) for r in prog.rings]
    in_ring = set().union(*ring_members) if ring_members else set()
    for i, ring in enumerate(prog.rings, start=1):
        out.append(f'  subgraph ring{i}["ring {i}"]')
        for sid in ring:
            if sid in node:
                out.append(f'    {node[sid]}["{mermaid_text(data.system(sid).name)}"]')
        out.append("  end")
    for sid in report.order:
        if sid not in in_ring and sid in report.linked:
            out.append(f'  {node[sid]}["{mermaid_text(data.system(sid).name)}"]')
    for link in prog.links:
        start, arrow = (
            ("==", "==>") if (link.teacher, link.learner) in report.mutual else ("--", "-->")
        )
        label = mermaid_text(f"{link.topic} ({link.score:.1f})")
        out.append(f'  {node[link.teacher]} {start} "{label}" {arrow} {node[link.learner]}')
    out += ["```", ""]
    unlinked = [p.id for p in data.systems if p.id not in report.linked]
    if unlinked:
        out += [f"Not in the picture (no link): {md_text(', '.join(unlinked))}.", ""]
    out += _markdown_heatmap(_listed(report.balance))
    if _unlisted_note(report.balance):
        out += [md_text(_unlisted_note(report.balance)), ""]
    out += ["## Gaps", ""]
    untaught, related, _ = _gap_rows(report)
    needers = _needers(data)
    for title, rows in (
        ("Needed, and nobody can teach it, even through a related topic", untaught),
        ("Needed, and only related topics are taught", related),
    ):
        if rows:
            out += [f"{title}:", ""]
            out += [
                f"- **{md_text(r.topic)}** ({md_text(r.name)}): needed by "
                f"{md_text(', '.join(needers[r.topic]))}"
                for r in rows
            ]
            out.append("")
    if prog.left_out:
        out += ["Left out of the plan:", ""]
        out += [
            f"- **{md_text(x.system)}**"
            + (f" ({md_text(x.role)})" if x.role else "")
            + (f": {md_text(x.reason)}" if x.reason else "")
            for x in prog.left_out
        ]
        out.append("")
    if not (untaught or related or prog.left_out):
        out += ["None: every needed topic has a teacher.", ""]
    out += ["## Systems, their links and the evidence", ""]
    for p in data.systems:
        out += [f"### {md_text(p.name)} ({md_text(p.id)})", ""]
        teaches = [k for k in prog.links if k.teacher == p.id]
        learns = [k for k in prog.links if k.learner == p.id]
        for heading, links, teaching in (
            ("Teaches", teaches, True),
            ("Learns from", learns, False),
        ):
            out.append(f"**{heading}:**" + ("" if links else " none in this plan"))
            out.append("")
            for link in sorted(
                links, key=lambda k: (-k.score, k.learner if teaching else k.teacher)
            ):
                other = link.learner if teaching else link.teacher
                two = " (two-way)" if (link.teacher, link.learner) in report.mutual else ""
                out.append(
                    f"- {md_text(data.system(other).name)} on **{md_text(link.topic)}**, "
                    f"score {link.score:.1f}{two}"
                )
                b = report.breakdowns.get((link.teacher, link.learner))
                for c in sorted(
                    b.contributing if b else (),
                    key=lambda c: (c.need != link.topic, -c.credit, c.need),
                ):
                    assert c.level is not None
                    via = f" through related topic {c.via}" if c.related else ""
                    out.append(
                        f"  - *{md_text(c.need)}*{md_text(via)}, {LEVEL_NAMES[c.level]}: "
                        f"{md_text(c.evidence or '')}"
                        + (f" ({md_text(c.source)})" if c.source else "")
                    )
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _markdown_heatmap(rows: list[TopicBalance]) -> list[str]:
    out = [
        "## Supply and demand of topics",
        "",
        "Can teach: systems with a strength (exemplar / established / emerging, and through a "
        "related topic). Need it: systems with the challenge (high / medium / low priority).",
        "",
        "| area | topic | exemplar | established | emerging | can teach | related | high | "
        "medium | low | need it | status |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        row = r.as_row()
        numbers = " | ".join(str(row[c]) for c in (*SUPPLY, *DEMAND))
        status = f"**{r.status}**" if r.status == GAP else r.status
        out.append(f"| {md_text(r.area)} | {md_text(r.topic)} | {numbers} | {status} |")
    out.append("")
    return out


def check_programme(programme: Programme, data: Dataset) -> None:
    """Raise if a link names a system or topic the data does not have."""
    for link in programme.links:
        for sid in (link.teacher, link.learner):
            if sid not in data.by_id:
                raise PeermatchError(f"the programme names unknown system '{sid}'")
        if link.topic not in data.catalogue.topics:
            raise PeermatchError(f"the programme names unknown topic '{link.topic}'")


def render(report: Report, fmt: str) -> str:
    """The report as ``html`` or ``markdown`` text."""
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    raise PeermatchError(f"unknown report format '{fmt}'; use html or markdown")
