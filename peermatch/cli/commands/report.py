"""``report``: the programme as a shareable picture (HTML, or Markdown with Mermaid)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from peermatch.cli.app import app
from peermatch.cli.options import (
    Shared,
    shares,
)


class ReportFormat(StrEnum):
    html = "html"
    markdown = "markdown"


@app.command()
@shares("history", "weights", "data", "output")
def report(
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help="The plan to draw: the JSON or CSV that 'peermatch plan --format json' (or "
            "csv) writes [default: make the plan now, as 'peermatch plan' does by default].",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="html (one self-contained file) or markdown (Mermaid diagram, for GitHub) "
            "[default: markdown for an --output ending .md, else html].",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    title: Annotated[
        str, typer.Option("--title", help="The report's heading.")
    ] = "Peer learning programme",
    teams: Annotated[
        bool,
        typer.Option(
            "--teams", help="Add a section of peer review teams of systems ('peermatch teams')."
        ),
    ] = False,
    *,
    shared: Shared,
) -> None:
    """The programme drawn as a network, with the topics' supply and demand, the gaps, and
    each system's links with the evidence behind them.

    Without --plan it makes the plan itself, as 'peermatch plan' does by default; with
    --plan, give the same --data (and --history, --weights) that made the plan.

    Example: peermatch report --plan plan.json --output report.html
    """
    from peermatch.files.atomic import write_atomic
    from peermatch.present import report as rp

    dataset = shared.load()
    w = shared.load_weights()
    adj = shared.adjustments(dataset, w)
    if plan is not None:
        from peermatch.files.plan_json import read_plan

        drawn = read_plan(plan, dataset)
    else:
        from peermatch.planning.api import plan as make_plan

        drawn = make_plan(dataset, weights=w, history=adj)
    made = None
    if teams:
        from peermatch.planning.teams import teams as make_teams

        made = make_teams(dataset, weights=w)
    built = rp.build_report(dataset, drawn, weights=w, history=adj, title=title, teams=made)
    output = shared.output
    if fmt is None:
        suffix = output.suffix.lower() if output is not None else ""
        fmt = ReportFormat.markdown if suffix in (".md", ".markdown") else ReportFormat.html
    text = rp.render(built, fmt.value)
    if output is not None:
        write_atomic(output, text)
    else:
        typer.echo(text, nl=False)
