"""`groups` (communities of practice) and `gaps` (what the cohort cannot teach itself)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cohorts import TOPICS, Spec, dataset, write_yaml
from conftest import TEST_DATA, examples, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import peermatch
from peermatch.core.defaults import DEFAULT_GROUP_SIZE as DEFAULT_SIZE
from peermatch.core.defaults import DEFAULT_PER_SYSTEM
from peermatch.core.errors import UsageError
from peermatch.present.gaps import gaps_listing
from peermatch.present.groups import groups_listing
from peermatch.present.listing import render_json

COHORT = TEST_DATA / "valid" / "cohort"
NAMES = tuple(f"s{i:02d}" for i in range(12))


@st.composite
def cohorts(draw: st.DrawFn) -> list[Spec]:
    n = draw(st.integers(2, 12))
    specs = [
        Spec(
            sid,
            draw(st.dictionaries(st.sampled_from(TOPICS), st.integers(1, 3), max_size=2)),
            draw(st.dictionaries(st.sampled_from(TOPICS), st.integers(1, 3), max_size=3)),
        )
        for sid in NAMES[:n]
    ]
    if n >= 2 and draw(st.booleans()):
        specs[0].exclude = (specs[1].id,)
    return specs


def check_groups(data: peermatch.Dataset, result: peermatch.Groups, size: int, per: int) -> None:
    """Every rule of a community of practice, from the result alone."""
    count: dict[str, int] = {}
    for g in result.groups:
        members = [m.system for m in g.members]
        assert len(members) == len(set(members)) <= size
        assert len(g.teachers) >= 1 and len(g.learners) >= 2
        assert len(g.teachers) <= len(g.learners)
        for m in g.members:
            p = data.system(m.system)
            count[m.system] = count.get(m.system, 0) + 1
            if m.role == "learner":
                assert g.topic in p.needs and m.priority == p.needs[g.topic].priority
            elif m.via is None:
                assert g.topic in p.strengths and m.level == p.strengths[g.topic].level
            else:  # a related topic's teacher, only when nobody teaches the topic itself
                assert m.via in p.strengths
                assert m.via in data.catalogue.topics[g.topic].related
                assert not any(g.topic in q.strengths for q in data.systems)
        for a in members:
            for b in members:
                assert b not in data.system(a).exclude
    assert all(c <= per for c in count.values())
    topics = {g.topic for g in result.groups}
    for t in topics:  # each group's topic is shared by at least two systems
        assert sum(1 for p in data.systems if t in p.needs) >= 2


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(), st.integers(3, 6), st.integers(1, 3))
def test_groups_keep_every_rule(specs: list[Spec], size: int, per: int) -> None:
    data = dataset(specs)
    result = peermatch.groups(data, size=size, per_system=per)
    check_groups(data, result, size, per)
    placed = {(m.system, g.topic) for g in result.groups for m in g.members}
    for u in result.unplaced:  # every learner left out of its topic's groups is explained
        assert (u.system, u.topic) not in placed and u.reason
    again = peermatch.groups(data, size=size, per_system=per)
    assert again.groups == result.groups  # deterministic


@pytest.mark.parametrize(("teach", "learn", "size"), [(5, 5, 5), (4, 4, 10), (3, 5, 4), (7, 8, 5)])
def test_many_teachers_never_outnumber_a_groups_learners(teach: int, learn: int, size: int) -> None:
    """Found by hypothesis: five teachers and five learners at --size 5 once gave a group of
    three teachers and two learners (the members were dealt round the groups in one line)."""
    specs = [Spec(f"t{i}", {"t-a": 2}, {}) for i in range(teach)]
    specs += [Spec(f"l{i}", {}, {"t-a": 2}) for i in range(learn)]
    data = dataset(specs)
    result = peermatch.groups(data, size=size)
    check_groups(data, result, size, DEFAULT_PER_SYSTEM)
    assert result.groups


def test_the_dealing_keeps_every_group_to_the_rules() -> None:
    """Every count the integer programme can choose for a topic deals into valid groups."""
    from peermatch.analysis.groups import _dealing_order

    for size in range(3, 11):
        for k in range(1, 6):
            for t in range(k, 6 * k):
                for n_learn in range(max(t, 2 * k), size * k - t + 1):
                    if t > k * (size // 2):
                        continue
                    order = _dealing_order(t, n_learn, k)
                    teachers = [order[:t].count(g) for g in range(k)]
                    learners = [order[t:].count(g) for g in range(k)]
                    for g in range(k):
                        assert 1 <= teachers[g] <= learners[g], (size, k, t, n_learn)
                        assert learners[g] >= 2 and teachers[g] + learners[g] <= size


def test_groups_on_the_cohort() -> None:
    data = peermatch.load(COHORT)
    result = peermatch.groups(data)
    check_groups(data, result, DEFAULT_SIZE, DEFAULT_PER_SYSTEM)
    rows = {g.group: (g.teachers, g.learners) for g in result.groups}
    assert rows["ambulance-handover"] == (["nenc"], ["dorset", "west-yorkshire"])
    assert not result.unplaced
    tight = peermatch.groups(data, size=3, per_system=1)
    check_groups(data, tight, 3, 1)
    reasons = {(u.system, u.topic): u.reason for u in tight.unplaced}
    assert reasons[("dorset", "ambulance-handover")].startswith("already in 1 groups (")


def test_a_big_topic_is_split_evenly() -> None:
    specs = [Spec(f"l{i}", {}, {"t-c": 2}) for i in range(9)]
    specs += [Spec("ta", {"t-c": 3}, {}), Spec("tb", {"t-c": 2}, {})]
    data = dataset(specs)
    result = peermatch.groups(data, size=5)
    check_groups(data, result, 5, DEFAULT_PER_SYSTEM)
    assert [g.group for g in result.groups] == ["t-c-1", "t-c-2"]
    assert [len(g.members) for g in result.groups] == [5, 5]  # 2 teachers, 8 of 9 learners
    assert [g.teachers for g in result.groups] == [["ta"], ["tb"]]  # best teacher first
    (u,) = result.unplaced
    assert "groups are full" in u.reason


def test_related_teacher_when_nobody_teaches_the_topic() -> None:
    data = dataset(
        [Spec("a", {}, {"t-a": 3}), Spec("b", {}, {"t-a": 1}), Spec("c", {"t-b": 3}, {})]
    )
    (g,) = peermatch.groups(data).groups
    assert g.teachers == ["c"] and g.as_row()["related_teachers"] == ["c<-t-b"]


def test_no_teacher_at_all() -> None:
    data = dataset([Spec("a", {}, {"t-d": 3}), Spec("b", {}, {"t-d": 1})])
    result = peermatch.groups(data)
    assert result.groups == []
    assert {u.reason for u in result.unplaced} == {
        "nobody teaches it or a related topic (see 'peermatch gaps')"
    }


@pytest.mark.parametrize(("kw", "text"), [({"size": 2}, "--size"), ({"per_system": 0}, "per")])
def test_groups_usage(kw: dict[str, int], text: str) -> None:
    with pytest.raises(UsageError, match=text):
        peermatch.groups(peermatch.load(COHORT), **kw)


def test_cli_groups_json_equals_library() -> None:
    data = peermatch.load(COHORT)
    expected = render_json(groups_listing(peermatch.groups(data)))
    result = invoke("groups", "--data", str(COHORT), "--format", "json")
    assert result.exit_code == 0 and result.stdout == expected
    doc = json.loads(result.stdout)
    assert list(doc)[:2] == ["version", "groups"]
    assert list(doc["groups"][0])[:6] == ["group", "topic", "name", "size", "teachers", "learners"]


# --------------------------------------------------------------------------- gaps


def test_gaps_kinds() -> None:
    data = dataset(
        [
            Spec("a", {"t-c": 3}, {"t-a": 3}),
            Spec("b", {"t-b": 2}, {"t-c": 1}),
            Spec("c", {"t-d": 2}, {"t-a": 1}),
            Spec("d", {}, {}),
        ]
    )
    found = {(g.kind, g.id): g for g in peermatch.gaps(data)}
    assert set(found) == {
        ("untaught-challenge", "t-a"),
        ("unneeded-system", "c"),
        ("unneeded-system", "d"),
        ("untaught-system", "d"),
    }
    g = found[("untaught-challenge", "t-a")]
    assert g.needed_by == ("a", "c")  # highest priority first
    assert g.nearest == ("t-b",)  # a related topic that someone (b) teaches
    assert g.detail == (
        "needed by a (high), c (low); no one teaches it, but related topics are taught: t-b by b"
    )
    assert found[("unneeded-system", "c")].detail == (
        "no other system lists t-d (or a related topic) as a challenge"
    )
    assert found[("unneeded-system", "d")].detail == "it lists no strengths"


def test_no_gaps_and_fail(tmp_path: Path) -> None:
    clean = invoke("gaps", "--data", str(COHORT), "--fail")
    assert clean.exit_code == 0
    assert "no gaps" in clean.stdout
    folder = write_yaml(
        [Spec("a", {"t-c": 3}, {"t-a": 3}), Spec("b", {"t-a": 2}, {"t-d": 1})], tmp_path / "d"
    )
    ok = invoke("gaps", "--data", str(folder), "--format", "json")
    assert ok.exit_code == 0
    doc = json.loads(ok.stdout)
    assert [(g["kind"], g["id"]) for g in doc["gaps"]] == [
        ("untaught-challenge", "t-d"),
        ("unneeded-system", "a"),
        ("untaught-system", "b"),
    ]
    assert doc["counts"] == {"untaught-challenge": 1, "unneeded-system": 1, "untaught-system": 1}
    failed = invoke("gaps", "--data", str(folder), "--fail", "--format", "csv")
    assert failed.exit_code == 1
    assert failed.stdout.splitlines()[0] == "kind,id,name,needed_by,nearest,detail"
    assert failed.stderr == "3 gap(s) found (--fail)\n"


def test_gaps_json_equals_library() -> None:
    data = peermatch.load(COHORT)
    expected = render_json(gaps_listing(peermatch.gaps(data)))
    assert invoke("gaps", "--data", str(COHORT), "-f", "json").stdout == expected


def test_cli_defaults_are_the_library_defaults() -> None:
    """The CLI reads its defaults from core/defaults, as the library does; they must agree."""
    from peermatch.core import defaults

    text = " ".join(invoke("plan", "--help").stdout.split())
    assert f"capacity.teach [default: {defaults.DEFAULT_TEACH}]" in text
    assert f"capacity.learn [default: {defaults.DEFAULT_LEARN}]" in text
    assert f"[default: {defaults.TIME_LIMIT:.1f}; 0.1<=x<=604800.0]" in text
    text = " ".join(invoke("groups", "--help").stdout.split())
    assert f"Most members in a group. [default: {DEFAULT_SIZE};" in text
    assert f"Most groups a system joins. [default: {DEFAULT_PER_SYSTEM};" in text


def test_library_functions_are_not_shadowed_by_modules() -> None:
    import types

    import peermatch.analysis.gaps
    import peermatch.analysis.groups
    import peermatch.planning.api

    for name in ("plan", "groups", "gaps"):
        assert not isinstance(getattr(peermatch, name), types.ModuleType), name
        assert callable(getattr(peermatch, name))


@settings(max_examples=examples(60), deadline=None)
@given(cohorts())
def test_system_gaps_agree_with_the_scorer(specs: list[Spec]) -> None:
    """A system nobody can teach (or nobody needs) is one the scorer finds no pair for,
    unless it is teach-only (or learn-only): that is normal, not a gap."""
    from peermatch.core.dataset import LEARN_ONLY, TEACH_ONLY
    from peermatch.scoring.ranking import candidate_teachers

    data = dataset(specs)
    found = {(g.kind, g.id) for g in peermatch.gaps(data)}
    teachers = candidate_teachers(data)
    for p in data.systems:
        can_learn = bool(teachers[p.id])
        can_teach = any(p.id in ts for ts in teachers.values())
        assert (("untaught-system", p.id) in found) == (not can_learn and p.one_way != TEACH_ONLY)
        assert (("unneeded-system", p.id) in found) == (not can_teach and p.one_way != LEARN_ONLY)


def test_groups_and_gaps_ignore_file_order(tmp_path: Path) -> None:
    import yaml

    outs = []
    for i, order in enumerate([1, -1]):
        folder = tmp_path / f"d{i}"
        folder.mkdir()
        for name, key in (("systems.yaml", "systems"), ("challenges.yaml", "challenges")):
            doc = yaml.safe_load((COHORT / name).read_text())
            (folder / name).write_text(yaml.safe_dump({key: doc[key][::order]}))
        outs.append(
            [
                invoke(cmd, "--data", str(folder), "--format", "json").stdout
                for cmd in ("groups", "gaps")
            ]
        )
    assert outs[0] == outs[1]
