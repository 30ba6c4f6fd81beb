"""The report: the programme as a picture, in HTML and Markdown (browser test apart)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import REPO, SMALL, invoke, run

import peermatch
from peermatch.core.errors import DataError
from peermatch.files.plan_json import read_plan
from peermatch.present import report
from peermatch.present.report import layout, mermaid

REPORT_DATA = REPO / "tests" / "data" / "report"
NASTY = REPORT_DATA / "nasty"
SHIPPED_PLAN = REPORT_DATA / "shipped-plan.json"
SHIPPED_RINGS = REPORT_DATA / "shipped-rings.json"


def build(data_dir: Path | None, plan: Path, **kw):  # type: ignore[no-untyped-def]
    data = peermatch.load(data_dir)
    return report.build_report(data, read_plan(plan, data), **kw)


def test_html_is_self_contained_and_has_one_node_per_system() -> None:
    r = build(None, SHIPPED_PLAN)
    text = report.render_html(r)
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    # nothing fetched: no external URL in any src/href, and a CSP forbidding fetches
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!#)""", text)
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text
    assert "default-src 'none'" in text
    assert text.count('<circle class="node"') == len(r.data.systems) == 34
    assert text.count('<g class="link ') == len(r.plan.links) == 36
    assert "<marker" in text and "marker-end=" in text
    for p in r.data.systems:
        assert f'id="system-{p.id}"' in text


def test_two_way_and_rings_are_styled() -> None:
    links = build(NASTY, NASTY / "plan.json")
    text = report.render_html(links)
    mutual = sorted(links.mutual)
    assert mutual  # this plan has a pair planned both ways (the shipped plan need not)
    for teacher, learner in mutual:
        hooks = f'<g class="link two-way" data-teacher="{teacher}" data-learner="{learner}" '
        assert hooks in text
    rings = build(None, SHIPPED_RINGS)
    text = report.render_html(rings)
    assert text.count('<g class="link ring"') == len(rings.plan.links) == 18
    assert "ring 1: bob → wakefield → impact-adult-care → bob" in text
    assert "7 ring(s)" in text


def test_every_link_shows_its_evidence() -> None:
    r = build(SMALL, REPORT_DATA / "small-plan.json")
    text = report.render_html(r)
    assert (
        'teaches <a href="#system-beta">Beta ICS</a> on <strong>ambulance-handover</strong>' in text
    )
    assert "Cut delays by 50 per cent." in text
    assert "Report section: Alpha" in text
    assert "through related topic ambulance-handover" in text  # discharge <- handover


def test_user_text_is_escaped() -> None:
    r = build(NASTY, NASTY / "plan.json")
    text = report.render_html(r)
    assert "<script>alert" not in text
    assert "<img src=x" not in text
    assert "<b>bold</b>" not in text
    assert html.escape('End "quoted" <script>alert(1)</script>') in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert text.count("<script>") == 1  # ours: it records load errors


def test_markdown_with_mermaid() -> None:
    r = build(NASTY, NASTY / "plan.json")
    md = report.render_markdown(r)
    block = re.search(r"```mermaid\n(.*?)```", md, re.S)
    assert block is not None
    lines = block.group(1).splitlines()
    assert lines[0] == "flowchart TD"
    assert lines[1:] == [
        '  n0["End #34;quoted#34; #60;script#62;alert(1)#60;/script#62;"]',
        '  n1["click callback; style fill:#35;f00 %% comment"]',
        '  n0 == "end (95.0)" ==> n1',
        '  n1 == "subgraph (71.2)" ==> n0',
    ]
    assert '### End "quoted" &lt;script>alert\\(1\\)&lt;/script> (end)' in md
    assert "- **lonely** (learn): lists no challenges &lt;b>" in md
    rings = report.render_markdown(build(None, SHIPPED_RINGS))
    assert rings.count("  subgraph ring") == 7
    assert '  subgraph ring1["ring 1"]' in rings


def test_mermaid_labels_never_break_out() -> None:
    nasty = 'a"b]c[d|e<f>g{h}i\nj#k`l'
    out = mermaid.mermaid_text(nasty)
    assert not set(out) & set('"[]|<>{}`\n')
    assert out == "a#34;b#93;c#91;d#124;e#60;f#62;g#123;h#125;i j#35;k#96;l"


def test_output_is_deterministic() -> None:
    first = report.render_html(build(None, SHIPPED_PLAN))
    assert report.render_html(build(None, SHIPPED_PLAN)) == first
    assert report.render_markdown(build(None, SHIPPED_PLAN)) == report.render_markdown(
        build(None, SHIPPED_PLAN)
    )


def test_layout_keeps_nodes_apart_and_on_the_canvas() -> None:
    r = build(None, SHIPPED_PLAN)
    width, height, pos = layout.geometry(r)
    points = [(x, y) for x, y, _ in pos.values()]
    assert len(points) == len(r.data.systems) == 34
    for x, y in points:
        assert 0 <= x <= width and 0 <= y <= height
    closest = min(
        ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
        for i, a in enumerate(points)
        for b in points[i + 1 :]
    )
    assert closest > 2 * layout.NODE_R


def test_heatmap_gaps_and_history_note(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = report.render_html(build(None, SHIPPED_PLAN))
    assert '<table class="heatmap">' in text
    assert '<tr data-topic="prevention">' in text
    assert "Needed, and only related topics are taught" in text
    data = peermatch.load()
    from peermatch.files.history import load_history
    from peermatch.scoring.adjustments import adjustments

    adj = adjustments(load_history(REPO / "examples" / "history.yaml", data), data)
    r = report.build_report(data, read_plan(SHIPPED_PLAN, data), adjustments=adj)
    assert "links made in 2023 or later are not repeated" in report.render_html(r)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "::$: not JSON (line 1, column 2: "),
        ("[]", "::$: the top level must be an object with a 'links' list"),
        (
            '{"links": [{"teacher": "nope", "learner": "alpha", "topic": "camhs", "score": 1}]}',
            "::$: 1 system or topic reference(s) not in the data ($.links[0].teacher 'nope'); "
            "was the plan made from other data?",
        ),
        (
            '{"links": [{"teacher": "beta", "learner": "alpha"}]}',
            "::$.links[0].topic: missing; write it with 'peermatch plan --format json",
        ),
    ],
)
def test_bad_plan_files(tmp_path, text, message) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "plan.json"
    path.write_text(text)
    with pytest.raises(DataError, match=re.escape(message)):
        read_plan(path, peermatch.load(SMALL))
    result = invoke("report", "--data", str(SMALL), "--plan", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}{message}")


def test_cli_writes_html_or_markdown(tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan = str(REPORT_DATA / "small-plan.json")
    out = tmp_path / "report.html"
    result = invoke("report", "--data", str(SMALL), "--plan", plan, "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert out.read_text().startswith("<!DOCTYPE html>")
    md = tmp_path / "report.md"
    invoke("report", "--data", str(SMALL), "--plan", plan, "-o", str(md), "--title", "Cohort 2025")
    assert md.read_text().startswith("# Cohort 2025\n")
    result = invoke("report", "--data", str(SMALL), "--plan", plan, "--format", "markdown")
    assert result.stdout.startswith("# Peer learning programme\n")
    assert "```mermaid\nflowchart TD\n" in result.stdout
    result = invoke("report", "--data", str(SMALL), "--plan", plan, "-f", "html", "-o", str(md))
    assert md.read_text().startswith("<!DOCTYPE html>")


def test_cli_subprocess(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "report.html"
    proc = run("report", "--plan", str(SHIPPED_PLAN), "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 10_000


def test_teach_only_systems_are_a_note_not_left_out() -> None:
    r = build(None, SHIPPED_PLAN)
    assert r.plan.left_out == [] and len(r.plan.one_way) == 16
    md = report.render_markdown(r)
    assert "Left out of the plan" not in md
    assert "teach-only \\(no challenges stated\\): bradford, calderdale-huddersfield," in md
    page = report.render_html(r)
    assert "Left out of the plan" not in page
    assert "<p>teach-only (no challenges stated): bradford, calderdale-huddersfield," in page
