"""A large cohort's plan starts from pruned links; pruning never costs optimality we can check.

Up to ``planning.EXACT_UP_TO`` profiles, column generation runs until no left-out link
could improve the plan, so the pruned plan and the plan over every link have equal totals.
Above it, the plan stops within ``planning.GAP`` of the optimum and its bound (from the
linear programme's dual prices and every left-out link) is a true upper bound.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fastscore import cohorts

from peermatch import fastscore, planning
from peermatch.loading import Dataset, load
from peermatch.planning import TIE, Candidates, plan


def full_candidates(data: Dataset, new_only: bool = False) -> Candidates:
    """Every link suggest ranks, with its exact ranking place: no pruning at all."""
    cohort = fastscore.Cohort(data)
    links = cohort.links(per_learner=0, per_teacher=0, new_only=new_only)
    assert links.rank is not None and bool((links.rank >= 0).all())
    ids = tuple(p.id for p in data.systems)
    return Candidates.from_links(ids, links.teacher, links.learner, links.score, links.rank)


def same_plan_value(pruned: planning.Plan, full: planning.Plan) -> None:
    # as many systems left out (which ones may differ between equally good plans)
    assert len(pruned.left_out) == len(full.left_out)
    # equal totals: the same optimum (different links only where the tie-breaking nudge,
    # at most TIE per link, is all that tells two plans apart)
    assert pruned.total == pytest.approx(full.total, abs=TIE * max(1, len(full.links)) + 1e-9)
    assert pruned.optimal and full.optimal


SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def tiny_pruning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Prune hard even on tiny cohorts, so that column generation has work to do."""
    monkeypatch.setattr(planning, "PRUNE", 1)
    monkeypatch.setattr(fastscore, "CHUNK_CELLS", 30)


@SETTINGS
@given(
    data=cohorts(max_systems=12, max_topics=5),
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
    from peermatch.scoring import rank_all

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
    same_plan_value(pruned, full)


@SETTINGS
@given(data=cohorts(max_systems=12, max_topics=5))
def test_above_the_exact_size_the_bound_holds(
    tiny_pruning: None, monkeypatch: pytest.MonkeyPatch, data: Dataset
) -> None:
    monkeypatch.setattr(planning, "EXACT_UP_TO", 0)
    monkeypatch.setattr(planning, "GAP", 0.5)  # stop as early as allowed
    stopped = plan(data, method="fast")
    best = plan(data, method="reference")
    assert stopped.bound is not None
    assert stopped.total <= best.total + TIE * max(1, len(best.links)) + 1e-9
    assert stopped.bound >= best.total - 1e-6  # a true upper bound on the optimum
    if not stopped.optimal:
        assert any("of the best possible plan, proven" in note for note in stopped.notes)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from benchmarks.generate import generate

    return load(generate(tmp_path_factory.mktemp("cohort"), profiles=300, topics=120, seed=5))


def test_generated_cohort_pruned_equals_full(generated: Dataset) -> None:
    """300 profiles: the vectorised, pruned plan equals the plan over all ~20,000 links."""
    pruned = plan(generated)  # 300 >= FAST_FROM: pruned links and column generation
    full = plan(generated, candidates=full_candidates(generated))
    same_plan_value(pruned, full)
