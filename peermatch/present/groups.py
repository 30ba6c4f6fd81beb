"""Groups of practice as a listing."""

from __future__ import annotations

from peermatch.analysis.groups import Groups
from peermatch.present.listing import Listing
from peermatch.present.plan import one_way_lines


def groups_listing(result: Groups) -> Listing:
    placed = sorted({m.system for g in result.groups for m in g.members})
    footer = [
        f"{len(result.groups)} group(s), {len(placed)} system(s) in at least one"
        + ("" if result.optimal else "; the solver's time limit stopped it: not proven best")
    ]
    if result.unplaced:
        footer.append(f"not placed ({len(result.unplaced)}):")
        footer.extend(f"  {u.system} on {u.topic}: {u.reason}" for u in result.unplaced)
    footer.extend(one_way_lines(result.one_way))
    return Listing(
        key="groups",
        rows=[g.as_row() for g in result.groups],
        columns=GROUP_COLUMNS,
        extra={
            "unplaced": [u.as_row() for u in result.unplaced],
            "one_way": [x.as_row() for x in result.one_way],
            "optimal": result.optimal,
            "settings": result.settings,
        },
        footer="\n".join(footer),
        table_hidden=("name",),
    )


GROUP_COLUMNS = ("group", "topic", "name", "size", "teachers", "learners", "related_teachers")
