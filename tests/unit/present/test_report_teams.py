"""The report's teams section: present with ``teams``, absent without, text escaped."""

from __future__ import annotations

from cohorts import Spec, dataset
from conftest import invoke

from peermatch.core.plan import Plan
from peermatch.core.teams import HostTeam, TeamMember, Teams
from peermatch.present.report import build_report, render


def _teams() -> Teams:
    team = HostTeam("h", 93.75, (TeamMember("a", "trust", ("t-a",)),), ("t-c",), "1 of 2 <b>")
    return Teams((team,), 93.75, 93.75, True, 2, {})


def _report(teams: Teams | None):  # type: ignore[no-untyped-def]
    from peermatch.planning.api import plan

    data = dataset([Spec("h", needs={"t-a": 3}), Spec("a", strengths={"t-a": 3})])
    drawn: Plan = plan(data)
    return build_report(data, drawn, teams=teams)


def test_the_section_is_there_only_with_teams() -> None:
    md = render(_report(_teams()), "markdown")
    assert "## Peer review teams" in md
    assert "| h | 93.8 | a | t-c |" in md
    assert "Total coverage 93.8, optimal." in md
    assert "h is short of a full team: 1 of 2 &lt;b>." in md
    page = render(_report(_teams()), "html")
    assert '<section id="teams"><h2>Peer review teams</h2>' in page
    assert "<td>h</td><td>93.8</td><td>a</td><td>t-c</td>" in page and "<b>." not in page
    assert "Peer review teams" not in render(_report(None), "markdown")
    assert 'id="teams"' not in render(_report(None), "html")


def test_report_teams_on_the_shipped_data() -> None:
    result = invoke("report", "--teams", "--format", "markdown")
    assert result.exit_code == 0
    assert "## Peer review teams" in result.stdout
    assert (
        "| wakefield | 93.8 | bob, cambridgeshire-peterborough, frimley, thames-valley-surrey |"
        in (result.stdout)
    )
