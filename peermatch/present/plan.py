"""A plan as a listing: its rows, the summary beside them and the lines after the table."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from peermatch.core.dataset import ONE_WAY_REASONS, Dataset, OneWay
from peermatch.core.plan import Plan
from peermatch.present.listing import Listing

# --------------------------------------------------------------------------- listing

PLAN_COLUMNS = (
    "learner",
    "teacher",
    "topic",
    "score",
    "other_topics",
    "two_way",
    "partner",
    "pinned",
    "reason",
)
RING_COLUMNS = (*PLAN_COLUMNS[:4], "ring", *PLAN_COLUMNS[4:])
ROUND_COLUMNS = (*PLAN_COLUMNS, "round")  # at the end: a plan's columns stay as they were


def plan_listing(result: Plan, data: Dataset) -> Listing:
    """The plan as rows under ``links``, with the summary fields beside them."""
    rings = result.rings is not None
    rounds = result.rounds is not None
    group_by, titles = _groups(result, data)
    what = (
        f"{len(result.rings or [])} rings, {len(result.links)} links"
        if rings
        else f"{result.rounds} rounds, {len(result.links)} links"
        if rounds
        else f"{len(result.links)} links"
    )
    title = f"Plan for {len(result.loads)} systems: {what}, total score {result.total:.1f}"
    return Listing(
        key="links",
        rows=[k.as_row(rings=rings, rounds=rounds) for k in result.links],
        columns=RING_COLUMNS if rings else ROUND_COLUMNS if rounds else PLAN_COLUMNS,
        extra=_summary_fields(result),
        title=title,
        footer=plan_summary(result),
        table_hidden=("other_topics", "partner", "pinned"),
        group_by=group_by,
        group_titles=titles,
    )


def _summary_fields(result: Plan) -> dict[str, Any]:
    """The fields beside the rows in the plan's JSON, in their order."""
    best = result.best_links
    extra: dict[str, Any] = {
        "total": result.total,
        "bound": result.bound,
        "optimal": result.optimal,
        "complete": result.complete,
        "min_score": result.min_score,
        "best_links": None if best is None else best.as_row(),
        "price_of_fairness": result.price_of_fairness,
        "left_out": [x.as_row() for x in result.left_out],
        "one_way": [x.as_row() for x in result.one_way],
        "systems": [ld.as_row() for ld in result.loads],
    }
    if result.rings is not None:
        extra["rings"] = [r.as_row() for r in result.rings]
    if result.alternates is not None:
        extra["alternates"] = [a.as_row() for a in result.alternates]
    if result.not_kept is not None:
        extra["not_kept"] = [x.as_row() for x in result.not_kept]
    if result.changes is not None:
        extra["changes"] = result.changes.as_row()
    extra["settings"] = result.settings
    extra["notes"] = result.notes
    return extra


def _groups(result: Plan, data: Dataset) -> tuple[str, dict[str, str]]:
    """What the table groups its rows by (ring, round or learner), and each group's title."""
    if result.rings is not None:
        titles = {
            str(r.ring): f"ring {r.ring}: "
            + " -> ".join((*r.systems, r.systems[0]))
            + f" (total {r.score:.1f})"
            for r in result.rings
        }
        return "ring", titles
    if result.rounds is not None:
        return "round", _round_titles(result)
    titles = {}
    for ld in result.loads:
        titles[ld.system] = (
            f"{ld.system} ({data.system(ld.system).name}): learns {ld.learns} of "
            f"{ld.learn_capacity}, teaches {ld.teaches} of {ld.teach_capacity}"
        )
    return "learner", titles


def _round_titles(result: Plan) -> dict[str, str]:
    per_round: dict[str, list[float]] = {}
    for link in result.links:
        per_round.setdefault(str(link.round), []).append(link.score)
    return {
        key: f"round {key}: {len(scores)} links, total score {math.fsum(scores):.1f}"
        for key, scores in per_round.items()
    }


def plan_messages(result: Plan) -> list[str]:
    """The lines for stderr when the rows go to a file or a machine format: the notes, who
    is left out and why, what could not be kept, and the changes counted."""
    lines = [f"note: {text}" for text in result.notes]
    lines += [f"left out: {x.system} ({x.role}): {x.reason}" for x in result.left_out]
    lines += [f"note: {line}" for line in one_way_lines(result.one_way)]
    lines += [f"not kept: {k.learner} <- {k.teacher}: {k.reason}" for k in result.not_kept or []]
    if result.changes is not None:
        ch = result.changes
        lines.append(
            f"changes against {ch.file}: {len(ch.added)} added, {len(ch.removed)} removed, "
            f"{len(ch.kept)} kept"
        )
    return lines


def plan_summary(result: Plan) -> str:
    """The lines after a plan's table: optimality, the lowest links, who is left out and
    why, what could not be kept, the changes and the alternates."""
    rings = result.rings is not None
    fair = result.objective == "fair"
    if result.optimal and result.bound is not None and fair:
        few = " that leaves as few out" * bool(result.left_out)
        lines = [
            f"optimal: no plan{few} has a higher lowest link score, nor with it a higher "
            f"total (bound {result.bound:.1f})"
        ]
    elif result.optimal and result.bound is not None:
        of = " of rings" if rings else ""
        few = (" that puts as many in rings" if rings else " that leaves as few out") * bool(
            result.left_out
        )
        lines = [f"optimal: no plan{of}{few} scores higher (bound {result.bound:.1f})"]
    elif result.bound is not None and math.isfinite(result.bound):
        lines = [f"not proven optimal: a plan could score up to {result.bound:.1f}"]
    else:
        lines = ["not proven optimal"]
    if not result.left_out:
        every = "every system is in a ring" if rings else "every system teaches and learns"
        lines.append(every + (" as far as its topics allow" if result.one_way else ""))
    else:
        systems = len({x.system for x in result.left_out})
        lines.append(f"left out ({systems} system{'s' if systems != 1 else ''}):")
        lines.extend(f"  {x.system} ({x.role}): {x.reason}" for x in result.left_out)
    lines.extend(_programme_lines(result))
    lines.extend(one_way_lines(result.one_way))
    lines.extend(f"note: {note}" for note in result.notes)
    return "\n".join(lines)


def one_way_lines(one_way: Sequence[OneWay]) -> list[str]:
    """One note per kind: ``teach-only (no challenges stated): a, b, c``."""
    out = []
    for role, reason in ONE_WAY_REASONS.items():
        ids = [x.system for x in one_way if x.role == role]
        if ids:
            out.append(f"{role} ({reason}): {', '.join(ids)}")
    return out


def _programme_lines(result: Plan) -> list[str]:
    """The summary's lines for the fair objective, --keep, --diff and --alternates."""
    lines = []
    best = result.best_links
    if best is not None and result.min_score is not None:
        lines.append(
            f"lowest link score {result.min_score:.1f}; each learner's best link: minimum "
            f"{best.minimum:.1f}, 10th percentile {best.p10:.1f}, median {best.median:.1f}"
        )
    if result.price_of_fairness is not None:
        best_total = result.total + result.price_of_fairness
        share = 100 * result.price_of_fairness / best_total if best_total else 0.0
        lines.append(
            f"price of fairness: {result.price_of_fairness:.1f} points "
            f"({share:.1f}% of the total-optimal plan's {best_total:.1f})"
        )
    if result.not_kept:
        lines.append(f"not kept from the earlier plan ({len(result.not_kept)} links):")
        lines.extend(f"  {x.learner} <- {x.teacher}: {x.reason}" for x in result.not_kept)
    if result.changes is not None:
        ch = result.changes
        lines.append(
            f"changes against {ch.file}: {len(ch.added)} added, {len(ch.removed)} removed, "
            f"{len(ch.kept)} kept"
        )
        lines.extend(f"  + {k.learner} <- {k.teacher} ({k.score:.1f})" for k in ch.added)
        lines.extend(f"  - {k.learner} <- {k.teacher} ({k.score:.1f})" for k in ch.removed)
    if result.alternates:
        lines.append("alternates (best first; * has a spare teaching place):")
        by_learner: dict[str, list[str]] = {}
        for a in result.alternates:
            mark = "*" if a.spare else ""
            by_learner.setdefault(a.learner, []).append(f"{a.teacher}{mark} {a.score:.1f}")
        lines.extend(f"  {lr}: {', '.join(alts)}" for lr, alts in by_learner.items())
    return lines
