"""Teams as a listing: a row per member (``host, member, role, topics, coverage``), the
teams nested under ``teams`` in JSON, and the summary after the table."""

from __future__ import annotations

import math

from peermatch.core.teams import Teams
from peermatch.present.listing import Listing

TEAM_COLUMNS = ("host", "member", "role", "topics", "coverage")


def teams_listing(result: Teams) -> Listing:
    """A row per member, hosts in order; JSON nests the members under each host."""
    rows = [
        {
            "host": t.host,
            "member": m.member,
            "role": m.role,
            "topics": list(m.topics),
            "coverage": t.coverage,
        }
        for t in result.teams
        for m in t.members
    ]
    titles = {
        t.host: f"{t.host}: {len(t.members)} of {result.size}, coverage {t.coverage:.1f}"
        + (f" (uncovered: {', '.join(t.uncovered)})" if t.uncovered else "")
        for t in result.teams
    }
    hosts = len(result.teams)
    return Listing(
        key="teams",
        rows=rows,
        columns=TEAM_COLUMNS,
        json_rows=[t.as_row() for t in result.teams],
        extra={
            "total": result.total,
            "optimal": result.optimal,
            "bound": result.bound,
            "short": [{"host": t.host, "reason": t.reason} for t in result.short],
            "settings": result.settings,
        },
        title=f"Teams for {hosts} host{'s' if hosts != 1 else ''}: "
        f"total coverage {result.total:.1f}",
        footer=teams_summary(result),
        table_hidden=("coverage",),
        group_by="host",
        group_titles=titles,
    )


def teams_summary(result: Teams) -> str:
    """The lines after the table: optimality, and the hosts short of a full team, and why."""
    if result.optimal:
        lines = [f"optimal: no teams within the rules cover more (bound {result.bound:.1f})"]
    elif math.isfinite(result.bound):
        lines = [f"not proven optimal: teams could cover up to {result.bound:.1f} in total"]
    else:
        lines = ["not proven optimal"]
    short = result.short
    if not short:
        lines.append(f"every host has a full team of {result.size}")
    else:
        lines.append(f"short of a full team ({len(short)} host{'s' if len(short) != 1 else ''}):")
        lines.extend(f"  {t.host}: {t.reason}" for t in short)
    return "\n".join(lines)
