"""The report of a plan in rounds: one picture per round."""

from __future__ import annotations

from conftest import TEST_DATA

import peermatch
from peermatch.present import report

COHORT = TEST_DATA / "valid" / "cohort"


def test_one_picture_per_round() -> None:
    data = peermatch.load(COHORT)
    plan = peermatch.plan(data, rounds=2)
    built = report.build_report(data, plan)
    rounds = built.by_round()
    assert [r for r, _ in rounds] == [1, 2]
    assert sum(len(one.plan.links) for _, one in rounds) == len(plan.links)
    assert all(k.round == r for r, one in rounds for k in one.plan.links)
    html = report.render_html(built)
    assert html.count("<svg") == 2 and "<figcaption>Round 2: " in html
    markdown = report.render_markdown(built)
    assert markdown.count("```mermaid") == 2 and "### Round 1" in markdown


def test_one_picture_without_rounds() -> None:
    data = peermatch.load(COHORT)
    built = report.build_report(data, peermatch.plan(data))
    assert built.by_round() == []
    assert report.render_html(built).count("<svg") == 1
