"""A programme people can run: fair plans, rounds, alternates, keeping what was agreed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from cohorts import Spec, caps, check_constraints, dataset
from cohorts import small_cohorts as cohorts
from conftest import TEST_DATA, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import peermatch
from peermatch.core.errors import UsageError
from peermatch.core.plan import Plan, PlanLink
from peermatch.files.plan_json import read_plan
from peermatch.planning.api import plan
from peermatch.scoring.reference import score_pair

COHORT = TEST_DATA / "valid" / "cohort"
EARLIER = TEST_DATA / "valid" / "earlier-plan.csv"
SETTINGS = settings(
    max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


# --------------------------------------------------------------------------- fair


@SETTINGS
@given(cohorts(max_n=5), st.sampled_from(["reference", "fast"]))
def test_fair_keeps_every_rule_and_raises_the_lowest_link(specs: list[Spec], method: str) -> None:
    data = dataset(specs)
    best = plan(data, method=method)  # type: ignore[arg-type]
    fair = plan(data, objective="fair", method=method)  # type: ignore[arg-type]
    check_constraints(data, fair)
    assert len(fair.left_out) == len(best.left_out)  # as few left out as the best total
    if best.links:
        assert fair.min_score is not None and best.min_score is not None
        assert fair.min_score >= best.min_score
    assert fair.price_of_fairness == pytest.approx(max(best.total - fair.total, 0), abs=1e-5)
    assert fair.objective == "fair" and fair.optimal


def test_fair_on_the_shipped_data() -> None:
    data = peermatch.load()
    best, fair = plan(data), plan(data, objective="fair")
    assert best.min_score is not None and fair.min_score is not None
    assert fair.min_score > best.min_score
    assert fair.price_of_fairness == pytest.approx(best.total - fair.total, abs=1e-5)
    assert fair.best_links is not None
    assert fair.best_links.minimum <= fair.best_links.p10 <= fair.best_links.median


# --------------------------------------------------------------------------- rounds


def check_rounds(data: peermatch.Dataset, result: Plan, rounds: int, **kw: object) -> None:
    """Each round on its own keeps every rule; no pair in two rounds; pins in round 1."""
    pairs = [(k.teacher, k.learner) for k in result.links]
    assert len(pairs) == len(set(pairs))
    assert {k.round for k in result.links} <= set(range(1, rounds + 1))
    for r in range(1, rounds + 1):
        one = Plan([k for k in result.links if k.round == r], 0.0, None, True, [], [])
        one.total = sum(k.score for k in one.links)
        teach_cap, learn_cap = caps(data, None, None)
        index = {p.id: i for i, p in enumerate(data.systems)}
        t = np.bincount([index[k.teacher] for k in one.links], minlength=len(index))
        lr = np.bincount([index[k.learner] for k in one.links], minlength=len(index))
        assert np.all(t <= teach_cap) and np.all(lr <= learn_cap)
        for k in one.links:
            b = score_pair(data, k.teacher, k.learner)
            assert not b.excluded and b.score > 0 and k.score == b.score
    for t_id, l_id in kw.get("pins", ()):  # type: ignore[attr-defined]
        assert next(k.round for k in result.links if (k.teacher, k.learner) == (t_id, l_id)) == 1


@SETTINGS
@given(cohorts(max_n=5), st.integers(1, 3), st.sampled_from(["reference", "fast"]))
def test_rounds_keep_every_rule(specs: list[Spec], rounds: int, method: str) -> None:
    data = dataset(specs)
    result = plan(data, rounds=rounds, method=method)  # type: ignore[arg-type]
    check_rounds(data, result, rounds)
    assert result.optimal and result.rounds == rounds
    if rounds == 1:  # one round is the plan
        assert result.total == pytest.approx(plan(data).total, abs=1e-4)
    # a system linked in no round is left out with the plan's reason; one linked in some
    # rounds only, with the rounds it misses
    for x in result.left_out:
        mine = [
            k for k in result.links if (k.learner if x.role == "learn" else k.teacher) == x.system
        ]
        assert (x.code == "rounds") == bool(mine)


def test_rounds_with_pins_and_history() -> None:
    data = peermatch.load(COHORT)
    pins = [("canterbury", "dorset")]
    result = plan(data, rounds=2, pins=pins)
    check_rounds(data, result, 2, pins=pins)
    assert result.total > plan(data).total


# --------------------------------------------------------------------------- alternates


@SETTINGS
@given(cohorts(max_n=5), st.integers(1, 3), st.sampled_from([None, 2]))
def test_alternates_are_never_in_the_plan_and_ordered(
    specs: list[Spec], k: int, rounds: int | None
) -> None:
    data = dataset(specs)
    result = plan(data, alternates=k, rounds=rounds)
    assert result.alternates is not None
    planned = {(x.teacher, x.learner) for x in result.links}
    ranking = peermatch.suggest(data, top=0)
    order = {(m.teacher, m.learner): m.rank for m in ranking}
    by_learner: dict[str, list[int]] = {}
    for a in result.alternates:
        assert (a.teacher, a.learner) not in planned
        assert a.score == score_pair(data, a.teacher, a.learner).score > 0
        by_learner.setdefault(a.learner, []).append(order[(a.teacher, a.learner)])
    for learner, ranks in by_learner.items():
        assert ranks == sorted(ranks) and len(ranks) <= k
        # the next ones: every better teacher of this learner is in the plan
        better = [p for p, r in order.items() if p[1] == learner and r < ranks[-1]]
        listed = {(a.teacher, a.learner) for a in result.alternates}
        assert all(p in planned or p in listed for p in better)


def test_alternates_mark_spare_capacity() -> None:
    data = peermatch.load(COHORT)
    result = plan(data, alternates=3)
    assert result.alternates
    teaches = {ld.system: (ld.teaches, ld.teach_capacity) for ld in result.loads}
    for a in result.alternates:
        used, cap = teaches[a.teacher]
        assert a.spare == (used < cap)


# --------------------------------------------------------------------------- keep, diff


def test_keep_pins_what_still_holds_and_says_why_not() -> None:
    data = peermatch.load()
    earlier = read_plan(EARLIER, data, lenient=True)
    result = plan(data, keep=earlier, diff=(str(EARLIER), earlier))
    assert result.not_kept is not None
    why = {(x.teacher, x.learner): x.code for x in result.not_kept}
    assert why == {
        ("lsc", "dorset"): "no-longer-needed",
        ("wakefield", "east-surrey"): "capacity",
        ("old-ics", "frimley"): "system-gone",
    }
    pinned = {(k.teacher, k.learner) for k in result.links if k.pinned}
    expected = {(k.teacher, k.learner) for k in earlier.links} - set(why)
    assert pinned == expected
    assert result.changes is not None
    assert {(k.teacher, k.learner) for k in result.changes.kept} == expected
    assert {(k.teacher, k.learner) for k in result.changes.removed} == set(why)
    added = {(k.teacher, k.learner) for k in result.changes.added}
    assert added == {(k.teacher, k.learner) for k in result.links} - expected


def test_keep_a_plan_on_changed_data(tmp_path: Path) -> None:
    """A plan made, then the data changes: a system goes, an exclusion and a capacity
    appear; the links that no longer hold are listed, the rest kept."""
    specs = [
        Spec("ash", {"t-a": 3}, {"t-c": 2}),
        Spec("birch", {"t-c": 3}, {"t-a": 2, "t-d": 1}),
        Spec("cedar", {"t-a": 2, "t-d": 3}, {"t-c": 1}),
        Spec("elm", {"t-c": 2}, {"t-a": 3}),
    ]
    before = plan(dataset(specs))
    assert {(k.teacher, k.learner) for k in before.links} >= {("ash", "elm"), ("cedar", "birch")}
    changed = [
        Spec("ash", {"t-a": 3}, {"t-c": 2}, exclude=("elm",)),
        Spec("birch", {"t-c": 3}, {"t-a": 2, "t-d": 1}, learn=1),
        Spec("elm", {"t-c": 2}, {"t-a": 3}),
    ]
    data = dataset(changed)
    after = plan(data, keep=before)
    assert after.not_kept is not None
    codes = {(x.teacher, x.learner): x.code for x in after.not_kept}
    assert codes[("ash", "elm")] == "excluded"
    assert all(c == "system-gone" for p, c in codes.items() if "cedar" in p)
    check_constraints(data, after)
    for k in before.links:
        if (k.teacher, k.learner) not in codes:
            assert any(
                x.pinned and (x.teacher, x.learner) == (k.teacher, k.learner) for x in after.links
            )


def test_keep_the_same_plan_changes_nothing() -> None:
    data = peermatch.load(COHORT)
    before = plan(data)
    after = plan(data, keep=before, diff=("before", before))
    assert after.not_kept == []
    assert after.changes is not None and not after.changes.added and not after.changes.removed
    assert after.total == pytest.approx(before.total, abs=1e-4)


def test_read_plan_csv_and_its_errors(tmp_path: Path) -> None:
    data = peermatch.load()
    earlier = read_plan(EARLIER, data, lenient=True)
    assert earlier.links[0] == PlanLink("bob", "dorset", "agency-staffing", 36.6)
    bad = tmp_path / "plan.csv"
    bad.write_text("learner,teacher\nbob,dorset\n")
    with pytest.raises(
        peermatch.DataError, match=r"plan.csv:1: not a plan's JSON or CSV: no column topic, score"
    ):
        read_plan(bad, data)
    bad.write_text("learner,teacher,topic,score\nbob,dorset,discharge,high\n")
    with pytest.raises(peermatch.DataError, match=r"plan.csv:2: score: not a number: 'high'"):
        read_plan(bad, data)
    with pytest.raises(
        peermatch.DataError,
        match=r"links\[7\]\.teacher 'old-ics'\); was the plan made from other data",
    ):
        read_plan(EARLIER, data)  # not lenient: the report's reading


# --------------------------------------------------------------------------- what does not mix


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"objective": "fair", "ring_size": 3}, "--objective fair plans links, not rings"),
        ({"rounds": 2, "ring_size": 2}, "--rounds plans links, not rings"),
        ({"objective": "fair", "rounds": 2}, "--objective fair plans one round"),
        ({"objective": "best"}, "--objective must be total or fair, not 'best'"),
        ({"rounds": 0}, "--rounds must be 1 or more, not 0"),
        ({"alternates": -1}, "--alternates must be 0 or more, not -1"),
    ],
)
def test_usage_errors(kw: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        plan(peermatch.load(COHORT), **kw)  # type: ignore[arg-type]


def test_options_with_rings_history_and_new_only(tmp_path: Path) -> None:
    data = peermatch.load(COHORT)
    rings = plan(data, ring_size=3, alternates=1, keep=plan(data, ring_size=3))
    assert rings.rings and rings.alternates is not None and rings.not_kept == []
    for options in ({"objective": "fair"}, {"rounds": 2}, {"alternates": 2}):
        result = plan(data, new_only=True, **options)  # type: ignore[arg-type]
        assert not any(k.partner for k in result.links)
        assert not any(
            score_pair(data, a.teacher, a.learner).partner for a in result.alternates or []
        )


def test_every_option_leaves_out_recent_repeats() -> None:
    from peermatch.core.weights import DEFAULT_WEIGHTS
    from peermatch.files import history
    from peermatch.scoring.adjustments import adjustments

    data = peermatch.load()
    path = Path(__file__).resolve().parents[3] / "examples" / "history.yaml"
    adj = adjustments(history.load_history(path, data), data, DEFAULT_WEIGHTS, year=2025)
    plain = plan(data, rounds=3, alternates=3)
    seen = {(k.teacher, k.learner) for k in plain.links} | {
        (a.teacher, a.learner) for a in plain.alternates or []
    }
    assert any(adj.is_excluded(*p) for p in seen)  # without the history, repeats are planned
    for options in ({"objective": "fair"}, {"rounds": 3}, {"alternates": 3}, {"keep": plain}):
        result = plan(data, adjustments=adj, **options)  # type: ignore[arg-type]
        pairs = [(k.teacher, k.learner) for k in result.links]
        pairs += [(a.teacher, a.learner) for a in result.alternates or []]
        assert not any(adj.is_excluded(*p) for p in pairs)
        if "keep" in options:
            assert result.not_kept is not None
            assert {x.code for x in result.not_kept} >= {"repeat"}
