"""Gaps as a listing."""

from __future__ import annotations

from collections.abc import Sequence

from peermatch.analysis.gaps import KINDS, Gap
from peermatch.core.dataset import OneWay
from peermatch.present.listing import Listing
from peermatch.present.plan import one_way_lines


def gaps_listing(found: list[Gap], one_way: Sequence[OneWay] = ()) -> Listing:
    """The gaps, with the teach-only and learn-only systems as notes (never gaps)."""
    counts = {kind: sum(1 for g in found if g.kind == kind) for kind in KINDS}
    if found:
        footer = (
            f"{len(found)} gap(s): {counts['untaught-challenge']} untaught challenge(s), "
            f"{counts['unneeded-system']} system(s) nobody needs, "
            f"{counts['untaught-system']} system(s) nobody can teach"
        )
    else:
        footer = "no gaps: every challenge has a teacher and every system can teach and learn"
        if one_way:
            footer += " as far as its topics allow"
    footer = "\n".join([footer, *one_way_lines(one_way)])
    return Listing(
        key="gaps",
        rows=[g.as_row() for g in found],
        columns=GAP_COLUMNS,
        extra={"counts": counts, "one_way": [x.as_row() for x in one_way]},
        footer=footer,
        table_hidden=("name",),
    )


GAP_COLUMNS = ("kind", "id", "name", "needed_by", "nearest", "detail")
