"""`plan` on whole cohorts: every constraint, exactness, the reasons for leaving out, the CLI."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import yaml
from cohorts import (
    Spec,
    brute_bmatching,
    brute_rings,
    caps,
    check_constraints,
    dataset,
    write_yaml,
)
from cohorts import small_cohorts as cohorts
from conftest import TEST_DATA, examples, invoke, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import peermatch
from peermatch.core.errors import PeermatchError, UsageError
from peermatch.planning import tuning
from peermatch.planning.api import plan
from peermatch.planning.candidates import Candidates
from peermatch.planning.tuning import TIE
from peermatch.present.listing import render_json
from peermatch.present.plan import plan_listing, plan_summary
from peermatch.scoring.ranking import rank_all
from peermatch.scoring.reference import score_pair
from peermatch.solver.rings import enumerate_rings

COHORT = TEST_DATA / "valid" / "cohort"
# --------------------------------------------------------------------------- exactness


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cohorts(),
    st.one_of(st.none(), st.integers(0, 2)),
    st.one_of(st.none(), st.integers(0, 2)),
    st.booleans(),
    st.randoms(use_true_random=False),
    st.sampled_from(["reference", "fast"]),
)
def test_plan_is_exact_and_keeps_every_constraint(
    specs: list[Spec],
    teach: int | None,
    learn: int | None,
    new_only: bool,
    rnd: random.Random,
    method: str,
) -> None:
    """Both ways to plan (the MILP over every link; LP column generation over pruned
    candidates with the vectorised scorer) are exact, against brute force."""
    data = dataset(specs)
    cand = Candidates.from_ranking(data, rank_all(data, new_only=new_only))
    teach_cap, learn_cap = caps(data, teach, learn)
    # a random pin that fits the capacities
    pins: list[tuple[str, str]] = []
    if len(cand) and rnd.random() < 0.5:
        li = rnd.randrange(len(cand))
        t, lr = int(cand.teacher[li]), int(cand.learner[li])
        if teach_cap[t] > 0 and learn_cap[lr] > 0:
            pins = [(cand.ids[t], cand.ids[lr])]
    with few_candidates():
        result = plan(data, teach=teach, learn=learn, new_only=new_only, pins=pins, method=method)  # type: ignore[arg-type]
    check_constraints(data, result, teach=teach, learn=learn, new_only=new_only, pins=pins)
    # the optimum by brute force: fewest unmet lower bounds, then the greatest total
    n = len(data.systems)
    has_out = np.bincount(cand.teacher, minlength=n) > 0
    has_in = np.bincount(cand.learner, minlength=n) > 0
    pinned = np.zeros(len(cand), dtype=bool)
    for t, lr in pins:
        pinned[(cand.teacher == cand.ids.index(t)) & (cand.learner == cand.ids.index(lr))] = True
    best = brute_bmatching(
        n,
        cand.teacher,
        cand.learner,
        cand.score,
        teach_cap,
        learn_cap,
        has_out & (teach_cap > 0),
        has_in & (learn_cap > 0),
        pinned,
    )
    assert best is not None
    unmet = sum(
        1
        for x in result.left_out
        if (
            x.role == "teach"
            and has_out[cand.ids.index(x.system)]
            and teach_cap[cand.ids.index(x.system)] > 0
        )
        or (
            x.role == "learn"
            and has_in[cand.ids.index(x.system)]
            and learn_cap[cand.ids.index(x.system)] > 0
        )
    )
    assert unmet == best[0]
    # the tie-breaking nudge can cost at most TIE per link
    assert result.total == pytest.approx(best[1], abs=TIE * max(1, len(result.links)) + 1e-9)
    assert result.optimal
    assert result.bound is not None and result.bound >= best[1] - 1e-6
    for x in result.left_out:  # every system left out has a reason
        assert x.reason and x.code


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(min_n=2, max_n=5), st.sampled_from([2, 3]))
def test_rings_are_rings_and_exact(specs: list[Spec], size: int) -> None:
    data = dataset(specs)
    result = plan(data, ring_size=size)
    assert result.rings is not None
    ids = [p.id for p in data.systems]
    in_ring = [s for r in result.rings for s in r.systems]
    assert len(in_ring) == len(set(in_ring))  # each system in one ring at most
    by_ring: dict[int, list[peermatch.PlanLink]] = {}
    for k in result.links:
        assert k.ring is not None
        by_ring.setdefault(k.ring, []).append(k)
        b = score_pair(data, k.teacher, k.learner)
        assert b.score > 0 and not b.excluded and k.score == b.score
    for r in result.rings:
        links = by_ring[r.ring]
        assert 2 <= len(r.systems) <= size == size and len(links) == len(r.systems)
        for i, k in enumerate(links):  # each teaches the next; the last teaches the first
            assert k.teacher == r.systems[i]
            assert k.learner == r.systems[(i + 1) % len(r.systems)]
    one_way = {x.system for x in result.one_way}  # in no ring, and not left out: a note
    assert {x.system for x in result.left_out} == set(ids) - set(in_ring) - one_way
    assert not one_way & set(in_ring)
    assert all(x.role == "ring" and x.reason for x in result.left_out)
    # exact: against a brute-force packing of the same candidate rings
    cand = Candidates.from_ranking(data, rank_all(data))
    teach_cap, learn_cap = caps(data, None, None)
    ok = (teach_cap > 0) & (learn_cap > 0)
    keep = ok[cand.teacher] & ok[cand.learner]
    rings = enumerate_rings(len(ids), cand.teacher[keep], cand.learner[keep], size)
    assert rings is not None
    score = cand.score[keep]
    cycles = [
        (tuple(int(s) for s in row[row >= 0]), float(score[lk[lk >= 0]].sum()))
        for row, lk in zip(rings.members, rings.links, strict=True)
    ]
    best = brute_rings(len(ids), cycles)
    assert best is not None
    assert len(in_ring) == best[0]
    assert result.total == pytest.approx(best[1], abs=TIE * max(1, len(result.links)) + 1e-9)


@contextmanager
def few_candidates() -> Iterator[None]:
    """Prune hard on the vectorised path (one teacher per learner, one learner per teacher,
    no near misses), so that column generation has to find the rest."""
    names = ("PRUNE", "PRUNE_PER_PLACE", "PRICE_PER_LEARNER", "MARGIN")
    saved = {k: getattr(tuning, k) for k in names}
    for k, v in zip(names, (1, 0, 1, 0.0), strict=True):
        setattr(tuning, k, v)
    try:
        yield
    finally:
        for k, v in saved.items():
            setattr(tuning, k, v)


def test_both_ways_agree_on_a_generated_cohort(tmp_path: Path) -> None:
    """The reference MILP and the vectorised column generation give the same plan."""
    from benchmarks.generate import generate

    folder = tmp_path / "c"
    generate(folder, 150, 40, 3)
    data = peermatch.load(folder)
    ref = peermatch.plan(data, method="reference")
    fast = peermatch.plan(data, method="fast")
    assert ref.links == fast.links
    assert ref.left_out == fast.left_out
    assert ref.total == fast.total and ref.optimal and fast.optimal
    with few_candidates():
        pruned = peermatch.plan(data, method="fast")
    assert pruned.links == ref.links


# --------------------------------------------------------------------------- the fixture cohort


def test_cohort_everyone_teaches_and_learns() -> None:
    data = peermatch.load(COHORT)
    result = peermatch.plan(data)
    check_constraints(data, result)
    assert result.complete and result.optimal
    assert all(ld.teaches >= 1 and ld.learns >= 1 for ld in result.loads)
    # frimley's profile says teach 1, learn 1: its own capacity wins over the defaults
    frimley = next(ld for ld in result.loads if ld.system == "frimley")
    assert (frimley.teach_capacity, frimley.learn_capacity) == (1, 1)
    assert result.bound is not None and result.total <= result.bound <= result.total + 1e-3


def test_cohort_rings_of_three() -> None:
    data = peermatch.load(COHORT)
    result = peermatch.plan(data, ring_size=3)
    assert result.complete and result.rings
    assert sorted(len(r.systems) for r in result.rings) == [3, 3]


def test_override_defaults_but_not_profiles() -> None:
    data = peermatch.load(COHORT)
    result = peermatch.plan(data, teach=1, learn=1)
    check_constraints(data, result, teach=1, learn=1)
    assert all(ld.teaches == 1 and ld.learns == 1 for ld in result.loads)


def test_new_only_leaves_partners_out() -> None:
    data = peermatch.load(COHORT)
    result = peermatch.plan(data, new_only=True)
    check_constraints(data, result, new_only=True)
    assert not any(k.partner for k in result.links)


def test_pin_forces_a_link() -> None:
    data = peermatch.load(COHORT)
    free = peermatch.plan(data)
    assert ("canterbury", "dorset") not in {(k.teacher, k.learner) for k in free.links}
    pinned = peermatch.plan(data, pins=[("canterbury", "dorset")])
    link = next(k for k in pinned.links if (k.teacher, k.learner) == ("canterbury", "dorset"))
    assert link.pinned and link.reason.endswith("; pinned")
    assert pinned.total <= free.total
    check_constraints(data, pinned, pins=[("canterbury", "dorset")])


@pytest.mark.parametrize(
    ("pins", "message"),
    [
        ([("frimley", "surrey-heartlands")], "must not be paired"),
        ([("nenc", "frimley")], "scores 0"),
        ([("nenc", "nenc")], "cannot teach itself"),
        ([("nenk", "dorset")], "unknown system 'nenk'; did you mean nenc?"),
        ([("frimley", "canterbury"), ("frimley", "nenc")], "but its capacity is 1"),
    ],
)
def test_bad_pins(pins: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(PeermatchError, match=message):
        peermatch.plan(peermatch.load(COHORT), pins=pins)


def test_pin_of_a_partner_with_new_only() -> None:
    with pytest.raises(PeermatchError, match="existing partners, which --new-only leaves out"):
        peermatch.plan(peermatch.load(COHORT), pins=[("canterbury", "nenc")], new_only=True)


def test_ring_pins() -> None:
    data = peermatch.load(COHORT)
    with pytest.raises(PeermatchError, match="no ring of up to 2 systems contains this link"):
        peermatch.plan(data, ring_size=2, pins=[("frimley", "canterbury")])
    with pytest.raises(PeermatchError, match="cannot all be in disjoint rings"):
        peermatch.plan(data, ring_size=3, pins=[("nenc", "dorset"), ("dorset", "west-yorkshire")])
    result = peermatch.plan(data, ring_size=3, pins=[("nenc", "west-yorkshire")])
    assert ("nenc", "west-yorkshire") in {(k.teacher, k.learner) for k in result.links}


@pytest.mark.parametrize("kw", [{"ring_size": 4}, {"teach": -1}, {"time_limit": 0}])
def test_usage_errors(kw: dict[str, int]) -> None:
    with pytest.raises(UsageError):
        peermatch.plan(peermatch.load(COHORT), **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- why left out


def reasons(specs: list[Spec], **kw: object) -> dict[tuple[str, str], tuple[str, str]]:
    result = plan(dataset(specs), **kw)  # type: ignore[arg-type]
    check_constraints(dataset(specs), result, **kw)
    return {(x.system, x.role): (x.code, x.reason) for x in result.left_out}


def test_no_one_can_teach_it() -> None:
    out = reasons(
        [
            Spec("ash", {"t-a": 3}, {"t-c": 2}),
            Spec("birch", {"t-c": 2}, {"t-a": 2}),
            Spec("cedar", {"t-a": 1}, {"t-d": 3}),
        ]
    )
    code, text = out[("cedar", "learn")]
    assert code == "no-teacher"
    assert text == (
        "no one can teach it: none of its challenges (t-d) is anyone's strength, "
        "directly or through a related topic"
    )
    assert ("ash", "learn") not in out and ("birch", "teach") not in out


def test_nobody_needs_its_strengths() -> None:
    out = reasons(
        [
            Spec("ash", {"t-c": 3}, {"t-d": 2}),
            Spec("birch", {"t-d": 2}, {"t-c": 2}),
            Spec("cedar", {"t-a": 3}, {"t-c": 1}),
        ]
    )
    assert out[("cedar", "teach")] == (
        "not-needed",
        "nobody needs its strengths: no other system lists t-a (or a related topic) as a challenge",
    )


def test_capacity_conflict() -> None:
    # ash is the only teacher of t-c, which birch and cedar both need; ash teaches once
    out = reasons(
        [
            Spec("ash", {"t-c": 3}, {"t-d": 2}, teach=1),
            Spec("birch", {"t-d": 3}, {"t-c": 2}),
            Spec("cedar", {"t-d": 2}, {"t-c": 3}),
        ]
    )
    learners = [k for k in out if k[1] == "learn"]
    assert len(learners) == 1  # one of the two learns; the other cannot
    code, text = out[learners[0]]
    assert code == "conflict"
    assert text.startswith(
        "capacity conflict: it can learn only from ash (teaches at most 1), and any plan in "
        "which it learns leaves at least as many others out"
    )
    assert "raise one's capacity.teach (or --teach)" in text


def test_capacity_zero_and_exclusion() -> None:
    out = reasons(
        [
            Spec("ash", {"t-c": 3}, {"t-d": 2}, learn=0),
            Spec("birch", {"t-d": 3}, {"t-c": 2}, exclude=("cedar",)),
            Spec("cedar", {"t-c": 2}, {"t-d": 3}),
        ]
    )
    assert out[("ash", "learn")] == (
        "capacity",
        "its learn capacity is 0 (capacity.learn in its profile)",
    )
    assert ("ash", "teach") not in out
    out = reasons(
        [
            Spec("ash", {"t-c": 3}, {"t-d": 2}, exclude=("birch",)),
            Spec("birch", {"t-d": 3}, {"t-c": 2}),
        ]
    )
    assert out[("birch", "learn")] == (
        "excluded",
        "the only systems that could teach it (ash) cannot be used: "
        "ash must not be paired with it (exclude)",
    )
    out = reasons(
        [
            Spec("ash", {"t-c": 3}, {"t-d": 2}, partners=("birch",)),
            Spec("birch", {"t-d": 3}, {"t-c": 2}, partners=("ash",)),
        ],
        new_only=True,
    )
    assert out[("ash", "teach")] == (
        "new-only",
        "the only systems it could teach (birch) cannot be used: "
        "birch is an existing partner, which --new-only leaves out",
    )


def test_learn_zero_from_the_command_line() -> None:
    out = reasons(
        [Spec("ash", {"t-c": 3}, {"t-d": 2}), Spec("birch", {"t-d": 3}, {"t-c": 2})], learn=0
    )
    assert out[("ash", "learn")] == ("capacity", "its learn capacity is 0 (--learn 0)")


def test_nothing_listed() -> None:
    out = reasons([Spec("ash", {}, {}), Spec("birch", {"t-d": 3}, {"t-c": 2})])
    assert out[("ash", "learn")][0] == "no-challenges"
    assert out[("ash", "teach")][0] == "no-strengths"


def test_no_ring_reason() -> None:
    result = plan(
        dataset(
            [
                Spec("ash", {"t-c": 3}, {"t-d": 2}),
                Spec("birch", {"t-d": 3}, {"t-c": 2}),
                Spec("cedar", {"t-c": 2}, {}),
            ]
        ),
        ring_size=2,
    )
    assert [r.systems for r in result.rings or []] == [("ash", "birch")]
    assert result.left_out == []  # cedar is teach-only: a note, not left out
    assert [x.as_row() for x in result.one_way] == [
        {"system": "cedar", "role": "teach-only", "reason": "no challenges stated"}
    ]
    assert result.complete


def test_teach_only_and_learn_only_are_notes_not_left_out() -> None:
    specs = [
        Spec("ash", {"t-c": 3}, {"t-d": 2}),
        Spec("birch", {"t-d": 3}, {"t-c": 2}),
        Spec("cedar", {"t-c": 2}, {}),
        Spec("damson", {}, {"t-d": 1}),
    ]
    result = plan(dataset(specs))
    assert result.left_out == [] and result.complete
    assert [(x.system, x.role) for x in result.one_way] == [
        ("cedar", "teach-only"),
        ("damson", "learn-only"),
    ]
    assert {(k.teacher, k.learner) for k in result.links} >= {("cedar", "birch")}
    text = plan_summary(result)
    assert "teach-only (no challenges stated): cedar" in text.splitlines()
    assert "learn-only (no strengths stated): damson" in text.splitlines()
    assert "left out" not in text


# --------------------------------------------------------------------------- the command


def test_cli_plan_table_groups_by_learner() -> None:
    result = invoke("plan", "--data", str(COHORT))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Plan for 6 systems: 10 links, total score")
    assert lines[1].split() == ["teacher", "topic", "score", "two", "way", "reason"]
    assert "frimley (Frimley): learns 1 of 1, teaches 1 of 1" in lines
    assert "every system teaches and learns" in lines


def test_cli_plan_csv_columns() -> None:
    result = invoke("plan", "--data", str(COHORT), "--format", "csv")
    header = result.stdout.splitlines()[0]
    assert header.startswith("learner,teacher,topic,score,")
    result = invoke("plan", "--data", str(COHORT), "--format", "csv", "--ring-size", "3")
    assert result.stdout.splitlines()[0].startswith("learner,teacher,topic,score,ring,")


def test_cli_json_equals_library() -> None:
    data = peermatch.load(COHORT)
    expected = render_json(plan_listing(peermatch.plan(data), data))
    result = invoke("plan", "--data", str(COHORT), "--format", "json")
    assert result.stdout == expected
    doc = json.loads(result.stdout)
    assert doc["version"] == 1
    assert list(doc)[:2] == ["version", "links"]
    for key in ("total", "bound", "optimal", "left_out", "systems", "settings"):
        assert key in doc
    assert list(doc["links"][0])[:4] == ["learner", "teacher", "topic", "score"]


def test_cli_strict_and_left_out(tmp_path: Path) -> None:
    folder = write_yaml(
        [
            Spec("ash", {"t-a": 3}, {"t-c": 2}),
            Spec("birch", {"t-c": 2}, {"t-a": 2}),
            Spec("cedar", {"t-a": 1}, {"t-d": 3}),
        ],
        tmp_path / "d",
    )
    ok = invoke("plan", "--data", str(folder))
    assert ok.exit_code == 0
    assert "left out (1 system):" in ok.stdout
    assert "  cedar (learn): no one can teach it" in ok.stdout
    strict = invoke("plan", "--data", str(folder), "--strict", "--format", "json")
    assert strict.exit_code == 1
    assert json.loads(strict.stdout)["left_out"][0]["system"] == "cedar"
    assert "left out: cedar (learn): no one can teach it" in strict.stderr
    assert "1 system(s) left out of the plan (--strict)" in strict.stderr


def test_cli_pin_by_name_and_errors() -> None:
    ok = invoke(
        "plan",
        "--data",
        str(COHORT),
        "--pin",
        "Canterbury District Health Board:dorset",
        "-f",
        "csv",
    )
    assert ok.exit_code == 0
    assert "dorset,canterbury," in ok.stdout
    bad = invoke("plan", "--data", str(COHORT), "--pin", "nenc")
    assert bad.exit_code == 2
    assert "write TEACHER:LEARNER" in bad.stderr
    zero = invoke("plan", "--data", str(COHORT), "--pin", "nenc:frimley")
    assert zero.exit_code == 1
    assert zero.stderr.startswith("error: --pin nenc:frimley: nenc has no strength")
    assert "Traceback" not in zero.stderr


def test_cli_solver_limit_is_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    import peermatch.solver.highs as solver
    import peermatch.solver.matching as matching

    def stuck(*args: object, **kw: object) -> None:
        raise solver.limit_error(0.5)

    monkeypatch.setattr(matching, "solve_bmatching", stuck)
    result = invoke("plan", "--data", str(COHORT), "--time-limit", "0.5")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: the solver reached its time limit of 0.5 s")


def test_deterministic_across_runs_and_file_order(tmp_path: Path) -> None:
    systems = yaml.safe_load((COHORT / "systems.yaml").read_text())
    topics = yaml.safe_load((COHORT / "challenges.yaml").read_text())
    outs = []
    for i, order in enumerate([1, -1]):
        folder = tmp_path / f"d{i}"
        folder.mkdir()
        (folder / "systems.yaml").write_text(
            yaml.safe_dump({"systems": systems["systems"][::order]})
        )
        (folder / "challenges.yaml").write_text(
            yaml.safe_dump({"challenges": topics["challenges"][::order]})
        )
        for args in ([], ["--ring-size", "3"]):
            outs.append(invoke("plan", "--data", str(folder), "--format", "json", *args).stdout)
    assert outs[0] == outs[2] and outs[1] == outs[3]
    again = run("plan", "--data", str(COHORT), "--format", "json")
    assert again.returncode == 0 and again.stdout == outs[0]


def test_output_file_is_written(tmp_path: Path) -> None:
    out = tmp_path / "plan.md"
    result = invoke("plan", "--data", str(COHORT), "--format", "markdown", "--output", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text().startswith("| learner | teacher | topic | score |")


def test_terminal_table_is_one_table_with_a_section_per_learner(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io

    from peermatch.present.listing import render_rich

    monkeypatch.setenv("COLUMNS", "200")
    data = peermatch.load(TEST_DATA / "valid" / "leftout")
    buf = io.StringIO()
    render_rich(plan_listing(peermatch.plan(data), data), buf)
    text = buf.getvalue()
    assert text.startswith("Plan for 4 systems: 3 links, total score 280.3\n")
    assert "ashford (Ashford place partnership): learns 2 of 2, teaches 1 of 1" in text
    assert "bexley (Bexley place partnership): learns 1 of 2, teaches 1 of 3" in text
    assert text.count("┃ teacher ") == 1  # one table, a section per learner
    assert "left out (2 systems):" in text
