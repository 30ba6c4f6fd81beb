"""The topic resolver draft (issue 14), before it moves into the package.

It lives in benchmarks/resolver/resolver.py while the package is being restructured; these
tests move with it.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.resolver.resolver import THRESHOLDS, Resolution, Resolver

ROOT = Path(__file__).resolve().parent.parent


def _load(path: Path, key: str) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return list(yaml.safe_load(f)[key])


@pytest.fixture(scope="module")
def topics() -> list[dict[str, Any]]:
    return _load(ROOT / "data" / "challenges.yaml", "challenges")


@pytest.fixture(scope="module")
def phrases() -> list[dict[str, Any]]:
    return _load(ROOT / "benchmarks" / "resolver" / "phrases.yaml", "phrases")


@pytest.fixture(scope="module")
def resolver(topics: list[dict[str, Any]]) -> Resolver:
    return Resolver(topics)


def test_default_is_the_light_method(resolver: Resolver) -> None:
    assert resolver.method == "tfidf"
    assert resolver.threshold == THRESHOLDS["tfidf"]


@pytest.mark.parametrize("method", ["tfidf", "fuzzy"])
def test_same_input_same_output(
    topics: list[dict[str, Any]], phrases: list[dict[str, Any]], method: str
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


def test_exact_wins_even_when_meaning_would_say_otherwise(topics: list[dict[str, Any]]) -> None:
    # "falls response" is urgent-community-response's alias; in-hospital falls are
    # patient-safety, and a threshold of 0 would place anything somewhere
    r = Resolver(topics, threshold=0.0).resolve("Falls Response")
    assert (r.topic, r.how) == ("urgent-community-response", "exact")


def test_below_the_threshold_is_no_match(resolver: Resolver, topics: list[dict[str, Any]]) -> None:
    r = resolver.resolve("car park charges")
    assert r.topic is None
    assert r.score < resolver.threshold
    assert r.how == "tfidf"
    assert len(r.alternatives) == 3  # the nearest topics are still named
    # the same phrase with the bar at 0 lands on its best topic, which a bar above it refuses
    low = Resolver(topics, threshold=0.0).resolve("car park charges")
    assert low.topic is not None and low.score == r.score
    high = Resolver(topics, threshold=100.0).resolve("delayed transfers of care")
    assert high.topic is None


def test_a_clear_meaning_is_found(resolver: Resolver) -> None:
    r = resolver.resolve("beds full of people who are medically fit to go home")
    assert r.topic == "discharge"
    assert 0 < r.score <= 100
    scores = [r.score, *(s for _, s in r.alternatives)]
    assert scores == sorted(scores, reverse=True)
    assert "discharge" not in [a for a, _ in r.alternatives]


@pytest.mark.parametrize("method", ["tfidf", "fuzzy"])
def test_ties_go_to_the_smaller_id(method: str) -> None:
    twins = [
        {"id": "zulu", "name": "Ward rounds", "aliases": ["board rounds"], "description": "x"},
        {"id": "alpha", "name": "Ward rounds", "aliases": ["board rounds"], "description": "x"},
        {"id": "mike", "name": "Something else", "aliases": [], "description": "y"},
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


def test_unknown_method_is_refused(topics: list[dict[str, Any]]) -> None:
    with pytest.raises(ValueError, match="unknown method"):
        Resolver(topics, method="psychic")


def test_labels_name_real_topics(
    topics: list[dict[str, Any]], phrases: list[dict[str, Any]]
) -> None:
    ids = {t["id"] for t in topics}
    assert len(phrases) >= 180
    assert sum(p["topic"] is None for p in phrases) >= 25
    assert {p["split"] for p in phrases} == {"dev", "test"}
    assert all(p["topic"] is None or p["topic"] in ids for p in phrases)
    assert len({p["text"].casefold() for p in phrases}) == len(phrases)


def test_meets_the_issue_targets_on_the_labelled_set(
    resolver: Resolver, phrases: list[dict[str, Any]]
) -> None:
    """Issue 14: top-1 >= 85%, top-3 >= 95%, >= 9 in 10 no-fit phrases answered "no match".

    Measured on every committed phrase (dev and test together) with the default resolver.
    benchmarks/resolver/evaluate.py prints the same figures per split.
    """
    results = resolver.resolve_many([p["text"] for p in phrases])
    top1 = top3 = with_topic = null_right = nulls = 0
    for p, r in zip(phrases, results, strict=True):
        if p["topic"] is None:
            nulls += 1
            null_right += r.topic is None
            continue
        ranked = ([r.topic] if r.topic else []) + [a for a, _ in r.alternatives]
        with_topic += 1
        top1 += ranked[0] == p["topic"]
        top3 += p["topic"] in ranked[:3]
    assert top1 / with_topic >= 0.85, f"top-1 {top1}/{with_topic}"
    assert top3 / with_topic >= 0.95, f"top-3 {top3}/{with_topic}"
    assert null_right / nulls >= 0.9, f"no match {null_right}/{nulls}"
