"""Follow-up: history.yaml, its checks, and what it does to suggest and explain."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from cohorts import doc_cohorts, fast_cohorts
from cohorts import weights as fast_weights
from conftest import REPO, examples, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import peermatch
from peermatch.core.errors import DataError, UsageError
from peermatch.files import history
from peermatch.files.history import History, PastLink
from peermatch.files.loading import from_documents
from peermatch.scoring.adjustments import adjustments
from peermatch.scoring.ranking import suggest
from peermatch.scoring.reference import score_pair

EXAMPLE = REPO / "examples" / "history.yaml"
FAST = settings(max_examples=examples(60), deadline=None)


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return peermatch.load()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "history.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the file


def test_the_example_is_valid(data) -> None:  # type: ignore[no-untyped-def]
    h = history.load_history(EXAMPLE, data)
    assert len(h.links) == 7
    assert h.newest_year == 2024
    assert h.links[0] == PastLink(
        "nenc",
        "east-surrey",
        "discharge",
        2024,
        5,
        "Discharge team shadowing and a joint review of delayed discharges.",
        7,
    )
    result = invoke("validate", "--history", str(EXAMPLE))
    assert result.exit_code == 0
    assert result.stdout == f"OK: the shipped data and {EXAMPLE}: no problems found\n"


BAD = [
    ("", ":1:1: the file is empty; a history file is 'links:'"),
    ("links: {}\n", ":1:1: links: must be a list of links ('- teacher: ...')"),
    (
        "links:\n  - {teacher: nenc, learner: dorset, topic: discharge}\n",
        ":2:5: links[0]: required field 'year' is missing",
    ),
    (
        "links:\n  - {teacher: nenc, learner: dorset, topic: discharge, year: 24}\n",
        ":2:62: links[0].year: must be a year from 1900 to 2200, e.g. 2024; got 24",
    ),
    (
        "links:\n  - {teacher: nenc, learner: dorset, topic: discharge, year: 2024, outcome: 6}\n",
        ":2:77: links[0].outcome: must be a whole number from 1 (did not help) to 5",
    ),
    (
        "links:\n  - {teacher: nenc, learner: dorset, topic: discharge, year: 2024, outcom: 4}\n",
        ":2:68: links[0].outcom: unknown field 'outcom'; did you mean outcome?",
    ),
    (
        "links:\n  - {teacher: nenk, learner: dorset, topic: discharge, year: 2024}\n",
        ":2:15: links[0].teacher: unknown system 'nenk'; did you mean "
        "nenc-provider-collaborative, nenc or new-local?",
    ),
    (
        "links:\n  - {teacher: nenc, learner: dorset, topic: dischage, year: 2024}\n",
        ":2:45: links[0].topic: unknown topic 'dischage'; did you mean discharge",
    ),
    (
        "links:\n  - {teacher: nenc, learner: nenc, topic: discharge, year: 2024}\n",
        ":2:30: links[0].learner: a system cannot teach itself",
    ),
    (
        "links:\n"
        "  - {teacher: nenc, learner: dorset, topic: discharge, year: 2024}\n"
        "  - {teacher: nenc, learner: dorset, topic: Discharge, year: 2024, outcome: 3}\n",
        ":3:5: links[1]: the same link (nenc -> dorset on discharge in 2024) is already at "
        "line 2; merge the two entries",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_history_files_are_located(data, tmp_path, text, message) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, text)
    with pytest.raises(DataError) as info:
        history.load_history(path, data)
    assert str(info.value).startswith(str(path) + message)
    result = invoke("suggest", "--history", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(str(path) + message)
    result = invoke("validate", "--history", str(path))
    assert result.exit_code == 1
    assert result.stdout.startswith(str(path) + message)


def test_every_problem_is_reported(data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(
        tmp_path,
        "links:\n"
        "  - {teacher: nenk, learner: dorset, topic: discharge, year: 2024}\n"
        "  - {teacher: nenc, learner: dorst, topic: dischage, year: 2024}\n",
    )
    assert [f.line for f in history.validate_history(path, data)] == [2, 3, 3]


# --------------------------------------------------------------------------- adjustments


def small_history(*links: tuple[str, str, str, int, int | None]) -> History:
    return History(
        [PastLink(t, lr, topic, y, o, None, i + 1) for i, (t, lr, topic, y, o) in enumerate(links)],
        "h.yaml",
    )


def test_repeats_within_the_window_are_excluded(data) -> None:  # type: ignore[no-untyped-def]
    h = small_history(
        ("nenc", "east-surrey", "discharge", 2024, None),
        ("nenc", "gloucestershire", "uec-flow", 2022, None),
        ("wakefield", "canterbury", "adult-social-care", 2023, None),
    )
    adj = adjustments(h, data)
    assert adj.year == 2025
    assert set(adj.excluded) == {("nenc", "east-surrey"), ("wakefield", "canterbury")}
    assert set(adjustments(h, data, window=3).excluded) == {
        ("nenc", "east-surrey"),
        ("nenc", "gloucestershire"),
        ("wakefield", "canterbury"),
    }
    assert set(adjustments(h, data, window=0).excluded) == set()
    assert set(adjustments(h, data, year=2024, window=0).excluded) == {("nenc", "east-surrey")}
    assert adj.factors == {}  # nothing was rated


def test_well_rated_teachers_are_lifted(data) -> None:  # type: ignore[no-untyped-def]
    h = small_history(
        ("nenc", "east-surrey", "discharge", 2024, 5),
        ("nenc", "gloucestershire", "uec-flow", 2024, 4),
        ("wyaat", "frimley", "provider-collaboratives", 2023, 2),
        ("west-yorkshire", "dorset", "health-inequalities", 2020, 4),
        ("west-yorkshire", "lsc", "health-inequalities", 2021, 5),
    )
    adj = adjustments(h, data)
    # nenc teaches discharge (record 1) to everyone who needs it
    needs_discharge = sorted(p.id for p in data.systems if "discharge" in p.needs)
    assert {lr for (t, lr) in adj.factors if t == "nenc"} >= set(needs_discharge)
    assert adj.factor("nenc", "impact-adult-care") == 1.125
    assert adj.factor("nenc", "gloucestershire") == 1.0625  # uec-flow rated 4
    assert adj.factor("wyaat", "frimley") == 1.0  # rated 2: no lift, no penalty
    assert adj.factor("west-yorkshire", "surrey-heartlands") == 1 + 0.125 * 0.75  # mean 4.5
    assert adj.lifts[("west-yorkshire", "surrey-heartlands")].rated == 2
    zero = peermatch.Weights(history_lift=0)
    assert adjustments(h, data, zero).factors == {}


def test_planning_year_needs_links_or_year(data) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="give the year with --year"):
        adjustments(History([], "h.yaml"), data)
    assert adjustments(History([], "h.yaml"), data, year=2025).year == 2025


def test_suggest_leaves_out_repeats_and_lifts(data) -> None:  # type: ignore[no-untyped-def]
    adj = adjustments(history.load_history(EXAMPLE, data), data)
    before = {(m.teacher, m.learner): m for m in suggest(data, top=0)}
    after = {(m.teacher, m.learner): m for m in suggest(data, top=0, adjustments=adj)}
    assert ("nenc", "east-surrey") in before
    # an excluded pair that is no match anyway (e.g. wyaat -> frimley) has nothing to remove
    assert set(before) - set(after) == set(adj.excluded) & set(before)
    for pair, m in after.items():
        factor = adj.factor(*pair)
        assert m.score == min(100.0, before[pair].score * factor)
        assert ("past links rated well" in m.reason) == (factor > 1)


def test_scores_are_capped_at_100(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = peermatch.load(REPO / "tests" / "data" / "valid" / "small")
    h = small_history(("alpha", "beta", "ambulance-handover", 2020, 5))
    b = score_pair(data, "alpha", "beta", adjustments=adjustments(h, data))
    plain = score_pair(data, "alpha", "beta")
    assert b.history_factor == 1.125
    assert b.score == min(100.0, plain.score * 1.125)


# --------------------------------------------------------------------------- explain


def test_explain_says_why() -> None:
    result = invoke("explain", "nenc", "east-surrey", "--history", str(EXAMPLE))
    assert result.exit_code == 0
    out = result.stdout
    assert "score = 100 x earned / points x context x partner x history = " in out
    assert "x 1.125 = 77.5" in out
    assert f"history: {EXAMPLE}, planning 2025, repeat window 2 year(s)" in out
    assert (
        "- lift x1.125 = 1 + history_lift 0.125 x record 1: nenc's 1 rated past link(s) on "
        "discharge averaged 5 of 5 (record = (mean - 3) / 2, from 0 to 1)"
    ) in out
    assert (
        f"- repeat: nenc already taught east-surrey on discharge in 2024 (rated 5; {EXAMPLE}:7), "
        "within 2 year(s) of 2025: suggest and plan leave this pair out"
    ) in out
    plain = invoke("explain", "nenc", "east-surrey").stdout
    assert "history" not in plain


def test_explain_json_carries_the_history() -> None:
    result = invoke("explain", "nenc", "east-surrey", "--history", str(EXAMPLE), "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["match"]["history_factor"] == 1.125
    assert doc["match"]["repeat"] is True
    assert doc["history"] == {
        "file": str(EXAMPLE),
        "year": 2025,
        "window": 2,
        "factor": 1.125,
        "record": {"topic": "discharge", "rated_links": 1, "mean_outcome": 5.0},
        "repeats": [{"topic": "discharge", "year": 2024, "outcome": 5, "line": 7}],
    }
    plain = json.loads(invoke("explain", "nenc", "east-surrey", "--format", "json").stdout)
    assert "history" not in plain and "history_factor" not in plain["match"]


def test_suggest_cli_notes_the_effect() -> None:
    result = invoke("suggest", "--history", str(EXAMPLE), "--format", "csv")
    assert result.exit_code == 0
    assert result.stderr == (
        "history: 6 pair(s) linked in 2023 or later left out as repeats, 11 pair(s) lifted "
        f"for well-rated past links ({EXAMPLE}); 'peermatch explain TEACHER LEARNER "
        f"--history {EXAMPLE}' says why\n"
    )
    assert "nenc,east-surrey" not in result.stdout.replace('"', "")
    result = invoke("suggest", "--history", str(EXAMPLE), "--year", "2030", "--format", "csv")
    assert "0 pair(s) linked in 2028 or later" in result.stderr


# --------------------------------------------------------------------------- properties


@st.composite
def cohort_and_history(draw):  # type: ignore[no-untyped-def]
    docs = draw(doc_cohorts())
    ids = [s["id"] for s in docs[0]["systems"]]
    topics = [c["id"] for c in docs[1]["challenges"]]
    links = []
    for _ in range(draw(st.integers(0, 8))):
        t, lr = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        if t == lr:
            continue
        links.append(
            (
                t,
                lr,
                draw(st.sampled_from(topics)),
                draw(st.integers(2020, 2024)),
                draw(st.none() | st.integers(1, 5)),
            )
        )
    return docs, links


def _adj(docs, links):  # type: ignore[no-untyped-def]
    data = from_documents(*docs)
    return data, adjustments(small_history(*links), data, year=2025)


@FAST
@given(cohort_and_history())
def test_history_keeps_scores_percentages_and_only_lifts(case) -> None:  # type: ignore[no-untyped-def]
    docs, links = case
    data, adj = _adj(docs, links)
    for t in data.systems:
        for lr in data.systems:
            plain = score_pair(data, t.id, lr.id)
            b = score_pair(data, t.id, lr.id, adjustments=adj)
            assert 0 <= b.score <= 100
            assert b.score >= plain.score
            assert (b.score == 0) == (plain.score == 0)
    shown = {(m.teacher, m.learner) for m in suggest(data, top=0, adjustments=adj)}
    assert not shown & set(adj.excluded)


@FAST
@given(cohort_and_history(), st.data())
def test_history_keeps_scores_monotone_in_level(case, draw) -> None:  # type: ignore[no-untyped-def]
    docs, links = case
    teachers = [s for s in docs[0]["systems"] if any(e["level"] < 3 for e in s["strengths"])]
    if not teachers:
        return
    teacher = draw.draw(st.sampled_from(teachers))
    entry = draw.draw(st.sampled_from([e for e in teacher["strengths"] if e["level"] < 3]))
    raised = copy.deepcopy(docs)
    for s in raised[0]["systems"]:
        if s["id"] == teacher["id"]:
            next(e for e in s["strengths"] if e["challenge"] == entry["challenge"])["level"] += 1
    data, adj = _adj(docs, links)
    after, adj_after = _adj(raised, links)
    for lr in data.systems:
        assert (
            score_pair(after, teacher["id"], lr.id, adjustments=adj_after).score
            >= score_pair(data, teacher["id"], lr.id, adjustments=adj).score
        )


@FAST
@given(cohort_and_history(), st.data())
def test_history_keeps_scores_monotone_in_priority(case, draw) -> None:  # type: ignore[no-untyped-def]
    docs, links = case
    learner = draw.draw(st.sampled_from(docs[0]["systems"]))
    low = [e for e in learner["challenges"] if e["priority"] < 3]
    if not low:
        return
    entry = draw.draw(st.sampled_from(low))
    raised = copy.deepcopy(docs)
    for s in raised[0]["systems"]:
        if s["id"] == learner["id"]:
            next(e for e in s["challenges"] if e["challenge"] == entry["challenge"])[
                "priority"
            ] += 1
    data, adj = _adj(docs, links)
    after, adj_after = _adj(raised, links)
    for t in data.systems:
        if entry["challenge"] in t.strengths:
            assert (
                score_pair(after, t.id, learner["id"], adjustments=adj_after).score
                >= score_pair(data, t.id, learner["id"], adjustments=adj).score
            )


def test_cli_default_window_matches_the_library() -> None:
    from peermatch.cli.options import DEFAULT_WINDOW
    from peermatch.core import defaults

    assert DEFAULT_WINDOW == defaults.DEFAULT_WINDOW


# --------------------------------------------------------------------------- the fast path


@st.composite
def fast_cases(draw):  # type: ignore[no-untyped-def]
    data = draw(fast_cohorts())
    w = draw(fast_weights())
    w = w.model_copy(update={"history_lift": draw(st.sampled_from([0.0, 0.125, 0.5, 1.0]))})
    from peermatch.scoring.ranking import candidate_teachers

    topics = sorted(data.catalogue.topics)
    # mostly pairs that score, so repeats and lifts change rankings
    pairs = sorted((t, lr) for lr, ts in candidate_teachers(data).items() for t in ts)
    links = []
    if pairs:
        for _ in range(draw(st.integers(0, 10))):
            t, lr = draw(st.sampled_from(pairs))
            if t != lr:
                links.append(
                    (
                        t,
                        lr,
                        draw(st.sampled_from(topics)),
                        draw(st.integers(2021, 2024)),
                        draw(st.none() | st.integers(1, 5)),
                    )
                )
    window = draw(st.integers(0, 3))
    return data, w, adjustments(small_history(*links), data, w, year=2025, window=window)


SLOW_OK = settings(
    max_examples=examples(80),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@SLOW_OK
@given(
    case=fast_cases(),
    top=st.integers(0, 4),
    new_only=st.booleans(),
    min_score=st.sampled_from([0.0, 30.0, 80.0]),
    across=st.booleans(),
)
def test_fast_ranking_with_history_is_the_reference(
    small_chunks, case, top, new_only, min_score, across
) -> None:  # type: ignore[no-untyped-def]
    from peermatch.scoring.ranking import rank_all

    data, w, adj = case
    options = {
        "top": top,
        "new_only": new_only,
        "min_score": min_score,
        "adjustments": adj,
        "across": across,
    }
    fast = rank_all(data, w, method="fast", **options)
    ref = rank_all(data, w, method="reference", **options)
    assert fast.by_learner == ref.by_learner


@SLOW_OK
@given(
    case=fast_cases(),
    top=st.integers(0, 3),
    new_only=st.booleans(),
    min_score=st.sampled_from([0.0, 30.0]),
    who=st.integers(0, 13),
    across=st.booleans(),
)
def test_fast_suggest_with_history_is_the_reference(
    small_chunks, case, top, new_only, min_score, who, across
) -> None:  # type: ignore[no-untyped-def]
    data, w, adj = case
    system = data.systems[who].id if who < len(data.systems) else None
    options = {
        "top": top,
        "new_only": new_only,
        "min_score": min_score,
        "system": system,
        "across": across,
    }
    fast = suggest(data, weights=w, method="fast", adjustments=adj, **options)
    ref = suggest(data, weights=w, method="reference", adjustments=adj, **options)
    assert fast == ref


@pytest.mark.parametrize("top", [0, 1, 2, 3])
def test_fast_path_with_history_on_the_shipped_data(data, top) -> None:  # type: ignore[no-untyped-def]
    from peermatch.scoring.ranking import rank_all

    best = rank_all(data, top=1, method="reference").by_learner
    # every learner's best teacher taught it last year (rated 5): the next best must move up
    h = small_history(
        *(
            (b[0].teacher, learner, next(iter(data.system(learner).needs)), 2024, 5)
            for learner, b in best.items()
            if b
        )
    )
    for adj in (adjustments(h, data), adjustments(history.load_history(EXAMPLE, data), data)):
        fast = rank_all(data, top=top, method="fast", adjustments=adj)
        ref = rank_all(data, top=top, method="reference", adjustments=adj)
        assert fast.by_learner == ref.by_learner
        for who in ("nenc", "dorset", "east-surrey"):
            assert suggest(data, top=top, system=who, method="fast", adjustments=adj) == suggest(
                data, top=top, system=who, method="reference", adjustments=adj
            )


# --------------------------------------------------------------------------- plan


def test_plan_leaves_out_repeats_and_lifts(data) -> None:  # type: ignore[no-untyped-def]
    from peermatch.planning.api import plan

    adj = adjustments(history.load_history(EXAMPLE, data), data)
    before = plan(data)
    after = plan(data, adjustments=adj)
    assert {(k.teacher, k.learner) for k in before.links} & set(adj.excluded)
    assert not {(k.teacher, k.learner) for k in after.links} & set(adj.excluded)
    lifted = [k for k in after.links if adj.factor(k.teacher, k.learner) > 1]
    assert lifted
    for k in lifted:
        assert "past links rated well" in k.reason
        assert k.score == score_pair(data, k.teacher, k.learner, adjustments=adj).score
    assert after.settings["history"] == {"file": str(EXAMPLE), "year": 2025, "window": 2}


def test_plan_cli_says_why() -> None:
    result = invoke("plan", "--history", str(EXAMPLE), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "6 pair(s) linked in 2023 or later left out as repeats" in result.stderr
    links = {(r["teacher"], r["learner"]) for r in json.loads(result.stdout)["links"]}
    assert ("nenc", "east-surrey") not in links
    result = invoke("plan", "--history", str(EXAMPLE), "--pin", "nenc:east-surrey")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"error: --pin nenc:east-surrey: nenc already taught east-surrey in 2024 ({EXAMPLE}), "
        "within --window 2 of 2025; drop the --pin or narrow --window\n"
    )


def test_a_system_whose_only_partners_are_repeats_is_told_why(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from peermatch.planning.api import plan

    data = peermatch.load(REPO / "tests" / "data" / "valid" / "small")
    adj = adjustments(small_history(("beta", "alpha", "camhs", 2024, 4)), data)
    result = plan(data, adjustments=adj)
    (why,) = [x for x in result.left_out if x.system == "alpha" and x.role == "learn"]
    assert why.code == "repeat"
    assert "beta already linked with it within --window 2 of 2025" in why.reason


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=fast_cases(), new_only=st.booleans(), cap=st.sampled_from([None, 1]))
def test_fast_plan_with_history_is_the_reference_plan(monkeypatch, case, new_only, cap) -> None:  # type: ignore[no-untyped-def]
    from peermatch.planning import tuning
    from peermatch.planning.api import plan

    monkeypatch.setattr(tuning, "PRUNE", 1)  # few candidates: column generation adds links
    data, w, adj = case

    fast, ref = (
        plan(data, weights=w, new_only=new_only, adjustments=adj, method=m, teach=cap, learn=cap)
        for m in ("fast", "reference")
    )
    # the same optimum (ties may be broken differently when candidates are pruned)
    assert fast.total == pytest.approx(ref.total, abs=1e-4)
    assert len(fast.left_out) == len(ref.left_out)
    assert not {(k.teacher, k.learner) for k in fast.links} & set(adj.excluded)
    for k in fast.links:
        assert k.score == score_pair(data, k.teacher, k.learner, w, adj).score


def test_report_makes_the_plan_when_none_is_given(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "report.html"
    result = invoke("report", "--history", str(EXAMPLE), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert text.count('<circle class="node"') == len(peermatch.load().systems)
    assert 'data-teacher="nenc" data-learner="east-surrey"' not in text
    assert "links made in 2023 or later are not repeated" in text


def test_column_generation_prices_lifted_links(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A lifted link outside the pruned candidates must still be found: here t5 -> z-learner
    ranks fifth for z-learner and fourth among t5's learners without the history, and is in
    the optimum with it (history_lift 1 doubles it)."""
    from peermatch.planning import api as planning
    from peermatch.planning import tuning

    folder = REPO / "tests" / "data" / "history" / "lift"
    data = peermatch.load(folder)
    w = peermatch.Weights(history_lift=1.0)
    adj = adjustments(history.load_history(folder / "history.yaml", data), data, w, year=2025)
    monkeypatch.setattr(tuning, "PRUNE", 1)
    fast, ref = (
        planning.plan(data, weights=w, adjustments=adj, method=m, teach=1, learn=1)
        for m in ("fast", "reference")
    )
    assert ("t5", "z-learner") in {(k.teacher, k.learner) for k in ref.links}
    assert ("t5", "z-learner") in {(k.teacher, k.learner) for k in fast.links}
    assert fast.total == ref.total == 601.5625


def test_a_link_dated_after_the_planning_year_is_an_error_not_a_repeat() -> None:
    result = invoke("suggest", "--history", str(EXAMPLE), "--year", "2023")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        f"{EXAMPLE}:7: the link nenc -> east-surrey is dated 2024, after the "
        "planning year 2023; correct the year, or plan a later year with --year"
    )
