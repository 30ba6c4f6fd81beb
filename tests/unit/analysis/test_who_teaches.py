"""``who``: the topic understood, its teachers (related ones marked) or learners, and the
ranking for one system by the pair's score; ``suggest(topics=..., role=...)`` beside it."""

from __future__ import annotations

import pytest
from cohorts import Spec, dataset, fast_cohorts
from conftest import examples
from hypothesis import given, settings

from peermatch.analysis.who import understand, who
from peermatch.core.dataset import Dataset
from peermatch.core.errors import PeermatchError
from peermatch.scoring.ranking import suggest
from peermatch.scoring.reference import score_pair


def small() -> Dataset:
    return dataset(
        [
            Spec("a", strengths={"t-a": 3}, needs={"t-c": 2}),
            Spec("b", strengths={"t-a": 1, "t-c": 2}, needs={"t-a": 3}),
            Spec("c", strengths={"t-b": 2}, needs={"t-a": 1, "t-d": 2}),
            Spec("d", strengths={"t-a": 2}, needs={"t-a": 2}, exclude=("c",)),
        ]
    )


def test_teachers_direct_first_by_level_then_related_marked() -> None:
    result = who(small(), "t-a")
    assert (result.topic.id, result.topic.score, result.how) == ("t-a", 100.0, "exact")
    assert [(r.system, r.level, r.related, r.via) for r in result.rows] == [
        ("a", "exemplar", False, "t-a"),
        ("d", "established", False, "t-a"),
        ("b", "emerging", False, "t-a"),
        ("c", "established", True, "t-b"),  # t-b is related to t-a
    ]
    assert all(r.score is None for r in result.rows)


def test_for_a_learner_rows_carry_the_pairs_score_and_are_ranked_by_it() -> None:
    data = small()
    result = who(data, "t-a", system="c")
    # c itself is left out, and d (which excludes c)
    assert {r.system for r in result.rows} == {"a", "b"}
    for r in result.rows:
        assert r.score == score_pair(data, r.system, "c").score
    scores = [r.score or 0.0 for r in result.rows]
    assert scores == sorted(scores, reverse=True)


def test_learners_lists_who_needs_it() -> None:
    result = who(small(), "T-A", learners=True)
    assert [(r.system, r.priority) for r in result.rows] == [
        ("b", "high"),
        ("d", "medium"),
        ("c", "low"),
    ]
    ranked = who(small(), "t-a", learners=True, system="a")
    assert [r.system for r in ranked.rows] == sorted(
        ["b", "c", "d"], key=lambda s: -score_pair(small(), "a", s).score
    )


def test_no_topic_fits_names_the_nearest() -> None:
    with pytest.raises(PeermatchError) as caught:
        who(small(), "car park charges")
    assert str(caught.value).startswith("no topic matches 'car park charges' well enough; nearest:")
    assert caught.value.exit_code == 1


def test_understand_answers_an_exact_query_without_the_resolver() -> None:
    data = small()
    assert understand(data.catalogue, "  T-A ").topic == "t-a"
    assert data.catalogue._resolver is None  # the matrices were never built


@settings(max_examples=examples(60), deadline=None)
@given(fast_cohorts())
def test_teachers_are_exactly_the_topic_index_and_its_related_topics(data: Dataset) -> None:
    for topic in data.catalogue.topics.values():
        rows = who(data, topic.id).rows
        direct = {r.system for r in rows if not r.related}
        related = {r.system for r in rows if r.related}
        assert direct == set(data.teachers_of(topic.id))
        near = {s for t in topic.related for s in data.teachers_of(t)}
        assert related == near - direct
        assert all(r.via in topic.related for r in rows if r.related)
        needers = who(data, topic.id, learners=True).rows
        assert sorted(r.system for r in needers) == sorted(data.needers_of(topic.id))


def test_suggest_on_some_topics_scores_those_needs_only() -> None:
    data = small()
    rows = suggest(data, top=0, topics=["t-a"])
    restricted = data.with_needs_only(["t-a"])
    assert {m.learner for m in rows} == {"b", "c", "d"}  # a needs only t-c
    for m in rows:
        assert m.topics == ("t-a",) or m.related_topics
        assert m.score == score_pair(restricted, m.teacher, m.learner).score
    # the data itself is untouched
    assert list(data.system("c").needs) == ["t-a", "t-d"]


@pytest.mark.parametrize("role", ["learner", "teacher"])
def test_suggest_as_keeps_one_direction(role: str) -> None:
    data = small()
    both = suggest(data, system="b", top=0)
    one = suggest(data, system="b", top=0, role=role)  # type: ignore[arg-type]
    assert one == [m for m in both if getattr(m, role) == "b"]
    assert one
    with pytest.raises(ValueError, match="role needs a system"):
        suggest(data, role=role)  # type: ignore[arg-type]


@settings(max_examples=examples(40), deadline=None)
@given(fast_cohorts())
def test_suggest_on_some_topics_is_the_same_on_both_paths(data: Dataset) -> None:
    topics = sorted(data.catalogue.topics)[::2]
    fast = suggest(data, top=0, topics=topics, method="fast")
    reference = suggest(data, top=0, topics=topics, method="reference")
    assert fast == reference
    needs = set(topics)
    assert all(set(data.system(m.learner).needs) & needs for m in fast)
