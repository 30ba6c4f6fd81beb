"""Where the systems sit: connected groups side by side, a small group as a polygon and a
larger one by a force layout; and the edges between them."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from peermatch.core.plan import PlanLink
from peermatch.present.report.build import Pair, Report
from peermatch.present.report.labels import text_width

KIND_COLOURS = {
    "ics": "#4e79a7",
    "trust": "#f28e2b",
    "provider-collaborative": "#e15759",
    "place": "#76b7b2",
    "pcn": "#59a14f",
    "council": "#edc948",
    "national-body": "#b07aa1",
    "international": "#9c755f",
    "partnership": "#ff9da7",
    "vcse": "#17becf",
}


ONE_WAY = "#555555"


TWO_WAY = "#7b3294"


RING_COLOURS = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#1f78b4",
    "#b15928",
    "#6a3d9a",
    "#33a02c",
    "#e31a1c",
)


def ring_colour(ring: int) -> str:
    """Ring ``ring``'s colour (from 1): the palette first, then hues a golden angle apart,
    so every ring in a plan has its own colour."""
    if 1 <= ring <= len(RING_COLOURS):
        return RING_COLOURS[ring - 1]
    import colorsys

    hue = (ring * 0.618033988749895) % 1.0
    lightness = (0.32, 0.42, 0.52)[ring % 3]
    r, g, b = colorsys.hls_to_rgb(hue, lightness, 0.75)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


NODE_R = 9.0


Point = tuple[float, float]


@dataclass(frozen=True)
class Edge:
    link: PlanLink
    path: str
    label_path: str  # the same curve drawn left to right, so its label is never upside down
    colour: str
    kind: str  # "one-way", "two-way" or "ring"
    label: str  # the topic, cut with "…" to fit along the curve ("" when nothing fits)
    curve: tuple[Point, Point, Point]  # start, control point, end

    def label_points(self, step: float = 4.0) -> list[Point]:
        """Points along the middle of the curve that its label covers, ``step`` apart."""
        samples = [_bezier(self.curve, i / 64) for i in range(65)]
        run = [0.0]
        for a, b in itertools.pairwise(samples):
            run.append(run[-1] + math.hypot(b[0] - a[0], b[1] - a[1]))
        half = TOPIC_CHAR_WIDTH * len(self.label) / 2
        lo, hi = run[-1] / 2 - half, run[-1] / 2 + half
        out, last = [], -step
        for point, at in zip(samples, run, strict=True):
            if lo <= at <= hi and at - last >= step:
                out.append(point)
                last = at
        return out


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
    pairs = [(k.teacher, k.learner) for k in report.plan.links]
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
        label = max(text_width(report.names[s]) for s in group) + NODE_R + 12
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
        cell = max(text_width(report.names[s]) for s in unlinked) + NODE_R + 30
        per_row = max(1, int(max_width // cell))
        top = height + (30.0 if height else 10.0)
        for i, sid in enumerate(unlinked):
            row, col = divmod(i, per_row)
            pos[sid] = (round(NODE_R + 4 + col * cell, 1), round(top + row * 26, 1), True)
        height = top + 26 * ((len(unlinked) - 1) // per_row + 1)
    width = max((p[0] for p in pos.values()), default=0.0)
    width = max(max_width if len(boxes) > 1 else 0.0, min(max_width, width + 200.0))
    return round(width, 1), round(height + 10.0, 1), pos


def edge_style(report: Report, link: PlanLink) -> tuple[str, str]:
    """A link's colour and kind: its ring's colour, the two-way colour, or the one-way."""
    pair = (link.teacher, link.learner)
    ring = report.ring_of.get(pair)
    if ring is not None:
        return ring_colour(ring), "ring"
    if pair in report.mutual:
        return TWO_WAY, "two-way"
    return ONE_WAY, "one-way"


def edges(report: Report, pos: dict[str, tuple[float, float, bool]]) -> list[Edge]:
    out = []
    for link in report.plan.links:
        pair = (link.teacher, link.learner)
        x1, y1, _ = pos[link.teacher]
        x2, y2, _ = pos[link.learner]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        colour, kind = edge_style(report, link)
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
        curve = ((sx, sy), (cx, cy), (ex, ey))
        label = fit_label(link.topic, _curve_length(*curve))
        out.append(Edge(link, path, label_path, colour, kind, label, curve))
    return out


TOPIC_CHAR_WIDTH = 5.3  # a 9px topic label's average character width


def fit_label(topic: str, length: float) -> str:
    """``topic`` as it fits along a curve of ``length`` pixels (with a margin at each end
    for the arrowhead): whole, or cut with "…", or "" when not even a few letters fit."""
    room = int((length - 14.0) / TOPIC_CHAR_WIDTH)
    if len(topic) <= room:
        return topic
    if room < 6:  # "heal…" says less than the hover does
        return ""
    return topic[: room - 1].rstrip("-") + "…"


def _bezier(curve: tuple[Point, Point, Point], t: float) -> Point:
    (x0, y0), (x1, y1), (x2, y2) = curve
    a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t * t
    return a * x0 + b * x1 + c * x2, a * y0 + b * y1 + c * y2


def _curve_length(start: Point, control: Point, end: Point) -> float:
    """A quadratic Bézier curve's length, by 16 straight pieces (ample for a label)."""
    points = [_bezier((start, control, end), i / 16) for i in range(17)]
    return sum(math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(points))


def _toward(x: float, y: float, tx: float, ty: float, dist: float) -> tuple[float, float]:
    dx, dy = tx - x, ty - y
    length = math.hypot(dx, dy) or 1.0
    return x + dx / length * dist, y + dy / length * dist
