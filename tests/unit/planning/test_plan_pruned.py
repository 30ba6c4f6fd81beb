"""A large cohort's plan starts from pruned links; pruning never costs optimality we can check.

Up to ``planning.EXACT_UP_TO`` profiles, column generation runs until no left-out link
could improve the plan, so the pruned plan and the plan over every link have equal totals.
Above it, the plan stops within ``planning.GAP`` of the optimum and its bound (from the
linear programme's dual prices and every left-out link) is a true upper bound.
"""

from __future__ import annotations

import pytest
from cohorts import fast_cohorts
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peermatch.core.dataset import Dataset
from peermatch.core.plan import Plan
from peermatch.files.loading import load
from peermatch.planning import column_generation, tuning
from peermatch.planning.api import plan
from peermatch.planning.candidates import Candidates
from peermatch.planning.pricing import candidate_links
from peermatch.planning.tuning import TIE
from peermatch.scoring import matrix as fastscore


def full_candidates(data: Dataset, new_only: bool = False) -> Candidates:
    """Every link suggest ranks, with its exact ranking place: no pruning at all."""
    cohort = fastscore.Cohort(data)
    links = candidate_links(cohort, per_learner=0, per_teacher=0, new_only=new_only)
    assert links.rank is not None and bool((links.rank >= 0).all())
    ids = tuple(p.id for p in data.systems)
    return Candidates.from_links(ids, links.teacher, links.learner, links.score, links.rank)


def same_plan_value(pruned: Plan, full: Plan, data: Dataset) -> None:
    # as many systems left out (which ones may differ between equally good plans)
    assert len(pruned.left_out) == len(full.left_out)
    # equal totals: the same optimum (different links only where the tie-breaking nudge,
    # at most TIE per link, is all that tells two plans apart)
    assert pruned.total == pytest.approx(full.total, abs=TIE * max(1, len(full.links)) + 1e-9)
    assert pruned.optimal and full.optimal
    # and the same optimum with the nudges too: column generation places a link in its
    # learner's ranking only when that can matter, and must never get a nudge wrong
    # (an LP's own tolerance, 1e-7, is far below the nudges of the first places)
    assert nudged(pruned, data) == pytest.approx(nudged(full, data), abs=1e-6)


def nudged(result: Plan, data: Dataset) -> float:
    """The plan's objective: each link's score plus its tie-breaking nudge, exactly."""
    from peermatch.scoring.ranking import rank_all

    ranking = rank_all(data, new_only=bool(result.settings.get("new_only")), method="reference")
    place = {
        (b.teacher, learner): i
        for learner, rows in ranking.by_learner.items()
        for i, b in enumerate(rows)
    }
    return sum(k.score + TIE / (1 + place[k.teacher, k.learner]) for k in result.links)


SETTINGS = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def tiny_pruning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Prune hard even on tiny cohorts, so that column generation has work to do."""
    monkeypatch.setattr(tuning, "PRUNE", 1)
    monkeypatch.setattr(fastscore, "CHUNK_CELLS", 30)


@SETTINGS
@given(
    data=fast_cohorts(max_systems=12, max_topics=5),
    teach=st.sampled_from([None, 1, 2]),
    learn=st.sampled_from([None, 1]),
    new_only=st.booleans(),
    pick=st.randoms(use_true_random=False),
)
def test_pruned_plan_equals_the_plan_over_every_link(
    tiny_pruning: None,
    data: Dataset,
    teach: int | None,
    learn: int | None,
    new_only: bool,
    pick,  # type: ignore[no-untyped-def]
) -> None:
    from peermatch.scoring.ranking import rank_all

    ranking = rank_all(data, new_only=new_only, method="reference")
    links = [(b.teacher, lr) for lr, rows in ranking.by_learner.items() for b in rows]
    pins = [pick.choice(links)] if links and pick.random() < 0.5 else []
    caps = {p.id: (p.teach_capacity, p.learn_capacity) for p in data.systems}
    if pins and (
        (caps[pins[0][0]][0] if caps[pins[0][0]][0] is not None else teach or 3) == 0
        or (caps[pins[0][1]][1] if caps[pins[0][1]][1] is not None else learn or 2) == 0
    ):
        pins = []
    kw = {"teach": teach, "learn": learn, "new_only": new_only, "pins": pins}
    pruned = plan(data, method="fast", **kw)  # type: ignore[arg-type]
    full = plan(data, method="reference", **kw)  # type: ignore[arg-type]
    same_plan_value(pruned, full, data)


@SETTINGS
@given(data=fast_cohorts(max_systems=12, max_topics=5))
def test_above_the_exact_size_the_bound_holds(
    tiny_pruning: None, monkeypatch: pytest.MonkeyPatch, data: Dataset
) -> None:
    monkeypatch.setattr(tuning, "EXACT_UP_TO", 0)
    monkeypatch.setattr(tuning, "GAP", 0.5)  # stop as early as allowed
    stopped = plan(data, method="fast")
    best = plan(data, method="reference")
    assert stopped.bound is not None
    assert stopped.total <= best.total + TIE * max(1, len(best.links)) + 1e-9
    assert stopped.bound >= best.total - 1e-6  # a true upper bound on the optimum
    if not stopped.optimal:
        assert any("of the best possible plan, proven" in note for note in stopped.notes)


@pytest.fixture(scope="module")
def generated_folder(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from benchmarks.generate import generate

    return generate(tmp_path_factory.mktemp("cohort"), profiles=300, topics=120, seed=5)


@pytest.fixture(scope="module")
def generated(generated_folder):  # type: ignore[no-untyped-def]
    return load(generated_folder)


def test_the_solver_prints_nothing(generated_folder) -> None:  # type: ignore[no-untyped-def]
    """HiGHS logs to the process's own stdout unless told not to: a CSV must stay a CSV."""
    from conftest import run

    result = run("plan", "--data", str(generated_folder), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("learner,teacher,topic,score,")
    assert "HiGHS" not in result.stdout + result.stderr


def test_generated_cohort_pruned_equals_full(generated: Dataset) -> None:
    """300 profiles: the vectorised, pruned plan equals the plan over all ~20,000 links."""
    pruned = plan(generated)  # 300 >= FAST_FROM: pruned links and column generation
    full = plan(generated, candidates=full_candidates(generated))
    same_plan_value(pruned, full, generated)


def test_a_link_is_placed_when_its_nudge_decides() -> None:
    """Column generation weighs an unplaced link at its score alone; the one the nudge
    would pick instead must be placed and win. Teacher 1 scores a hair more (3e-6) but is
    second in learner 0's ranking; teacher 2 is first, and its nudge (TIE) outweighs it."""
    from types import SimpleNamespace

    import numpy as np

    from peermatch.solver.matching import Bounds, WarmMatching

    places = {(1, 0): 1, (2, 0): 0}
    asked: list[list[tuple[int, int]]] = []

    def ranks(t: np.ndarray, lr: np.ndarray) -> np.ndarray:
        asked.append(list(zip(t.tolist(), lr.tolist(), strict=True)))
        return np.array([places[k] for k in asked[-1]], dtype=np.int64)

    caps = np.array([0, 1, 1]), np.array([1, 0, 0])
    lp = WarmMatching(
        3,
        bounds=Bounds(caps[0], caps[1], np.zeros(3, dtype=bool), np.zeros(3, dtype=bool)),
        max_weight=100.0,
    )
    teacher, learner = np.array([1, 2]), np.array([0, 0])
    score = np.array([50.0 + 3e-6, 50.0])
    lp.add(teacher, learner, score.copy(), np.zeros(2, dtype=bool))
    rank = np.array([-1, -1])
    sol = column_generation._settled(SimpleNamespace(ranks=ranks), lp, score, rank)  # type: ignore[arg-type]
    assert sol.chosen.tolist() == [False, True]  # teacher 2: first in the learner's ranking
    assert rank.tolist() == [1, 0] and asked == [[(1, 0), (2, 0)]]  # both could matter


def test_a_time_limit_in_a_later_round_keeps_the_last_plan(
    generated: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The time limit can cut column generation short: the last finished round's plan
    stands, with a bound that still holds for every link; before any round, no plan."""
    from peermatch.solver import highs as solver
    from peermatch.solver import matching

    monkeypatch.setattr(tuning, "PRUNE", 1)  # so that a second round is needed
    best = plan(generated, candidates=full_candidates(generated))
    real_solve, real_priced = matching.WarmMatching.solve, column_generation._priced
    rounds = {"priced": 0, "allowed": 0}

    def solve(self: matching.WarmMatching) -> matching.LPMatching:
        if rounds["priced"] >= rounds["allowed"]:  # the time is up
            raise solver.limit_error(self.time_limit)
        return real_solve(self)

    def priced(*args, **kwargs):  # type: ignore[no-untyped-def]
        rounds["priced"] += 1  # a round has finished
        return real_priced(*args, **kwargs)

    monkeypatch.setattr(matching.WarmMatching, "solve", solve)
    monkeypatch.setattr(column_generation, "_priced", priced)
    with pytest.raises(solver.SolverLimit, match="before finding any plan"):
        plan(generated)
    rounds.update(priced=0, allowed=1)  # one round, then the time is up
    cut = plan(generated)
    assert rounds["priced"] == 1 and not cut.optimal
    assert any("stopped at the time limit after 1 round(s)" in note for note in cut.notes)
    assert len(cut.links) > 0 and cut.total <= best.total + 1e-6
    assert cut.bound is not None and cut.bound >= best.total - 1e-6
