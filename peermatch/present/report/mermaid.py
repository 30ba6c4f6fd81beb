"""The network as Mermaid flowcharts for the Markdown report, drawn top-down.

A small programme is one diagram. From :data:`SPLIT_FROM` linked systems it is split:
one diagram per connected group of systems (rings, a few to a diagram, as subgraphs), the
small groups gathered into diagrams of up to :data:`GATHER` systems, so GitHub draws each
at a readable size. Mermaid draws no diagram with more than :data:`MAX_EDGES` edges
(its ``maxEdges``) or :data:`MAX_TEXT` characters (``maxTextSize``): a group over either
keeps its strongest links and the systems they join, and the text says how many links are
left out (every link is in the tables below the diagrams).
"""

from __future__ import annotations

from dataclasses import dataclass

from peermatch.core.plan import PlanLink
from peermatch.present.report.build import Report
from peermatch.present.report.layout import components

#: Linked systems from which the network is split into one diagram per group.
SPLIT_FROM = 20


#: Most systems gathered into one diagram of small groups (or of rings).
GATHER = 16


#: Mermaid's default ``maxEdges``: a diagram with more edges is not drawn at all.
MAX_EDGES = 500


#: Mermaid's default ``maxTextSize``, in characters: a longer diagram is not drawn either.
MAX_TEXT = 50_000


@dataclass(frozen=True)
class Diagram:
    """One Mermaid diagram: its heading (empty when there is one), its lines, and how many
    of its group's links were left out to keep it drawable."""

    heading: str
    lines: list[str]
    left_out: int = 0


def mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label: quotes and markup as entity codes."""
    out = []
    for ch in " ".join(text.split()):
        if ch.isalnum() or ch in " -_.,:;()/'+&?!%":
            out.append(ch)
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)


def diagrams(report: Report) -> list[Diagram]:
    """The programme's Mermaid diagrams, in drawing order."""
    pairs = [(k.teacher, k.learner) for k in report.plan.links]
    groups = components(report.order, pairs)
    if len(report.linked) < SPLIT_FROM:
        return [_diagram(report, "", [s for g in groups for s in g])]
    batches: list[list[str]] = []
    for group in groups:
        if batches and len(batches[-1]) + len(group) <= GATHER and len(group) < GATHER:
            batches[-1] += group
        else:
            batches.append(list(group))
    if len(batches) == 1:
        return [_diagram(report, "", batches[0])]
    out = []
    for i, batch in enumerate(batches, start=1):
        heading = f"Group {i} of {len(batches)}: {len(batch)} systems"
        out.append(_diagram(report, heading, batch))
    return out


def _diagram(report: Report, heading: str, members: list[str]) -> Diagram:
    """One diagram over ``members``: their rings as subgraphs, then their links (the
    strongest, within Mermaid's limits, and the systems they join)."""
    data = report.data
    inside = set(members)
    links = [k for k in report.plan.links if k.teacher in inside and k.learner in inside]
    node = {sid: f"n{i}" for i, sid in enumerate(report.order) if sid in inside}
    lines = ["flowchart TD"]
    in_ring: set[str] = set()
    for i, ring in enumerate(report.rings, start=1):
        if not set(ring) <= inside:
            continue
        in_ring.update(ring)
        lines.append(f'  subgraph ring{i}["ring {i}"]')
        lines += [f'    {node[s]}["{mermaid_text(data.system(s).name)}"]' for s in ring]
        lines.append("  end")
    declared = {s: f'  {node[s]}["{mermaid_text(data.system(s).name)}"]' for s in members}
    drawn = {i: _edge(report, node, k) for i, k in enumerate(links)}
    kept = _within_limits(links, drawn, declared, in_ring, sum(len(x) + 1 for x in lines))
    joined = {s for i in kept for s in (links[i].teacher, links[i].learner)}
    if len(kept) == len(links):
        joined = inside
    lines += [declared[s] for s in members if s in joined and s not in in_ring]
    lines += [drawn[i] for i in sorted(kept)]
    return Diagram(heading, lines, len(links) - len(kept))


def _edge(report: Report, node: dict[str, str], link: PlanLink) -> str:
    start, arrow = ("==", "==>") if (link.teacher, link.learner) in report.mutual else ("--", "-->")
    label = mermaid_text(f"{link.topic} ({link.score:.1f})")
    return f'  {node[link.teacher]} {start} "{label}" {arrow} {node[link.learner]}'


def _within_limits(
    links: list[PlanLink],
    drawn: dict[int, str],
    declared: dict[str, str],
    in_ring: set[str],
    used: int,
) -> set[int]:
    """The links a diagram keeps: all when Mermaid can draw them, else the strongest that
    fit in :data:`MAX_EDGES` edges and :data:`MAX_TEXT` characters (with their systems)."""
    need = used + sum(len(x) + 1 for x in drawn.values())
    need += sum(len(declared[s]) + 1 for s in declared if s not in in_ring)
    if len(links) <= MAX_EDGES and need <= MAX_TEXT:
        return set(drawn)
    kept: set[int] = set()
    seen = set(in_ring)
    for i in sorted(drawn, key=lambda i: (-links[i].score, i)):
        new = {links[i].teacher, links[i].learner} - seen
        cost = len(drawn[i]) + 1 + sum(len(declared[s]) + 1 for s in new)
        if len(kept) == MAX_EDGES or used + cost > MAX_TEXT:
            break
        kept.add(i)
        seen |= new
        used += cost
    return kept
