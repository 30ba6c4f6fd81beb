"""``report``: the programme as a shareable picture (HTML, or Markdown with Mermaid)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from peermatch.cli.app import app
from peermatch.cli.options import Shared, shares


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
    from peermatch.present.report import programme_report

    dataset = shared.load()
    w = shared.load_weights()
    text = programme_report(
        dataset,
        _report_format(fmt, shared.output).value,
        plan_file=plan,
        weights=w,
        adjustments=shared.adjustments(dataset, w),
        title=title,
        teams=teams,
    )
    shared.write_text(text)


def _report_format(fmt: ReportFormat | None, output: Path | None) -> ReportFormat:
    """--format as given, else markdown for an --output ending .md (or .markdown), else html."""
    if fmt is not None:
        return fmt
    suffix = output.suffix.lower() if output is not None else ""
    return ReportFormat.markdown if suffix in (".md", ".markdown") else ReportFormat.html
