"""The report as Markdown for GitHub: the network as Mermaid flowcharts, then the tables."""

from __future__ import annotations

from peermatch.analysis.gaps import GAP
from peermatch.analysis.supply import DEMAND, SUPPLY, TopicBalance
from peermatch.core.dataset import LEVEL_NAMES
from peermatch.present.listing import markdown_text
from peermatch.present.plan import one_way_lines
from peermatch.present.report.build import Report
from peermatch.present.report.html import _gap_rows, _headline, _listed, _unlisted_note
from peermatch.present.report.mermaid import MAX_EDGES, MAX_TEXT, diagrams
from peermatch.present.report.teams import teams_markdown


def md_text(text: str) -> str:
    """Text safe in a Markdown paragraph or table cell (the one Markdown sanitiser)."""
    return markdown_text(text)


def render_markdown(report: Report) -> str:
    data = report.data
    out = [f"# {md_text(report.title)}", "", md_text(_headline(report)), ""]
    if report.history_note:
        out += [md_text(report.history_note), ""]
    out += [
        "## The programme",
        "",
        "Each arrow points from the system that teaches to the system that learns, labelled "
        "with the main topic and the score. Thick arrows: both directions are planned.",
        "",
    ]
    for r, one in report.by_round() or [(0, report)]:
        out += [f"### Round {r}", ""] if r else []
        out += _network(one)
    unlinked = [p.id for p in data.systems if p.id not in report.linked]
    if unlinked:
        out += [f"Not in the picture (no link): {md_text(', '.join(unlinked))}.", ""]
    out += _markdown_heatmap(_listed(report.balance))
    if _unlisted_note(report.balance):
        out += [md_text(_unlisted_note(report.balance)), ""]
    out += _gaps(report)
    if report.teams is not None:
        out += teams_markdown(report.teams, md_text)
    out += _systems(report)
    return "\n".join(out).rstrip("\n") + "\n"


def _network(report: Report) -> list[str]:
    """The network's Mermaid diagram(s), each with its heading when split."""
    drawn = diagrams(report)
    out: list[str] = []
    if len(drawn) > 1:
        out += [
            f"With {len(report.linked)} linked systems the network is split into "
            f"{len(drawn)} diagrams, one per group of linked systems (small groups together).",
            "",
        ]
    for d in drawn:
        if d.heading:
            out += [f"### {md_text(d.heading)}", ""]
        out += ["```mermaid", *d.lines, "```", ""]
        if d.left_out:
            out += [
                f"{d.left_out} weaker link(s) of this group are not drawn: Mermaid draws no "
                f"diagram with more than {MAX_EDGES} links or {MAX_TEXT:,} characters. Every "
                "link is listed below.",
                "",
            ]
    return out


def _gaps(report: Report) -> list[str]:
    """The gaps section: untaught and related-only topics, then who is left out."""
    data, prog = report.data, report.plan
    out: list[str] = []
    out += ["## Gaps", ""]
    untaught, related, _ = _gap_rows(report)
    needers = data.needers
    for title, rows in (
        ("Needed, and nobody can teach it, even through a related topic", untaught),
        ("Needed, and only related topics are taught", related),
    ):
        if rows:
            out += [f"{title}:", ""]
            out += [
                f"- **{md_text(r.topic)}** ({md_text(r.name)}): needed by "
                f"{md_text(', '.join(needers[r.topic]))}"
                for r in rows
            ]
            out.append("")
    if prog.left_out:
        out += ["Left out of the plan:", ""]
        out += [
            f"- **{md_text(x.system)}**"
            + (f" ({md_text(x.role)})" if x.role else "")
            + (f": {md_text(x.reason)}" if x.reason else "")
            for x in prog.left_out
        ]
        out.append("")
    if not (untaught or related or prog.left_out):
        out += ["None: every needed topic has a teacher.", ""]
    for line in one_way_lines(data.one_way_systems()):  # normal: notes, not gaps
        out += [md_text(line), ""]
    return out


def _systems(report: Report) -> list[str]:
    """Each system's links, both ways, with the evidence behind each."""
    data, prog = report.data, report.plan
    out: list[str] = []
    out += ["## Systems, their links and the evidence", ""]
    for p in sorted(data.systems, key=lambda p: (p.name.casefold(), p.id)):
        out += [f"### {md_text(p.name)} ({md_text(p.id)})", ""]
        teaches = [k for k in prog.links if k.teacher == p.id]
        learns = [k for k in prog.links if k.learner == p.id]
        for heading, links, teaching in (
            ("Teaches", teaches, True),
            ("Learns from", learns, False),
        ):
            out.append(f"**{heading}:**" + ("" if links else " none in this plan"))
            out.append("")
            for link in sorted(
                links, key=lambda k: (-k.score, k.learner if teaching else k.teacher)
            ):
                other = link.learner if teaching else link.teacher
                two = " (two-way)" if (link.teacher, link.learner) in report.mutual else ""
                out.append(
                    f"- {md_text(data.system(other).name)} on **{md_text(link.topic)}**, "
                    f"score {link.score:.1f}{two}"
                )
                b = report.breakdowns.get((link.teacher, link.learner))
                for c in sorted(
                    b.contributing if b else (),
                    key=lambda c: (c.need != link.topic, -c.credit, c.need),
                ):
                    assert c.level is not None
                    via = f" through related topic {md_text(c.via or '')}" if c.related else ""
                    out.append(
                        f"  - *{md_text(c.need)}*{via}, {LEVEL_NAMES[c.level]}: "
                        f"{md_text(c.evidence or '')}"
                        + (f" ({md_text(c.source)})" if c.source else "")
                    )
            out.append("")
    return out


def _markdown_heatmap(rows: list[TopicBalance]) -> list[str]:
    out = [
        "## Supply and demand of topics",
        "",
        "Can teach: systems with a strength (exemplar / established / emerging, and through a "
        "related topic). Need it: systems with the challenge (high / medium / low priority).",
        "",
        "| area | topic | exemplar | established | emerging | can teach | related | high | "
        "medium | low | need it | status |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        row = r.as_row()
        numbers = " | ".join(str(row[c]) for c in (*SUPPLY, *DEMAND))
        status = f"**{r.status}**" if r.status == GAP else r.status
        out.append(f"| {md_text(r.area)} | {md_text(r.topic)} | {numbers} | {status} |")
    out.append("")
    return out
