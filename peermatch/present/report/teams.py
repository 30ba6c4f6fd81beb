"""The report's teams section (``report --teams``): each host's peer review team, as a
Markdown table or an HTML table, with the hosts short of a full team and why."""

from __future__ import annotations

import html
from collections.abc import Callable

from peermatch.core.teams import Teams
from peermatch.present.listing import cell

INTRO = (
    "A peer review team for each host (as 'peermatch teams' builds them): members who bring "
    "the host's needs, none associated with it, at most one per system, within capacity."
)


def _rows(teams: Teams) -> list[tuple[str, str, str, str]]:
    return [
        (t.host, f"{t.coverage:.1f}", ", ".join(m.member for m in t.members), cell(t.uncovered))
        for t in teams.teams
    ]


def _closing(teams: Teams) -> list[str]:
    proven = "optimal" if teams.optimal else f"not proven optimal (bound {teams.bound:.1f})"
    lines = [f"Total coverage {teams.total:.1f}, {proven}."]
    lines += [f"{t.host} is short of a full team: {t.reason}." for t in teams.short]
    return lines


def teams_markdown(teams: Teams, esc: Callable[[str], str]) -> list[str]:
    """The section as Markdown lines (``esc``: the report's Markdown text escaper)."""
    out = ["## Peer review teams", "", esc(INTRO), ""]
    out += ["| host | coverage | members | uncovered |", "| --- | ---: | --- | --- |"]
    out += [f"| {' | '.join(esc(v) for v in row)} |" for row in _rows(teams)]
    out += [""] + [esc(line) for line in _closing(teams)] + [""]
    return out


def teams_html(teams: Teams) -> str:
    """The section as one HTML ``<section>``."""
    esc = html.escape
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in _rows(teams)
    )
    closing = "".join(f"<p>{esc(line)}</p>" for line in _closing(teams))
    return (
        '<section id="teams"><h2>Peer review teams</h2>'
        f"<p>{esc(INTRO)}</p><table><thead><tr><th>host</th><th>coverage</th>"
        f"<th>members</th><th>uncovered</th></tr></thead><tbody>{body}</tbody></table>"
        f"{closing}</section>"
    )
