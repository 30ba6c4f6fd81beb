"""What each listing command shows, as :class:`~peermatch.present.listing.Listing` rows.

These are library functions so that the CLI's JSON is exactly the library's result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from peermatch.core.dataset import LEVEL_NAMES, PRIORITY_NAMES, Dataset
from peermatch.core.findings import Finding, Severity
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.present.listing import Listing
from peermatch.scoring.match import MATCH_COLUMNS, Match
from peermatch.scoring.reference import Breakdown

if TYPE_CHECKING:
    from peermatch.scoring.adjustments import Adjustments


def matches_listing(matches: Iterable[Match], title: str = "") -> Listing:
    """The matches as rows; an iterator of matches (``iter_suggest``) stays one, for the
    CSV renderer to stream (the other renderers need a list)."""
    rows = [m.as_row() for m in matches] if isinstance(matches, Sequence) else None
    return Listing(
        key="matches",
        rows=rows if rows is not None else cast(list[dict[str, Any]], map(_row, matches)),
        columns=MATCH_COLUMNS,
        title=title,
        table_hidden=("related_topics", "partner"),
    )


def _row(match: Match) -> dict[str, Any]:
    return match.as_row()


def systems_listing(data: Dataset) -> Listing:
    """Every system as a tree: each unit right after the system it is ``part_of``."""
    tree = data.tree()
    rows = [
        {
            "id": p.id,
            "name": p.name,
            "kind": p.kind,
            "part_of": p.part_of,
            "country": p.country,
            "population": p.population,
            "tags": list(p.tags),
            "strengths": list(p.strengths),
            "challenges": list(p.needs),
            "partners": sorted(p.partners),
        }
        for p, _ in tree
    ]
    return Listing(
        key="systems",
        rows=rows,
        columns=SYSTEM_COLUMNS,
        table_hidden=("part_of", "tags", "partners", "population"),
        depths=[depth for _, depth in tree],
    )


SYSTEM_COLUMNS = (
    "id",
    "name",
    "kind",
    "part_of",
    "country",
    "population",
    "tags",
    "strengths",
    "challenges",
    "partners",
)


def challenges_listing(data: Dataset) -> Listing:
    teachers = {t: len(ids) for t, ids in data.teachers.items()}
    learners = {t: len(ids) for t, ids in data.needers.items()}
    rows = [
        {
            "id": t.id,
            "name": t.name,
            "area": t.area,
            "aliases": list(t.aliases),
            "related": list(t.related),
            "teachers": teachers.get(t.id, 0),
            "learners": learners.get(t.id, 0),
            "description": t.description,
        }
        for t in sorted(data.catalogue.topics.values(), key=lambda t: (t.area, t.id))
    ]
    return Listing(
        key="challenges",
        rows=rows,
        columns=("id", "name", "area", "aliases", "related", "teachers", "learners", "description"),
        table_hidden=("aliases", "related", "description"),
    )


def findings_listing(findings: Sequence[Finding]) -> Listing:
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    return Listing(
        key="findings",
        rows=[f.as_row() for f in findings],
        columns=("severity", "code", "file", "line", "column", "path", "message"),
        extra={"errors": errors, "warnings": len(findings) - errors},
    )


EXPLAIN_COLUMNS = (
    "topic",
    "priority",
    "points",
    "met_by",
    "level",
    "related",
    "credit",
    "evidence",
    "source",
)


def explain_listing(
    b: Breakdown,
    data: Dataset,
    adjustments: Adjustments | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Listing:
    match = _match_fields(b)
    extra: dict[str, object] = {"match": match}
    footer = explain_summary(b, with_history=adjustments is not None)
    if b.same_system is not None:
        footer += (
            f"\nsame system: {data.same_system_text(b.teacher, b.learner)}; "
            "--across leaves this pair out"
        )
    if adjustments is not None:
        from peermatch.scoring import adjustments as past

        match["history_factor"] = b.history_factor
        match["repeat"] = b.repeat
        extra["history"] = past.explain_data(adjustments, b.teacher, b.learner)
        footer += "\n" + "\n".join(past.explain_lines(adjustments, b.teacher, b.learner, weights))
    return Listing(
        key="topics",
        rows=_explain_rows(b),
        columns=EXPLAIN_COLUMNS,
        extra={**extra, "context": _context_fields(b)},
        title=f"{data.system(b.teacher).name} -> {data.system(b.learner).name}",
        footer=footer + evidence_notes(b),
        table_hidden=("evidence", "source"),
        float_formats={"points": "g", "credit": "g"},
    )


def _explain_rows(b: Breakdown) -> list[dict[str, object]]:
    """One row per need of the learner, the best credit first."""
    return [
        {
            "topic": c.need,
            "priority": PRIORITY_NAMES[c.priority],
            "points": c.points,
            "met_by": c.via,
            "level": LEVEL_NAMES[c.level] if c.level else None,
            "related": c.related,
            "credit": c.credit,
            "evidence": c.evidence,
            "source": c.source,
        }
        for c in sorted(b.topics, key=lambda c: (-c.credit, c.need))
    ]


def _match_fields(b: Breakdown) -> dict[str, object]:
    """The pair's figures, the JSON's ``match``."""
    return {
        "teacher": b.teacher,
        "learner": b.learner,
        "score": b.score,
        "points": b.points,
        "earned": b.earned,
        "base": b.base,
        "context_factor": b.context.factor,
        "partner_factor": b.partner_factor,
        "two_way": b.two_way,
        "partner": b.partner,
        "excluded": b.excluded,
        "same_system": b.same_system,
    }


def _context_fields(b: Breakdown) -> dict[str, object]:
    """The context similarity's parts, the JSON's ``context``."""
    ctx = b.context
    return {
        "kind": ctx.kind,
        "country": ctx.country,
        "size": ctx.size,
        "tags": ctx.tags,
        "similarity": ctx.similarity,
        "factor": ctx.factor,
    }


def evidence_notes(b: Breakdown) -> str:
    """The teacher's evidence behind each contributing topic, for the text table."""
    lines = []
    for c in sorted(b.contributing, key=lambda c: (-c.credit, c.need)):
        assert c.level is not None
        via = f" (through related topic {c.via})" if c.related else ""
        lines.append(f"- {c.need}{via}, {LEVEL_NAMES[c.level]}: {c.evidence}")
        if c.source:
            lines.append(f"  source: {c.source}")
    return "\n\nevidence:\n" + "\n".join(lines) if lines else ""


def explain_summary(b: Breakdown, *, with_history: bool = False) -> str:
    ctx = b.context
    formula = (
        f"score = 100 x earned / points x context x partner"
        f" = 100 x {b.earned:g} / {b.points:g} x {ctx.factor:.4f} x {b.partner_factor:g}"
        f" = {b.score:.1f}"
    )
    if with_history:
        capped = " (capped at 100)" if b.score == 100 and b.history_factor > 1 else ""
        formula = (
            f"score = 100 x earned / points x context x partner x history"
            f" = 100 x {b.earned:g} / {b.points:g} x {ctx.factor:.4f} x {b.partner_factor:g}"
            f" x {b.history_factor:g} = {b.score:.1f}{capped}"
        )
    lines = [
        formula,
        f"context: kind {ctx.kind:g}, country {ctx.country:g}, size {ctx.size:.2f}, "
        f"tags {ctx.tags:.2f} -> similarity {ctx.similarity:.3f} -> factor {ctx.factor:.4f}",
        f"two-way: {'yes, the learner can teach the teacher too' if b.two_way else 'no'}; "
        f"existing partner: {'yes' if b.partner else 'no'}",
    ]
    if b.excluded:
        lines.append(
            "excluded: one of the two lists the other under 'exclude'; "
            "suggest and plan never pair them"
        )
    if b.score == 0:
        lines.append(
            "no overlap: the teacher has no strength on any of the learner's needs "
            "or a related topic"
        )
    return "\n".join(lines)
