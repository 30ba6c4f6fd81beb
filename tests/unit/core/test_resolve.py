"""The topic resolver (issue 14): exact first, then meaning, null below the threshold, and
the accuracy targets on the labelled phrases in benchmarks/resolver/phrases.yaml."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from peermatch.core.catalogue import Topic
from peermatch.core.resolve import THRESHOLDS, Resolution, Resolver
from peermatch.files.loading import load

ROOT = Path(__file__).resolve().parents[3]


def _load(path: Path, key: str) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return list(yaml.safe_load(f)[key])


@pytest.fixture(scope="module")
def topics() -> list[Topic]:
    return list(load(ROOT / "data").catalogue)


@pytest.fixture(scope="module")
def phrases() -> list[dict[str, Any]]:
    return _load(ROOT / "benchmarks" / "resolver" / "phrases.yaml", "phrases")


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return load(ROOT / "data").catalogue.resolver()


def test_default_is_the_light_method(resolver: Resolver) -> None:
    assert resolver.method == "tfidf"
    assert resolver.threshold == THRESHOLDS["tfidf"]


@pytest.mark.parametrize("method", ["tfidf", "fuzzy"])
def test_same_input_same_output(
    topics: list[Topic], phrases: list[dict[str, Any]], method: str
) -> None:
    texts = [p["text"] for p in phrases]
    first = Resolver(topics, method=method).resolve_many(texts)
    shuffled = list(topics)
    random.Random(7).shuffle(shuffled)
    again = Resolver(shuffled, method=method)
    assert again.resolve_many(texts) == first
    assert again.resolve_many(texts) == first  # and with its caches warm


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("D2A", "discharge"),
        ("d2a", "discharge"),
        ("  Virtual   WARDS ", "hospital-at-home"),
        ("length-of-stay", "length-of-stay"),
        ("Length of stay and bed use", "length-of-stay"),
        ("a&e performance", "uec-flow"),
        ("CAMHS", "camhs-waiting-times"),
    ],
)
def test_an_exact_id_name_or_alias_wins(resolver: Resolver, text: str, topic: str) -> None:
    r = resolver.resolve(text)
    assert (r.topic, r.score, r.how) == (topic, 100.0, "exact")


def test_exact_wins_even_when_meaning_would_say_otherwise(topics: list[Topic]) -> None:
    # "falls response" is urgent-community-response's alias; in-hospital falls are
    # patient-safety, and a threshold of 0 would place anything somewhere
    r = Resolver(topics, threshold=0.0).resolve("Falls Response")
    assert (r.topic, r.how) == ("urgent-community-response", "exact")


def test_below_the_threshold_is_no_match(resolver: Resolver, topics: list[Topic]) -> None:
    r = resolver.resolve("car park charges")
    assert r.topic is None
    assert r.score < resolver.threshold
    assert r.how == "tfidf"
    assert len(r.alternatives) == 3  # the nearest topics are still named
    # the same phrase with the bar at 0 lands on its best topic, which a bar above it refuses
    low = Resolver(topics, threshold=0.0).resolve("car park charges")
    assert low.topic is not None and low.score == r.score
    high = Resolver(topics, threshold=100.0).resolve("patients stuck in hospital once well")
    assert high.topic is None


def test_a_clear_meaning_is_found(resolver: Resolver) -> None:
    r = resolver.resolve("can't get through to the surgery in the morning")
    assert r.topic == "primary-care-access"
    assert 0 < r.score <= 100
    scores = [r.score, *(s for _, s in r.alternatives)]
    assert scores == sorted(scores, reverse=True)
    assert "primary-care-access" not in [a for a, _ in r.alternatives]


def test_a_weak_meaning_still_ranks_first_below_the_bar(resolver: Resolver) -> None:
    # the issue's own example: right first, but under the threshold calibrated on dev after
    # the no-fit set grew to 80 (docs/performance.md: what the threshold costs)
    r = resolver.resolve("beds full of people who are medically fit to go home")
    assert r.topic is None
    assert r.ranked()[0][0] == "discharge"


@pytest.mark.parametrize("method", ["tfidf", "fuzzy"])
def test_ties_go_to_the_smaller_id(method: str) -> None:
    twins = [
        Topic("zulu", "Ward rounds", "a", ("board rounds",), (), "x"),
        Topic("alpha", "Ward rounds", "a", ("board rounds",), (), "x"),
        Topic("mike", "Something else", "a", (), (), "y"),
    ]
    resolver = Resolver(twins, method=method, threshold=0.0)
    exact = resolver.resolve("ward rounds")
    assert (exact.topic, exact.how) == ("alpha", "exact")
    meant = resolver.resolve("ward round")
    assert meant.how == method
    assert meant.topic == "alpha"
    assert meant.alternatives[0] == ("zulu", meant.score)


def test_resolve_many_is_resolve_mapped(resolver: Resolver, phrases: list[dict[str, Any]]) -> None:
    texts = [p["text"] for p in phrases[::3]] + ["", "   ", "!!!", "Ça va", "D2A", "dtoc"]
    many = resolver.resolve_many(texts)
    assert many == [resolver.resolve(t) for t in texts]
    assert all(isinstance(r, Resolution) and r.text == t for r, t in zip(many, texts, strict=True))
    assert many[texts.index("")].topic is None
    assert resolver.resolve_many([]) == []


def test_unknown_method_is_refused(topics: list[Topic]) -> None:
    with pytest.raises(ValueError, match="unknown method"):
        Resolver(topics, method="psychic")


def test_labels_name_real_topics(topics: list[Topic], phrases: list[dict[str, Any]]) -> None:
    ids = {t.id for t in topics}
    assert len(phrases) >= 320
    assert sum(p["topic"] is None for p in phrases) >= 80
    assert {p["split"] for p in phrases} == {"dev", "test"}
    assert all(p["topic"] is None or p["topic"] in ids for p in phrases)
    assert len({p["text"].casefold() for p in phrases}) == len(phrases)


def _figures(resolver: Resolver, phrases: list[dict[str, Any]]) -> tuple[float, float, float]:
    """Top-1 and top-3 of the phrases with a topic, and no-fit phrases answered "no match"."""
    results = resolver.resolve_many([p["text"] for p in phrases])
    top1 = top3 = with_topic = null_right = nulls = 0
    for p, r in zip(phrases, results, strict=True):
        if p["topic"] is None:
            nulls += 1
            null_right += r.topic is None
            continue
        ranked = [t for t, _ in r.ranked()]
        with_topic += 1
        top1 += ranked[0] == p["topic"]
        top3 += p["topic"] in ranked[:3]
    return top1 / with_topic, top3 / with_topic, null_right / nulls


@pytest.mark.parametrize("split", ["dev", "test", "whole"])
def test_meets_the_issue_targets_on_the_labelled_set(
    resolver: Resolver, phrases: list[dict[str, Any]], split: str
) -> None:
    """Issue 14: top-1 >= 85%, top-3 >= 95%, >= 9 in 10 no-fit phrases answered "no match",
    with the default resolver, on each split and on the whole labelled set
    (benchmarks/resolver/evaluate.py prints the same figures; docs/performance.md quotes them).
    """
    chosen = [p for p in phrases if split in ("whole", p["split"])]
    top1, top3, no_match = _figures(resolver, chosen)
    assert top1 >= 0.85, f"top-1 {top1:.1%}"
    assert top3 >= 0.95, f"top-3 {top3:.1%}"
    assert no_match >= 0.9, f"no match {no_match:.1%}"


def test_an_id_means_its_own_topic_even_when_another_topic_has_it_as_alias() -> None:
    clash = [
        Topic("alpha", "First", "a", ("beta",), (), None),
        Topic("beta", "Second", "a", (), (), None),
    ]
    assert Resolver(clash).resolve("BETA").topic == "beta"


def test_the_catalogue_builds_its_resolver_once() -> None:
    catalogue = load(ROOT / "data").catalogue
    assert catalogue.resolver() is catalogue.resolver()
    assert catalogue.resolver().ids == sorted(catalogue.topics)
