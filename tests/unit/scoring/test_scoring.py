"""Scores on the hand-worked dataset, checked against arithmetic done on paper.

Weights are the defaults: needs are worth 1/2/3 points (low/medium/high); a direct strength
earns the points less 0.5/0.25/0 (emerging/established/exemplar); a related strength earns
half of that; context factor = 0.9 + 0.1 x similarity.
"""

from __future__ import annotations

import pytest
from conftest import TEST_DATA

import peermatch
from peermatch.scoring.ranking import suggest
from peermatch.scoring.reference import score_pair

HAND = TEST_DATA / "valid" / "handworked"


@pytest.fixture(scope="module")
def data() -> peermatch.Dataset:
    return peermatch.load(HAND)


@pytest.mark.parametrize(
    ("teacher", "learner", "earned", "points", "similarity", "score"),
    [
        # south needs topic-a (medium: 2) and topic-c (medium: 2); north teaches a at
        # exemplar (2 - 0) and c emerging (2 - 0.5): 3.5 / 4. Context: same kind 1, same
        # country 1, size 500k/1M = 0.5, tags {urban}/{urban, large} = 0.5 -> 0.75 -> 0.975.
        ("north", "south", 3.5, 4.0, 0.75, 100 * 3.5 / 4 * 0.975),
        # north needs b (high: 3) and d (low: 1); south: b established 2.75, d exemplar 1.
        ("south", "north", 3.75, 4.0, 0.75, 100 * 3.75 / 4 * 0.975),
        # west: b emerging 2.5 of 3, nothing for d. Context: 0, 0, unknown 0.5, unknown 0.5.
        ("west", "north", 2.5, 4.0, 0.25, 100 * 2.5 / 4 * 0.925),
        # east needs d (2) and a (1): south teaches d (exemplar: 2) and a only through the
        # related topic b, established: 0.5 x (1 - 0.25) = 0.375.
        ("south", "east", 2.375, 3.0, 0.375, 100 * 2.375 / 3 * 0.9375),
        # west reaches a only through b, emerging: 0.5 x (1 - 0.5) = 0.25.
        ("west", "east", 0.25, 3.0, 0.25, 100 * 0.25 / 3 * 0.925),
    ],
)
def test_hand_worked_scores(data, teacher, learner, earned, points, similarity, score) -> None:  # type: ignore[no-untyped-def]
    b = score_pair(data, teacher, learner)
    assert b.earned == earned
    assert b.points == points
    assert b.context.similarity == pytest.approx(similarity)
    assert b.score == pytest.approx(score, abs=1e-9)


def test_no_overlap_scores_zero(data) -> None:  # type: ignore[no-untyped-def]
    b = score_pair(data, "north", "north")
    assert b.score == 0
    assert score_pair(data, "east", "north").score == 0  # east has no strengths


def test_related_credit_is_marked(data) -> None:  # type: ignore[no-untyped-def]
    b = score_pair(data, "south", "east")
    [related] = [c for c in b.topics if c.related]
    assert (related.need, related.via, related.level, related.credit) == (
        "topic-a",
        "topic-b",
        2,
        0.375,
    )


def test_two_way_and_exclusion(data) -> None:  # type: ignore[no-untyped-def]
    assert score_pair(data, "north", "south").two_way
    assert not score_pair(data, "south", "east").two_way  # east teaches nothing
    assert score_pair(data, "west", "south").excluded
    assert score_pair(data, "south", "west").excluded  # exclusion works both ways


def test_suggest_ranks_each_learner(data) -> None:  # type: ignore[no-untyped-def]
    rows = [(m.learner, m.rank, m.teacher) for m in suggest(data, top=0)]
    assert rows == [
        ("east", 1, "south"),
        ("east", 2, "north"),
        ("east", 3, "west"),
        ("north", 1, "south"),
        ("north", 2, "west"),
        ("south", 1, "north"),  # west is excluded
        ("west", 1, "north"),
    ]


def test_top_min_score_and_new_only(data) -> None:  # type: ignore[no-untyped-def]
    assert [m.teacher for m in suggest(data, top=1) if m.learner == "east"] == ["south"]
    assert all(m.score >= 50 for m in suggest(data, top=0, min_score=50))
    new = suggest(data, top=0, new_only=True)
    assert ("north", "south") not in {(m.learner, m.teacher) for m in new}
    assert [m.teacher for m in new if m.learner == "north"] == ["west"]
    partners = {
        m.partner for m in suggest(data, top=0) if {m.learner, m.teacher} == {"north", "south"}
    }
    assert partners == {True}


def test_for_a_system_lists_both_roles(data) -> None:  # type: ignore[no-untyped-def]
    rows = suggest(data, top=0, system="south")
    assert [(m.learner, m.teacher, m.rank) for m in rows] == [
        ("south", "north", 1),  # what south learns
        ("north", "south", 1),
        ("east", "south", 1),  # what south teaches, best first
    ]


def test_reason_and_topics(data) -> None:  # type: ignore[no-untyped-def]
    [m] = [m for m in suggest(data, top=0) if (m.learner, m.teacher) == ("east", "south")]
    assert m.topics == ("topic-d",)
    assert m.related_topics == ("topic-a<-topic-b",)
    assert m.reason == (
        "exemplar on topic-d (medium need); related: topic-b for topic-a; meets 2 of 2 needs"
    )


def test_weights_change_the_score(data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "w.yaml"
    f.write_text("context_weight: 0\nrelated_factor: 1\n")
    w = peermatch.load_weights(f)
    b = score_pair(data, "south", "east", w)
    assert b.score == pytest.approx(100 * (2 + 0.75) / 3)


def test_partner_factor_lowers_only_partners(data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "w.yaml"
    f.write_text("partner_factor: 0.5\n")
    w = peermatch.load_weights(f)
    assert score_pair(data, "north", "south", w).score == pytest.approx(
        score_pair(data, "north", "south").score / 2
    )
    assert score_pair(data, "west", "north", w).score == score_pair(data, "west", "north").score


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "related_factor: 2\n",
            "w.yaml:1:17: related_factor: must be a number above 0 and at most 1; got 2",
        ),
        (
            "priority: {low: 3, high: 1}\n",
            "w.yaml:1:1: priority: priority weights must not decrease: low <= medium <= high",
        ),
        (
            "colour: 1\n",
            "w.yaml:1:1: colour: unknown weight 'colour'; allowed: context, context_weight, "
            "history_lift, level_shortfall, partner_factor, priority, related_factor",
        ),
        ("related_factor: '0.5'\n", "w.yaml:1:17: related_factor: got '0.5': remove the quotes"),
    ],
)
def test_bad_weights_are_located(tmp_path, text, message) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "w.yaml"
    f.write_text(text)
    with pytest.raises(peermatch.DataError) as info:
        peermatch.load_weights(f)
    assert str(info.value).replace(str(tmp_path) + "/", "") == message
