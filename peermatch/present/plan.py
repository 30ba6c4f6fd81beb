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


def plan_listing(result: Plan, data: Dataset) -> Listing:
    """The plan as rows under ``links``, with the summary fields beside them."""
    rings = result.rings is not None
    loads = {ld.system: ld for ld in result.loads}
    extra: dict[str, Any] = {
        "total": result.total,
        "bound": result.bound,
        "optimal": result.optimal,
        "complete": result.complete,
        "left_out": [x.as_row() for x in result.left_out],
        "one_way": [x.as_row() for x in result.one_way],
        "systems": [ld.as_row() for ld in result.loads],
    }
    if result.rings is not None:
        extra["rings"] = [r.as_row() for r in result.rings]
    extra["settings"] = result.settings
    extra["notes"] = result.notes
    if rings:
        assert result.rings is not None
        titles = {
            str(r.ring): f"ring {r.ring}: "
            + " -> ".join((*r.systems, r.systems[0]))
            + f" (total {r.score:.1f})"
            for r in result.rings
        }
        group_by = "ring"
    else:
        titles = {}
        for sid, ld in loads.items():
            titles[sid] = (
                f"{sid} ({data.system(sid).name}): learns {ld.learns} of {ld.learn_capacity}, "
                f"teaches {ld.teaches} of {ld.teach_capacity}"
            )
        group_by = "learner"
    systems = len(result.loads)
    what = (
        f"{len(result.rings or [])} rings, {len(result.links)} links"
        if rings
        else f"{len(result.links)} links"
    )
    title = f"Plan for {systems} systems: {what}, total score {result.total:.1f}"
    return Listing(
        key="links",
        rows=[k.as_row(rings=rings) for k in result.links],
        columns=RING_COLUMNS if rings else PLAN_COLUMNS,
        extra=extra,
        title=title,
        footer=plan_summary(result),
        table_hidden=("other_topics", "partner", "pinned"),
        group_by=group_by,
        group_titles=titles,
    )


def plan_summary(result: Plan) -> str:
    """The lines after a plan's table: optimality, and who is left out and why."""
    rings = result.rings is not None
    if result.optimal and result.bound is not None:
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
