"""``who`` and ``resolve`` as listings: rows and the topic understood, for every format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from peermatch.present.listing import Listing

if TYPE_CHECKING:
    from peermatch.analysis.who import WhoResult, WhoRow
    from peermatch.core.resolution import Resolution

TEACHER_COLUMNS = ("teacher", "level", "related", "evidence", "source", "via", "score")
LEARNER_COLUMNS = ("learner", "priority", "note", "source", "score")
RESOLVE_COLUMNS = ("text", "topic", "score", "alternatives")


def _teacher(row: WhoRow) -> dict[str, Any]:
    return {
        "teacher": row.system,
        "level": row.level,
        "related": row.related,
        "evidence": row.evidence,
        "source": row.source,
        "via": row.via,
        "score": row.score,
    }


def _learner(row: WhoRow) -> dict[str, Any]:
    return {
        "learner": row.system,
        "priority": row.priority,
        "note": row.evidence,
        "source": row.source,
        "score": row.score,
    }


def _evidence(result: WhoResult) -> str:
    """Each row's evidence (or a learner's note) and source, under the text table."""
    lines = []
    for r in result.rows:
        if not r.evidence and not r.source:
            continue
        via = f" (through related topic {r.via})" if r.related else ""
        lines.append(f"- {r.system}{via}: {r.evidence or ''}".rstrip())
        if r.source:
            lines.append(f"  source: {r.source}")
    heading = "notes:" if result.learners else "evidence:"
    return heading + "\n" + "\n".join(lines) if lines else ""


def who_listing(result: WhoResult) -> Listing:
    """Rows under ``teachers`` (or ``learners``), with the query and the topic understood."""
    topic = result.topic
    extra: dict[str, Any] = {
        "query": result.query,
        "topic": topic.as_dict(),
        "alternatives": [a.as_dict() for a in result.alternatives],
    }
    if result.system is not None:
        extra["for"] = result.system
    how = "exactly" if result.how == "exact" else f"by meaning, score {topic.score:.1f}"
    who = "needs" if result.learners else "can teach"
    title = f"{topic.name} ({topic.id}), {how}: who {who} it"
    if result.system is not None:
        title += f", ranked for {result.system}"
    notes = []
    if result.alternatives:
        near = ", ".join(f"{a.id} ({a.score:.1f})" for a in result.alternatives)
        notes.append(f"also near: {near}")
    evidence = _evidence(result)
    if evidence:
        notes.append(evidence)
    footer = "\n\n".join(notes)
    hidden: tuple[str, ...] = ("evidence", "note", "source")
    if result.system is None:
        hidden += ("score",)
    columns: Sequence[str] = LEARNER_COLUMNS if result.learners else TEACHER_COLUMNS
    if result.learners:
        key, rows = "learners", [_learner(r) for r in result.rows]
    else:
        key, rows = "teachers", [_teacher(r) for r in result.rows]
        hidden += ("related",)
    return Listing(
        key=key,
        rows=rows,
        columns=columns,
        extra=extra,
        title=title,
        footer=footer,
        table_hidden=hidden,
    )


def resolve_listing(resolutions: Sequence[Resolution]) -> Listing:
    """One row per phrase: the topic it means (null when nothing fits) and the alternatives."""
    rows = [
        {
            "text": r.text,
            "topic": r.topic,
            "score": r.score,
            "alternatives": [tid for tid, _ in r.alternatives],
        }
        for r in resolutions
    ]
    return Listing(key="resolutions", rows=rows, columns=RESOLVE_COLUMNS)
