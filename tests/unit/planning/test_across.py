"""``--across``: no suggest row, plan link, ring or group joins two systems of one family
(the same top-level system under ``part_of``), on either scoring path; a pin within one
system is a usage error that says why."""

from __future__ import annotations

import pytest
from cohorts import Spec, dataset, fast_cohorts, write_yaml
from conftest import REPO, examples, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peermatch.analysis.groups import groups
from peermatch.core.dataset import Dataset
from peermatch.core.errors import UsageError
from peermatch.planning.api import plan
from peermatch.scoring.ranking import suggest

SETTINGS = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def family(data: Dataset, a: str, b: str) -> bool:
    return data.top_level[a] == data.top_level[b]


@SETTINGS
@given(
    data=fast_cohorts(max_systems=10, max_topics=5), method=st.sampled_from(["fast", "reference"])
)
def test_no_suggest_row_or_plan_link_within_one_family(data: Dataset, method: str) -> None:
    for m in suggest(data, top=0, across=True, method=method):  # type: ignore[arg-type]
        assert not family(data, m.teacher, m.learner)
    result = plan(data, across=True, method=method)  # type: ignore[arg-type]
    for k in result.links:
        assert not family(data, k.teacher, k.learner)
    rings = plan(data, across=True, ring_size=3, method=method)  # type: ignore[arg-type]
    for k in rings.links:
        assert not family(data, k.teacher, k.learner)


@SETTINGS
@given(data=fast_cohorts(max_systems=10, max_topics=4))
def test_no_group_holds_two_of_one_family(data: Dataset) -> None:
    for g in groups(data, size=4, across=True).groups:
        tops = [data.top_level[m.system] for m in g.members]
        assert len(tops) == len(set(tops)), g


@SETTINGS
@given(data=fast_cohorts(max_systems=10, max_topics=5))
def test_without_part_of_across_changes_nothing(data: Dataset) -> None:
    alone = Dataset(
        [p.__class__(**{**p.__dict__, "part_of": None}) for p in data.systems], data.catalogue
    )
    assert suggest(alone, top=0, across=True) == suggest(alone, top=0)


def west() -> Dataset:
    return dataset(
        [
            Spec("west", {"t-a": 3}, {"t-c": 2}),
            Spec("trusts", {"t-c": 3}, {"t-a": 2}, part_of="west"),
            Spec("place", {"t-c": 2}, {"t-a": 3}, part_of="trusts"),
            Spec("north", {"t-a": 2}, {"t-c": 3}),
        ]
    )


def test_family_follows_part_of_to_the_root() -> None:
    data = west()
    assert data.top_level == {"north": "north", "place": "west", "trusts": "west", "west": "west"}
    assert data.same_system_text("place", "trusts") == "both part of west"
    assert data.same_system_text("west", "place") == "place is part of west"
    assert data.same_system("north", "west") is None


def test_a_pin_within_one_system_is_a_usage_error() -> None:
    data = west()
    assert plan(data, pins=[("trusts", "west")]).links  # without --across it is fine
    with pytest.raises(UsageError) as err:
        plan(data, pins=[("trusts", "west")], across=True)
    assert str(err.value) == (
        "--pin trusts:west: trusts is part of west, and --across leaves out every pair "
        "within one system; drop the --pin or --across"
    )


def test_cli_pin_within_one_system_exits_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = write_yaml(
        [
            Spec("west", {"t-a": 3}, {"t-c": 2}),
            Spec("trusts", {"t-c": 3}, {"t-a": 2}, part_of="west"),
            Spec("north", {"t-a": 2}, {"t-c": 3}),
        ],
        tmp_path / "d",
    )
    result = invoke("plan", "--data", str(folder), "--across", "--pin", "trusts:west")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].endswith(
        "--pin trusts:west: trusts is part of west, and --across leaves out every pair "
        "within one system; drop the --pin or --across"
    )


def test_left_out_says_across_when_only_its_own_system_could_teach_it() -> None:
    data = dataset(
        [
            Spec("west", {"t-a": 3}, {"t-b": 2}),
            Spec("unit", {"t-b": 3}, {"t-a": 2}, part_of="west"),
            Spec("north", {"t-c": 2}, {"t-d": 3}),
            Spec("south", {"t-d": 2}, {"t-c": 3}),
        ]
    )
    result = plan(data, across=True)
    reasons = {(x.system, x.role): (x.code, x.reason) for x in result.left_out}
    assert reasons[("unit", "learn")] == (
        "across",
        "the only systems that could teach it (west) cannot be used: west is in its own "
        "system (west), which --across leaves out",
    )


def test_keep_under_across_drops_a_kept_link_within_one_system() -> None:
    """An earlier plan's link inside one system family is not kept under --across: it is
    listed with the reason, not turned into a pin the plan then refuses."""
    import peermatch
    from peermatch.core.plan import Plan, PlanLink

    data = peermatch.load(REPO / "data")
    (need, *_) = data.system("east-surrey").needs
    earlier = Plan(
        [PlanLink("east-surrey", "surrey-heartlands", need, 16.6)], 16.6, None, True, [], []
    )
    result = plan(data, keep=earlier, across=True)
    assert [(x.learner, x.teacher, x.code) for x in result.not_kept or []] == [
        ("east-surrey", "surrey-heartlands", "across")
    ]
