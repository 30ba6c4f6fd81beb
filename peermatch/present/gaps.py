"""Gaps as a listing."""

from __future__ import annotations

from peermatch.analysis.gaps import KINDS, Gap
from peermatch.present.listing import Listing


def gaps_listing(found: list[Gap]) -> Listing:
    counts = {kind: sum(1 for g in found if g.kind == kind) for kind in KINDS}
    if found:
        footer = (
            f"{len(found)} gap(s): {counts['untaught-challenge']} untaught challenge(s), "
            f"{counts['unneeded-system']} system(s) nobody needs, "
            f"{counts['untaught-system']} system(s) nobody can teach"
        )
    else:
        footer = "no gaps: every challenge has a teacher and every system can teach and learn"
    return Listing(
        key="gaps",
        rows=[g.as_row() for g in found],
        columns=GAP_COLUMNS,
        extra={"counts": counts},
        footer=footer,
        table_hidden=("name",),
    )


GAP_COLUMNS = ("kind", "id", "name", "needed_by", "nearest", "detail")
