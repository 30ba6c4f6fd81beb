"""The words on the picture: each system's name shortened to fit a label, and where each
label goes so that no two overlap."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

#: The longest label, in characters; a longer name is abbreviated, then cut at a word.
LABEL_CHARS = 26


CHAR_WIDTH = 6.4  # an 11px label's average character width, for spacing


LABEL_HEIGHT = 13.0


# Long phrases that recur in health and care names, and their usual short forms.
_ABBREVIATIONS = (
    ("NHS Foundation Trust", "NHS FT"),
    ("Integrated Care System", "ICS"),
    ("Integrated Care Board", "ICB"),
    ("Primary Care Network", "PCN"),
    ("Health and Care Partnership", "HCP"),
    ("Local Government Association", "LGA"),
    ("District Health Board", "DHB"),
    ("Provider Collaboration Board", "Provider Collab. Board"),
    ("Provider Collaborative", "Provider Collab."),
    ("Shared Care Records", "Shared Records"),
    (" and ", " & "),
)


_ACRONYM = re.compile(r"^(?P<name>.*?)\s*\((?P<paren>[^()]*)\)\s*$")


def short_name(name: str, limit: int = LABEL_CHARS) -> str:
    """``name`` in at most ``limit`` characters: a trailing parenthesis dropped (or, for a
    long name, its acronym kept), common phrases abbreviated, then cut at a word with "…"."""
    text = " ".join(name.split())
    if len(text) <= limit:
        return text
    found = _ACRONYM.match(text)
    if found:
        paren = found.group("paren").strip()
        if paren.isupper() and 2 <= len(paren) <= 8 and " " not in paren:
            return paren
        text = found.group("name").strip() or text
    for long, short in _ABBREVIATIONS:
        if len(text) <= limit:
            break
        text = re.sub(re.escape(long), short, text, flags=re.IGNORECASE)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " ":  # the cut falls inside a word: drop the part-word
        cut = cut.rsplit(" ", 1)[0]
    cut = cut.rstrip(" ,&-")
    return (cut or text[: limit - 1]) + "…"


def short_names(names: Mapping[str, str]) -> dict[str, str]:
    """Each id's short name; two systems whose short names collide keep their full names."""
    short = {sid: short_name(name) for sid, name in names.items()}
    seen: dict[str, list[str]] = {}
    for sid, text in short.items():
        seen.setdefault(text.casefold(), []).append(sid)
    for sids in seen.values():
        if len(sids) > 1:
            for sid in sids:
                short[sid] = " ".join(names[sid].split())
    return short


def text_width(text: str) -> float:
    return CHAR_WIDTH * len(text)


Box = tuple[float, float, float, float]  # left, top, right, bottom


def label_box(x: float, y: float, anchor: str, text: str) -> Box:
    """The box a label of ``text`` covers, anchored at ``(x, y)`` (start, middle or end)."""
    w = text_width(text)
    left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
    return (left, y - LABEL_HEIGHT / 2, left + w, y + LABEL_HEIGHT / 2)


Curve = tuple[Box, Sequence[tuple[float, float]]]  # a curved label: its bounds and points


def curved(points: Sequence[tuple[float, float]]) -> Curve:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys)), points


def clear_of(label: Curve, boxes: Iterable[Box], others: Iterable[Curve], gap: float) -> bool:
    """Whether a curved label stays ``gap`` away from every box (node labels and nodes)
    and from every other curved label."""
    bounds, points = label
    near = (bounds[0] - 2 * gap, bounds[1] - 2 * gap, bounds[2] + 2 * gap, bounds[3] + 2 * gap)
    for b in boxes:
        if _overlaps(near, b):
            for x, y in points:
                if b[0] - gap < x < b[2] + gap and b[1] - gap < y < b[3] + gap:
                    return False
    for other_bounds, other in others:
        if _overlaps(near, other_bounds):
            for x, y in points:
                for ox, oy in other:
                    if abs(ox - x) < 2 * gap and abs(oy - y) < 2 * gap:
                        return False
    return True


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(
    order: Sequence[str],
    pos: Mapping[str, tuple[float, float, bool]],
    labels: Mapping[str, str],
    radius: float,
    bounds: Box,
    obstacles: Iterable[Box] = (),
) -> dict[str, tuple[float, float, str] | None]:
    """Where each node's label goes: ``(x, y, anchor)``, or ``None`` when every place
    beside the node would overlap another label or node (the name then shows on hover,
    and when the system is searched for or focused).

    Greedy in ``order``: the preferred side first (right or left, as the layout says),
    then the other side, then above and below."""
    pad = 4.0
    nodes = [(x - radius, y - radius, x + radius, y + radius) for x, y, _ in pos.values()]
    placed: list[Box] = list(obstacles)
    out: dict[str, tuple[float, float, str] | None] = {}
    for sid in order:
        x, y, right = pos[sid]
        half = LABEL_HEIGHT / 2
        sides = [
            (x + radius + pad, y, "start"),
            (x - radius - pad, y, "end"),
            (x, y - radius - pad - half, "middle"),
            (x, y + radius + pad + half, "middle"),
        ]
        if not right:
            sides[0], sides[1] = sides[1], sides[0]
        out[sid] = None
        for lx, ly, anchor in sides:
            box = label_box(lx, ly, anchor, labels[sid])
            if box[0] < bounds[0] or box[2] > bounds[2] or box[1] < bounds[1] or box[3] > bounds[3]:
                continue
            if any(_overlaps(box, other) for other in placed):
                continue
            if any(_overlaps(box, n) for n in nodes):
                continue
            placed.append(box)
            out[sid] = (round(lx, 1), round(ly, 1), anchor)
            break
    return out
