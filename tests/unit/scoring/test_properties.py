"""Properties the score must have on any cohort (DESIGN.md, "Scoring")."""

from __future__ import annotations

import copy
import itertools
import json
import random
from typing import Any

from cohorts import doc_cohorts
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from peermatch.files.loading import from_documents
from peermatch.present.listing import render_json
from peermatch.present.listings import matches_listing
from peermatch.scoring.ranking import suggest
from peermatch.scoring.reference import score_pair

FAST = settings(max_examples=examples(60), deadline=None)


def build(docs: tuple[dict[str, Any], dict[str, Any]]):  # type: ignore[no-untyped-def]
    return from_documents(docs[0], docs[1])


def profile(docs: tuple[dict[str, Any], dict[str, Any]], sid: str) -> dict[str, Any]:
    return next(s for s in docs[0]["systems"] if s["id"] == sid)


@FAST
@given(doc_cohorts())
def test_scores_are_percentages_and_zero_without_overlap(docs) -> None:  # type: ignore[no-untyped-def]
    data = build(docs)
    topics = data.catalogue.topics
    for t in data.systems:
        for lr in data.systems:
            b = score_pair(data, t.id, lr.id)
            assert 0 <= b.score <= 100
            reach = set(t.strengths)
            reach |= {r for s in t.strengths for r in topics[s].related}
            if t.id == lr.id or not (reach & set(lr.needs)):
                assert b.score == 0
            else:
                assert b.score > 0


@FAST
@given(doc_cohorts(), st.data())
def test_raising_a_level_never_lowers_a_score(docs, draw) -> None:  # type: ignore[no-untyped-def]
    data = build(docs)
    teachers = [s for s in docs[0]["systems"] if any(e["level"] < 3 for e in s["strengths"])]
    if not teachers:
        return
    teacher = draw.draw(st.sampled_from(teachers))
    entry = draw.draw(st.sampled_from([e for e in teacher["strengths"] if e["level"] < 3]))
    raised = copy.deepcopy(docs)
    next(
        e
        for e in profile(raised, teacher["id"])["strengths"]
        if e["challenge"] == entry["challenge"]
    )["level"] += 1
    after = build(raised)
    for lr in data.systems:
        assert (
            score_pair(after, teacher["id"], lr.id).score
            >= score_pair(data, teacher["id"], lr.id).score
        )


@FAST
@given(doc_cohorts(), st.data())
def test_raising_a_covered_priority_never_lowers_a_score(docs, draw) -> None:  # type: ignore[no-untyped-def]
    data = build(docs)
    learner = draw.draw(st.sampled_from(docs[0]["systems"]))
    low = [e for e in learner["challenges"] if e["priority"] < 3]
    if not low:
        return
    entry = draw.draw(st.sampled_from(low))
    raised = copy.deepcopy(docs)
    next(
        e
        for e in profile(raised, learner["id"])["challenges"]
        if e["challenge"] == entry["challenge"]
    )["priority"] += 1
    after = build(raised)
    for t in data.systems:
        if entry["challenge"] in t.strengths:  # the teacher covers this need
            assert (
                score_pair(after, t.id, learner["id"]).score
                >= score_pair(data, t.id, learner["id"]).score
            )


@FAST
@given(doc_cohorts(), st.data())
def test_a_need_nobody_meets_only_lowers_scores(docs, draw) -> None:  # type: ignore[no-untyped-def]
    systems, challenges = copy.deepcopy(docs)
    challenges["challenges"].append({"id": "orphan", "name": "Orphan", "area": "z"})
    before = from_documents(systems, challenges)
    learner = draw.draw(st.sampled_from(systems["systems"]))
    learner["challenges"].append({"challenge": "orphan", "priority": draw.draw(st.integers(1, 3))})
    after = from_documents(systems, challenges)
    for t in before.systems:
        assert (
            score_pair(after, t.id, learner["id"]).score
            <= score_pair(before, t.id, learner["id"]).score
        )


@FAST
@given(doc_cohorts(), st.randoms(use_true_random=False))
def test_output_is_independent_of_input_order(docs, rnd: random.Random) -> None:  # type: ignore[no-untyped-def]
    def render(d):  # type: ignore[no-untyped-def]
        return render_json(matches_listing(suggest(build(d), top=0)))

    shuffled = copy.deepcopy(docs)
    rnd.shuffle(shuffled[0]["systems"])
    rnd.shuffle(shuffled[1]["challenges"])
    for s in shuffled[0]["systems"]:
        rnd.shuffle(s["strengths"])
        rnd.shuffle(s["challenges"])
    first = render(docs)
    assert render(shuffled) == first
    assert render(docs) == first  # and the same input gives the same bytes


@FAST
@given(doc_cohorts())
def test_two_way_is_mutual_and_preferred_on_ties(docs) -> None:  # type: ignore[no-untyped-def]
    data = build(docs)
    rows = suggest(data, top=0)
    pairs = {(m.teacher, m.learner): m for m in rows}
    for m in rows:
        if m.two_way:
            assert score_pair(data, m.learner, m.teacher).score > 0
            back = pairs.get((m.learner, m.teacher))
            assert back is None or back.two_way
    for a, b in itertools.pairwise(rows):
        if a.learner == b.learner and a.score == b.score:
            assert a.two_way >= b.two_way


@FAST
@given(doc_cohorts())
def test_explain_accounts_for_the_whole_score(docs) -> None:  # type: ignore[no-untyped-def]
    data = build(docs)
    for m in suggest(data, top=0):
        b = score_pair(data, m.teacher, m.learner)
        assert b.score == m.score
        assert b.earned == sum(c.credit for c in b.topics)
        assert b.score == 100.0 * (b.earned / b.points) * b.context.factor * b.partner_factor
        json.dumps(m.as_row(), allow_nan=False)
