"""The report's views: names on labels, labels that never overlap, a colour per ring, the
matrix for a large plan, the script's hash, cards by name, and Mermaid split and drawable."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from conftest import REPO, examples
from hypothesis import given, settings
from hypothesis import strategies as st

import peermatch
from peermatch.core.plan import Plan, PlanLink
from peermatch.files.plan_json import read_plan
from peermatch.present import report
from peermatch.present.report import labels, layout, matrix, mermaid, svg
from peermatch.present.report.build import link_topics

SHIPPED_PLAN = REPO / "tests" / "data" / "report" / "shipped-plan.json"
SHIPPED_RINGS = REPO / "tests" / "data" / "report" / "shipped-rings.json"


def shipped(plan=SHIPPED_PLAN):  # type: ignore[no-untyped-def]
    data = peermatch.load()
    return report.build_report(data, read_plan(plan, data))


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Dorset", "Dorset"),
        ("North East and North Cumbria", "North East & North Cumbria"),
        ("West Yorkshire Association of Acute Trusts (WYAAT)", "WYAAT"),
        ("Gloucestershire (One Gloucestershire)", "Gloucestershire"),
        ("Calderdale and Huddersfield NHS Foundation Trust", "Calderdale & Huddersfield…"),
        ("Local Government Association sector-led improvement", "LGA sector-led improvement"),
        ("Lancashire and South Cumbria Provider Collaboration Board", "Lancashire & South…"),
    ],
)
def test_short_names(name: str, short: str) -> None:
    assert labels.short_name(name) == short
    assert len(short) <= labels.LABEL_CHARS


def test_names_whose_short_forms_collide_keep_their_full_names() -> None:
    names = {
        "a": "North East and North Cumbria Provider Collaborative Alpha",
        "b": "North East and North Cumbria Provider Collaborative Beta",
        "c": "Dorset",
    }
    assert labels.short_names(names) == {**names, "c": "Dorset"}


def boxes(r: report.Report) -> list[tuple[float, float, float, float]]:
    """The visible node labels' boxes, as the SVG places them."""
    width, height, pos = layout.geometry(r)
    m = 24.0
    places = labels.place_labels(
        r.order, pos, r.names, layout.NODE_R, (-m, -m, width + m, height + m)
    )
    out = []
    for sid, place in places.items():
        if place is None:
            continue
        x, y, anchor = place
        w = labels.text_width(r.names[sid])
        left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
        out.append((left, y - labels.LABEL_HEIGHT / 2, left + w, y + labels.LABEL_HEIGHT / 2))
    return out


def overlapping(found: list[tuple[float, float, float, float]]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, a in enumerate(found)
        for j, b in enumerate(found[i + 1 :], start=i + 1)
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


def test_shipped_labels_do_not_overlap_and_most_show() -> None:
    for plan in (SHIPPED_PLAN, SHIPPED_RINGS):
        r = shipped(plan)
        found = boxes(r)
        assert overlapping(found) == []
        assert len(found) >= 0.8 * len(r.order)
        # the topic labels drawn stay clear of the names, the nodes and each other
        width, height, pos = layout.geometry(r)
        m = svg.MARGIN
        places = labels.place_labels(
            r.order, pos, r.names, layout.NODE_R, (-m, -m, width + m, height + m)
        )
        drawn = layout.edges(r, pos)
        shown = sorted(svg._clear_topics(r, pos, places, drawn))
        assert len(shown) >= len(drawn) // 3
        nodes = [(x - 9, y - 9, x + 9, y + 9) for x, y, _ in pos.values()]
        curves = [labels.curved(drawn[i].label_points()) for i in shown]
        for i, curve in enumerate(curves):
            others = curves[:i] + curves[i + 1 :]
            assert labels.clear_of(curve, found + nodes, others, svg.TOPIC_GAP - 0.5)


points = st.lists(
    st.tuples(st.floats(0, 400), st.floats(0, 300), st.booleans()), min_size=1, max_size=30
)


@settings(max_examples=examples(100))
@given(points, st.lists(st.text("abcdefgh ", min_size=1, max_size=30), min_size=30, max_size=30))
def test_placed_labels_never_overlap_each_other_or_a_node_nor_leave_the_canvas(
    pos: list[tuple[float, float, bool]], names: list[str]
) -> None:
    ids = [f"s{i}" for i in range(len(pos))]
    where = dict(zip(ids, pos, strict=True))
    texts = dict(zip(ids, names, strict=False))
    bounds = (-10.0, -10.0, 410.0, 310.0)
    places = labels.place_labels(ids, where, texts, 9.0, bounds)
    found = []
    for sid, place in places.items():
        if place is None:
            continue
        x, y, anchor = place
        w = labels.text_width(texts[sid])
        left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
        box = (left, y - 6.5, left + w, y + 6.5)
        assert bounds[0] <= box[0] and box[2] <= bounds[2] + 0.1
        for nx, ny, _ in pos:
            assert not (
                box[0] < nx + 9 - 0.1
                and nx - 9 < box[2] - 0.1
                and box[1] < ny + 9 - 0.1
                and ny - 9 < box[3] - 0.1
            )
        found.append(box)
    shrunk = [(a + 0.1, b + 0.1, c - 0.1, d - 0.1) for a, b, c, d in found]  # rounding
    assert overlapping(shrunk) == []


def test_edge_labels_fit_their_curves() -> None:
    r = shipped()
    for e in layout.edges(r, layout.geometry(r)[2]):
        assert e.label in ("", e.link.topic) or (
            e.label.endswith("…") and e.link.topic.startswith(e.label[:-1])
        )
    assert layout.fit_label("discharge", 200.0) == "discharge"
    assert layout.fit_label("health-inequalities", 60.0) == "health…"
    assert layout.fit_label("discharge", 20.0) == ""


def test_every_ring_has_its_own_colour() -> None:
    colours = [layout.ring_colour(i) for i in range(1, 61)]
    assert len(set(colours)) == 60
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)


def test_the_script_is_allowed_by_its_hash_and_nothing_else() -> None:
    text = report.render_html(shipped())
    script = re.search(r"<script>(.*?)</script>", text, re.S)
    assert script is not None and text.count("<script>") == 1
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}';" in text
    assert not re.search(r"\son[a-z]+=", text)  # no inline handlers (the CSP would block them)


def test_cards_are_sorted_by_the_name_they_show() -> None:
    r = shipped()
    text = report.render_html(r)
    shown = re.findall(r'<div class="system" id="system-[^"]+">\n<h3>([^<]*) <span', text)
    assert len(shown) == 34 and shown == sorted(shown, key=str.casefold)
    md = report.render_markdown(r)
    headings = re.findall(r"^### (.*) \([a-z0-9-]+\)$", md, re.M)
    assert headings == sorted(headings, key=str.casefold)


def test_topics_met_through_a_related_topic_count_as_the_need() -> None:
    link = PlanLink("a", "b", "discharge", 50.0, other_topics=("adult-social-care<-discharge",))
    assert link_topics(link) == ("discharge", "adult-social-care")


def test_a_large_plan_is_drawn_as_a_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    r = shipped()
    assert not matrix.use_matrix(r) and 'class="matrix"' not in report.render_html(r)
    monkeypatch.setattr(matrix, "MATRIX_FROM", 30)
    text = report.render_html(r)
    assert '<svg xmlns="http://www.w3.org/2000/svg" id="network" class="matrix"' in text
    assert text.count('<g class="link ') == 36
    assert "drawn as a matrix: a row for each system that teaches" in text
    teachers = {k.teacher for k in r.plan.links}
    learners = {k.learner for k in r.plan.links}
    assert text.count('<g class="node"') == len(teachers) + len(learners)


def small_groups(pairs: int) -> report.Report:
    """A plan of ``pairs`` separate teacher -> learner pairs of shipped systems."""
    data = peermatch.load()
    ids = [p.id for p in data.systems][: 2 * pairs]
    links = [PlanLink(ids[2 * i + 1], ids[2 * i], "discharge", 50.0 + i) for i in range(pairs)]
    plan = Plan(links=links, total=0.0, bound=None, optimal=False, left_out=[], loads=[])
    return report.build_report(data, plan)


def test_mermaid_is_one_top_down_diagram_for_a_small_plan() -> None:
    drawn = mermaid.diagrams(small_groups(5))
    assert len(drawn) == 1 and drawn[0].heading == "" and drawn[0].lines[0] == "flowchart TD"
    md = report.render_markdown(small_groups(5))
    assert md.count("```mermaid\nflowchart TD\n") == 1


def test_mermaid_splits_a_large_plan_by_group() -> None:
    r = small_groups(15)  # 30 linked systems in 15 groups of two
    drawn = mermaid.diagrams(r)
    assert [d.heading for d in drawn] == ["Group 1 of 2: 16 systems", "Group 2 of 2: 14 systems"]
    assert sum(sum(" --> " in line for line in d.lines) for d in drawn) == 15
    md = report.render_markdown(r)
    assert "the network is split into 2 diagrams" in md
    assert md.count("```mermaid\nflowchart TD\n") == 2


def test_mermaid_stays_drawable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mermaid, "MAX_EDGES", 4)
    monkeypatch.setattr(mermaid, "SPLIT_FROM", 100)
    r = small_groups(6)
    (drawn,) = mermaid.diagrams(r)
    edges = [line for line in drawn.lines if " --> " in line]
    assert len(edges) == 4 and drawn.left_out == 2
    assert "(50.0)" not in "".join(edges) and "(55.0)" in "".join(edges)  # weakest go
    md = report.render_markdown(r)
    assert "2 weaker link(s) of this group are not drawn" in md


def test_related_topic_evidence_is_spaced() -> None:
    md = report.render_markdown(shipped())
    assert "* through related topic " in md
    assert not re.search(r"\*through related topic", md)


def test_mermaid_stays_within_its_text_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mermaid, "SPLIT_FROM", 100)
    r = small_groups(6)
    (whole,) = mermaid.diagrams(r)
    size = len("\n".join(whole.lines))
    monkeypatch.setattr(mermaid, "MAX_TEXT", size - 60)
    (cut,) = mermaid.diagrams(r)
    assert len("\n".join(cut.lines)) <= size - 60 and cut.left_out >= 1
    kept = [line for line in cut.lines if " --> " in line]
    assert len(kept) == 6 - cut.left_out and "(55.0)" in "".join(kept)  # the strongest stay
    declared = {line.split("[")[0].strip() for line in cut.lines if '["' in line}
    ends = {part for line in kept for part in (line.split()[0], line.split()[-1])}
    assert declared == ends  # only the systems the kept links join
