"""The report as one self-contained HTML file: inline styles, the SVG picture, no fetches."""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

from peermatch import __version__
from peermatch.analysis.gaps import GAP, RELATED_ONLY
from peermatch.analysis.supply import DEMAND, SUPPLY, TopicBalance
from peermatch.core.dataset import LEVEL_NAMES
from peermatch.core.plan import PlanLink
from peermatch.present.heatmap import shade
from peermatch.present.plan import one_way_lines
from peermatch.present.report.build import Report
from peermatch.present.report.layout import KIND_COLOURS, ONE_WAY, TWO_WAY, ring_colour
from peermatch.present.report.matrix import use_matrix
from peermatch.present.report.script import SCRIPT, controls, script_hash
from peermatch.present.report.style import CSS
from peermatch.present.report.svg import render_svg
from peermatch.present.report.teams import teams_html

# Scripts only by the hash of the report's own script: no other inline script runs.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src {script}; img-src data:"


# A matrix may be wider than the text column: its figure takes the window's width.
_WIDE = ' class="wide"'


def render_html(report: Report) -> str:
    esc = html.escape
    data = report.data
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" '
        f'content="{_CSP.format(script=script_hash())}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="peermatch {esc(__version__)}">',
        f"<title>{esc(report.title)}</title>",
        f"<style>{CSS}</style>",
        f"<script>{SCRIPT}</script>",
        "</head>",
        "<body>",
        f"<h1>{esc(report.title)}</h1>",
        f'<p class="muted">{esc(_headline(report))}</p>',
    ]
    if report.history_note:
        out.append(f'<p class="muted">{esc(report.history_note)}</p>')
    out += [
        '<section id="programme">',
        "<h2>The programme</h2>",
        f"<p>{_reading(report)} Each system's links and the evidence behind them are "
        '<a href="#systems">below</a>.</p>',
        controls(report),
        _legend(report),
        *_figures(report),
        "</section>",
        '<section id="heatmap">',
        "<h2>Supply and demand of topics</h2>",
        "<p>For each topic: how many systems can teach it (by level) against how many need "
        "it (by priority). Darker cells are higher counts.</p>",
        _heatmap_table(_listed(report.balance)),
        f'<p class="muted">{html.escape(_unlisted_note(report.balance))}</p>',
        "</section>",
        '<section id="gaps">',
        "<h2>Gaps</h2>",
        _gaps_html(report),
        "</section>",
        teams_html(report.teams) if report.teams is not None else "",
        '<section id="systems">',
        "<h2>Systems, their links and the evidence</h2>",
        *_cards(report),
        "</section>",
        f'<footer class="muted"><p>Made with peermatch {esc(__version__)} from '
        f"{esc(Path(data.systems_file).name or 'systems.yaml')} and "
        f"{esc(Path(data.challenges_file).name or 'challenges.yaml')}.</p></footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


def _cards(report: Report) -> list[str]:
    """Each system's card, sorted by the name it shows: its links both ways."""
    esc = html.escape
    by_teacher: dict[str, list[PlanLink]] = defaultdict(list)
    by_learner: dict[str, list[PlanLink]] = defaultdict(list)
    for link in report.plan.links:
        by_teacher[link.teacher].append(link)
        by_learner[link.learner].append(link)
    out = []
    for p in sorted(report.data.systems, key=lambda p: (p.name.casefold(), p.id)):
        out.append(f'<div class="system" id="system-{esc(p.id)}">')
        where = ", ".join(x for x in (p.kind, p.country) if x)
        out.append(f'<h3>{esc(p.name)} <span class="muted">({esc(p.id)}; {esc(where)})</span></h3>')
        out.append("<h4>Teaches</h4>")
        out.append(_links_html(report, by_teacher[p.id], teaching=True))
        out.append("<h4>Learns from</h4>")
        out.append(_links_html(report, by_learner[p.id], teaching=False))
        out.append("</div>")
    return out


def _reading(report: Report) -> str:
    """How to read the picture: the network, or the matrix for a large programme."""
    if use_matrix(report):
        return (
            f"With {len(report.linked)} linked systems the programme is drawn as a matrix: a "
            "row for each system that teaches, a column for each that learns, a square for "
            "each link (darker scores higher)."
        )
    return (
        "Each arrow points from the system that teaches to the system that learns, and is "
        "labelled with the main topic. Thicker arrows score higher."
    )


def _figures(report: Report) -> list[str]:
    """The programme's picture, or one per round."""
    rounds = report.by_round()
    if not rounds:
        return [f"<figure{_WIDE if use_matrix(report) else ''}>{render_svg(report)}</figure>"]
    return [
        f"<figure{_WIDE if use_matrix(one) else ''}><figcaption>Round {r}: "
        f"{len(one.plan.links)} links</figcaption>{render_svg(one)}</figure>"
        for r, one in rounds
    ]


def _headline(report: Report) -> str:
    prog = report.plan
    n = len(report.data.systems)
    parts = [f"{n} systems", f"{len(prog.links)} links"]
    if report.mutual:
        parts.append(f"{len(report.mutual) // 2} two-way pair(s)")
    if report.rings:
        parts.append(f"{len(report.rings)} ring(s)")
    if report.summary:
        parts.append(report.summary)
    return "; ".join(dict.fromkeys(parts))


def _legend(report: Report) -> str:
    esc = html.escape
    kinds = sorted({p.kind for p in report.data.systems})
    items = [f'<span style="--c:{KIND_COLOURS.get(k, "#999999")}">{esc(k)}</span>' for k in kinds]
    items.append(f'<span class="line" style="--c:{ONE_WAY}">one-way link</span>')
    if report.mutual:
        items.append(f'<span class="line" style="--c:{TWO_WAY}">two-way: both directions</span>')
    for i, ring in enumerate(report.rings, start=1):
        colour = ring_colour(i)
        members = " → ".join((*ring, ring[0])) if ring else ""
        items.append(f'<span class="line" style="--c:{colour}">ring {i}: {esc(members)}</span>')
    return '<p class="legend">' + "".join(items) + "</p>"


def _listed(rows: list[TopicBalance]) -> list[TopicBalance]:
    """The topics someone teaches or needs (the rest of the catalogue is only counted)."""
    return [r for r in rows if r.teachers or r.learners]


def _unlisted_note(rows: list[TopicBalance]) -> str:
    """A sentence on the catalogue topics left out of the table, or nothing."""
    unused = len(rows) - len(_listed(rows))
    if not unused:
        return ""
    return (
        f"{unused} other catalogue topic(s) are neither a strength nor a challenge of any "
        "system here."
    )


def _heatmap_table(rows: list[TopicBalance]) -> str:
    from peermatch.present.heatmap import _GREENS, _REDS

    esc = html.escape
    tops = {c: max((int(r.as_row()[c]) for r in rows), default=0) for c in (*SUPPLY, *DEMAND)}
    head = (
        '<thead><tr><th rowspan="2">topic</th><th colspan="5">can teach</th>'
        '<th colspan="4">need it</th><th rowspan="2">status</th></tr><tr>'
        "<th>exemplar</th><th>established</th><th>emerging</th><th>all</th><th>related</th>"
        "<th>high</th><th>medium</th><th>low</th><th>all</th></tr></thead>"
    )
    body = []
    area = None
    for r in rows:
        if r.area != area:
            area = r.area
            body.append(f'<tr class="area"><th colspan="11">{esc(area)}</th></tr>')
        row = r.as_row()
        cells = [f'<td title="{esc(r.name)}">{esc(r.topic)}</td>']
        for cols, palette in ((SUPPLY, _GREENS), (DEMAND, _REDS)):
            for c in cols:
                n = int(row[c])
                colour = shade(n, tops[c], palette)
                style = ""
                if colour is not None:
                    ink = "#fff" if palette.index(colour) >= 2 else "#000"
                    style = f' style="background:{colour};color:{ink}"'
                cells.append(f'<td class="n"{style}>{n if n else ""}</td>')
        status_class = r.status.replace(" ", "-")
        cells.append(f'<td class="{status_class}">{esc(r.status)}</td>')
        body.append(f'<tr data-topic="{esc(r.topic)}">' + "".join(cells) + "</tr>")
    return f'<table class="heatmap">{head}<tbody>{"".join(body)}</tbody></table>'


def _gap_rows(report: Report) -> tuple[list[TopicBalance], list[TopicBalance], list[str]]:
    untaught = [r for r in report.balance if r.status == GAP]
    related = [r for r in report.balance if r.status == RELATED_ONLY]
    unlinked = [p.id for p in report.data.systems if p.id not in report.linked]
    return untaught, related, unlinked


def _gaps_html(report: Report) -> str:
    esc = html.escape
    untaught, related, unlinked = _gap_rows(report)
    needers = report.data.needers
    out = []
    if untaught:
        out.append(
            "<p>Needed, and nobody in the data can teach it, even through a related topic:</p><ul>"
        )
        out += [
            f"<li><strong>{esc(r.topic)}</strong> ({esc(r.name)}): needed by "
            f"{esc(', '.join(needers[r.topic]))}</li>"
            for r in untaught
        ]
        out.append("</ul>")
    if related:
        out.append("<p>Needed, and only related topics are taught (partial help):</p><ul>")
        out += [
            f"<li><strong>{esc(r.topic)}</strong> ({esc(r.name)}): needed by "
            f"{esc(', '.join(needers[r.topic]))}</li>"
            for r in related
        ]
        out.append("</ul>")
    if report.plan.left_out:
        out.append("<p>Left out of the plan:</p><ul>")
        out += [
            f"<li><strong>{esc(x.system)}</strong>"
            + (f" ({esc(x.role)})" if x.role else "")
            + (f": {esc(x.reason)}" if x.reason else "")
            + "</li>"
            for x in report.plan.left_out
        ]
        out.append("</ul>")
    if unlinked:
        out.append(f"<p>Systems with no link in the plan: {esc(', '.join(unlinked))}.</p>")
    out += [f"<p>{esc(line)}.</p>" for line in one_way_lines(report.data.one_way_systems())]
    if not out:
        out.append("<p>None: every needed topic has a teacher and every system has a link.</p>")
    return "\n".join(out)


def _links_html(report: Report, links: list[PlanLink], *, teaching: bool) -> str:
    esc = html.escape
    if not links:
        return '<p class="muted">none in this plan</p>'
    items = []
    for link in sorted(links, key=lambda k: (-k.score, k.learner if teaching else k.teacher)):
        other = link.learner if teaching else link.teacher
        flags = []
        if (link.teacher, link.learner) in report.mutual:
            flags.append("two-way")
        if link.ring is not None:
            flags.append(f"ring {link.ring}")
        flag_text = f" ({', '.join(flags)})" if flags else ""
        head = (
            f"{'teaches' if teaching else 'learns from'} "
            f'<a href="#system-{esc(other)}">{esc(report.data.system(other).name)}</a> '
            f"on <strong>{esc(link.topic)}</strong> — score "
            f'<span class="score">{link.score:.1f}</span>{esc(flag_text)}'
        )
        items.append(f"<li>{head}{_evidence_html(report, link)}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _evidence_html(report: Report, link: PlanLink) -> str:
    esc = html.escape
    b = report.breakdowns.get((link.teacher, link.learner))
    if b is None:
        return ""
    lines = []
    for c in sorted(b.contributing, key=lambda c: (c.need != link.topic, -c.credit, c.need)):
        assert c.level is not None
        via = f" through related topic {c.via}" if c.related else ""
        source = f'<div class="source">{esc(c.source)}</div>' if c.source else ""
        lines.append(
            f'<li class="evidence"><em>{esc(c.need)}</em>{esc(via)}, '
            f"{esc(LEVEL_NAMES[c.level])}: {esc(c.evidence or '')}{source}</li>"
        )
    return "<ul>" + "".join(lines) + "</ul>" if lines else ""
