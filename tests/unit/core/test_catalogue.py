"""The catalogue alone: resolving ids and aliases, and suggesting fixes."""

from __future__ import annotations

from peermatch.core.catalogue import (
    Catalogue,
    Topic,
    build_lookup,
    closest,
    did_you_mean,
    normalise,
    ranked_matches,
)

TOPICS = {
    "ambulance-handover": Topic(
        "ambulance-handover", "Ambulance handover delays", "uec", ("handover delays",)
    ),
    "discharge": Topic("discharge", "Hospital discharge", "flow", ("delayed discharge",)),
    "frailty": Topic("frailty", "Frailty", "older-people", ("discharge",)),  # alias = an id
}


def test_resolves_ids_and_aliases_in_any_case_and_spacing() -> None:
    cat = Catalogue(TOPICS)
    assert cat.resolve("ambulance-handover") == "ambulance-handover"
    assert cat.resolve("  Handover   DELAYS ") == "ambulance-handover"
    assert cat.resolve("Delayed discharge") == "discharge"
    assert cat.resolve("no such topic") is None


def test_an_id_wins_over_another_topics_alias() -> None:
    assert build_lookup(TOPICS.values())["discharge"] == "discharge"
    assert Catalogue(TOPICS).resolve("discharge") == "discharge"


def test_iterates_topics_in_order_and_counts_them() -> None:
    cat = Catalogue(TOPICS)
    assert [t.id for t in cat] == list(TOPICS)
    assert len(cat) == 3


def test_suggests_the_closest_topics_best_first() -> None:
    cat = Catalogue(TOPICS)
    assert cat.suggest("ambulance handovr")[0] == "ambulance-handover"
    assert cat.suggest("zzzz") == []


def test_closest_returns_distinct_values_with_ties_by_name() -> None:
    choices = {"alpha": "a", "alpha one": "a", "alphb": "b"}
    assert closest("alpha", choices) == ["a", "b"]
    assert closest("alpha", {}) == []
    ranked = ranked_matches("alpha", choices, 60)
    assert [v for v, _ in ranked] == ["a", "b"] and ranked[0][1] >= ranked[1][1]


def test_did_you_mean_reads_as_english() -> None:
    assert did_you_mean([]) == ""
    assert did_you_mean(["a"]) == "; did you mean a?"
    assert did_you_mean(["a", "b", "c"]) == "; did you mean a, b or c?"


def test_normalise_folds_case_and_blanks() -> None:
    assert normalise("  Ambulance\tHANDOVER \n") == "ambulance handover"
