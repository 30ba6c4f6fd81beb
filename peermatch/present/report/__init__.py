"""A shareable picture of a programme: one self-contained HTML file, or Markdown for GitHub.

The report draws a :class:`~peermatch.core.plan.Plan` as a network: linked systems
sit near each other (:mod:`.layout`), labelled by their names shortened to fit
(:mod:`.labels`, never two overlapping); each teaching link is an arrow labelled with its
topic; a pair planned in both directions is drawn as two curved arrows in the two-way
colour, and each ring in a colour of its own. From :data:`.matrix.MATRIX_FROM` linked
systems the picture is a matrix of teachers by learners instead (:mod:`.matrix`). Beside
the picture: the supply and demand heatmap of topics (:mod:`peermatch.present.heatmap`),
the gaps, and for each system its links with the evidence behind them.

The HTML needs nothing from the network: styles are inline (:mod:`.style`, print
included), the picture is inline SVG, and the one inline script (:mod:`.script`: search,
focus, filter, hover) is allowed by its hash in a Content-Security-Policy that forbids
every fetch. The Markdown form draws the network as Mermaid ``flowchart TD`` diagrams
(:mod:`.mermaid`), split by group when large, which GitHub renders.

Every piece of user text goes through :func:`html.escape` (HTML) or :func:`mermaid_text`
and :func:`md_text` (Markdown). The output is deterministic: the layout is combinatorial,
coordinates are rounded, and nothing depends on the clock.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from peermatch.core.dataset import Dataset
from peermatch.core.errors import PeermatchError
from peermatch.core.weights import Weights
from peermatch.present.report.build import Report, build_report
from peermatch.present.report.html import render_html
from peermatch.present.report.markdown import render_markdown

if TYPE_CHECKING:
    from peermatch.scoring.adjustments import Adjustments


def render(report: Report, fmt: str) -> str:
    """The report as ``html`` or ``markdown`` text."""
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    raise PeermatchError(f"unknown report format '{fmt}'; use html or markdown")


def programme_report(
    data: Dataset,
    fmt: str,
    *,
    plan_file: Path | None,
    weights: Weights,
    adjustments: Adjustments | None,
    title: str,
    teams: bool,
) -> str:
    """``report``'s text: the plan read from ``plan_file`` (else made now, as ``plan`` does
    by default), drawn with its data, and the peer review teams of systems when asked."""
    if plan_file is not None:
        from peermatch.files.plan_json import read_plan

        drawn = read_plan(plan_file, data)
    else:
        from peermatch.planning.api import plan

        drawn = plan(data, weights=weights, adjustments=adjustments)
    made = None
    if teams:
        from peermatch.planning.teams import teams as make_teams

        made = make_teams(data, weights=weights)
    built = build_report(
        data, drawn, weights=weights, adjustments=adjustments, title=title, teams=made
    )
    return render(built, fmt)


__all__ = [
    "Report",
    "build_report",
    "programme_report",
    "render",
    "render_html",
    "render_markdown",
]
