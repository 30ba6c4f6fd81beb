"""The vectorised path computes the reference's numbers, to the bit, and the same rankings.

Random cohorts are built directly as :class:`Dataset` objects (no YAML), with the awkward
cases on purpose: ties (no population, no tags), country case, zero and huge populations,
duplicate tags, one-sided partners and exclusions, related topics, learners without needs.
Weights are the defaults, random binary fractions, or arbitrary floats.
"""

from __future__ import annotations

import pytest
from cohorts import fast_cohorts, weights
from conftest import examples, invoke
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from peermatch.core.dataset import Dataset
from peermatch.core.weights import Weights
from peermatch.planning.pricing import candidate_links, price
from peermatch.present.listing import Format, render
from peermatch.present.listings import matches_listing
from peermatch.scoring import matrix as fastscore
from peermatch.scoring.places import ranks_of
from peermatch.scoring.ranking import rank_all, suggest
from peermatch.scoring.reference import kept_in_ranking, score_pair

SETTINGS = settings(
    max_examples=examples(80),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@SETTINGS
@given(data=fast_cohorts(), w=weights())
def test_every_score_is_the_reference_score_to_the_bit(
    small_chunks: None, data: Dataset, w: Weights
) -> None:
    cohort = fastscore.Cohort(data, w)
    matrix = cohort.score_matrix()
    for i, learner in enumerate(cohort.ids):
        for j, teacher in enumerate(cohort.ids):
            want = score_pair(data, teacher, learner, w).score if i != j else 0.0
            assert matrix[i, j] == want, (teacher, learner)


@SETTINGS
@given(data=fast_cohorts(), w=weights())
def test_two_way_is_the_reference_two_way(small_chunks: None, data: Dataset, w: Weights) -> None:
    import numpy as np

    cohort = fastscore.Cohort(data, w)
    n = cohort.n
    teachers = np.repeat(np.arange(n), n)
    learners = np.tile(np.arange(n), n)
    two = cohort.two_way(teachers, learners)
    for t, lr, got in zip(teachers, learners, two, strict=True):
        if t == lr:
            continue
        b = score_pair(data, cohort.ids[t], cohort.ids[lr], w)
        if b.base > 0:
            assert bool(got) == b.two_way


@SETTINGS
@given(
    data=fast_cohorts(),
    w=weights(),
    top=st.integers(0, 4),
    new_only=st.booleans(),
    min_score=st.sampled_from([0.0, 10.0, 45.5, 80.0]),
    across=st.booleans(),
)
def test_fast_ranking_is_the_reference_ranking(
    small_chunks: None,
    data: Dataset,
    w: Weights,
    top: int,
    new_only: bool,
    min_score: float,
    across: bool,
) -> None:
    options = {"top": top, "new_only": new_only, "min_score": min_score, "across": across}
    fast = rank_all(data, w, method="fast", **options)  # type: ignore[arg-type]
    ref = rank_all(data, w, method="reference", **options)  # type: ignore[arg-type]
    assert fast.by_learner == ref.by_learner


@SETTINGS
@given(
    data=fast_cohorts(),
    w=weights(),
    top=st.integers(0, 3),
    new_only=st.booleans(),
    min_score=st.sampled_from([0.0, 30.0]),
    who=st.integers(0, 13),
    across=st.booleans(),
)
def test_fast_suggest_is_the_reference_suggest(
    small_chunks: None,
    data: Dataset,
    w: Weights,
    top: int,
    new_only: bool,
    min_score: float,
    who: int,
    across: bool,
) -> None:
    system = data.systems[who].id if who < len(data.systems) else None
    options = {
        "top": top,
        "new_only": new_only,
        "min_score": min_score,
        "system": system,
        "across": across,
    }
    fast = suggest(data, weights=w, method="fast", **options)  # type: ignore[arg-type]
    ref = suggest(data, weights=w, method="reference", **options)  # type: ignore[arg-type]
    assert fast == ref


@settings(max_examples=examples(200), deadline=None)
@given(
    rows=st.lists(
        st.lists(st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.25, 3.0]), min_size=40, max_size=40),
        min_size=1,
        max_size=5,
    ),
    k=st.integers(1, 6),
    block=st.sampled_from([1, 2, 3, 64]),
)
def test_kth_lower_never_exceeds_the_kth_largest(
    rows: list[list[float]], k: int, block: int
) -> None:
    import numpy as np

    values = np.array(rows)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fastscore, "BLOCK", block)
        bound = fastscore._kth_lower(values, k)
    for row, b in zip(values, bound, strict=True):
        kth = sorted(row, reverse=True)[k - 1] if k <= len(row) else 0.0
        assert b <= kth


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from benchmarks.generate import generate

    return generate(tmp_path_factory.mktemp("cohort"), profiles=250, topics=100, seed=3)


def test_generated_cohort_top_k_equals_the_full_ranking_cut(generated) -> None:  # type: ignore[no-untyped-def]
    """On a realistic cohort, the pruned top-k is the unpruned ranking cut at k."""
    from peermatch.files.loading import load

    data = load(generated)
    cohort = fastscore.Cohort(data)
    full = {r.learner: r.teachers for r in cohort.ranked(top=0)}
    for top in (1, 3, 5):
        for r in cohort.ranked(top=top):
            assert r.teachers == full[r.learner][:top]


def test_cli_output_on_a_large_cohort_is_the_reference_output(generated) -> None:  # type: ignore[no-untyped-def]
    """The command line (fast path: 250 profiles) prints what the reference would, byte for byte."""
    from peermatch.files.loading import load

    data = load(generated)
    args = ("--top", "2", "--new-only", "--min-score", "40")
    result = invoke("suggest", "--data", str(generated), "--format", "csv", *args)
    assert result.exit_code == 0, result.stderr
    ref = suggest(data, top=2, new_only=True, min_score=40.0, method="reference")
    assert result.stdout == render(matches_listing(ref), Format.csv)
    who = data.systems[10].id
    result = invoke("suggest", "--data", str(generated), "--for", who, "-f", "json")
    ref = suggest(data, top=3, system=who, method="reference")
    assert ref
    assert result.stdout == render(matches_listing(ref), Format.json)


def _reference_pairs(
    data: Dataset, w: Weights, new_only: bool, across: bool = False
) -> dict[tuple[int, int], tuple]:
    """Every possible link (t, l) -> (score, two_way), by the reference."""
    ids = [p.id for p in data.systems]
    out = {}
    for t, teacher in enumerate(ids):
        for lr, learner in enumerate(ids):
            if t == lr:
                continue
            b = score_pair(data, teacher, learner, w)
            if kept_in_ranking(b, 0.0, new_only, across):
                out[(t, lr)] = (b.score, b.two_way)
    return out


@SETTINGS
@given(
    data=fast_cohorts(),
    w=weights(),
    per_learner=st.integers(0, 3),
    per_teacher=st.integers(0, 3),
    new_only=st.booleans(),
    across=st.booleans(),
)
def test_plan_links_hold_each_side_best_with_reference_scores(
    small_chunks: None,
    data: Dataset,
    w: Weights,
    per_learner: int,
    per_teacher: int,
    new_only: bool,
    across: bool,
) -> None:
    cohort = fastscore.Cohort(data, w, across=across)
    links = candidate_links(
        cohort, per_learner=per_learner, per_teacher=per_teacher, new_only=new_only
    )
    ref = _reference_pairs(data, w, new_only, across)
    got = {
        (int(t), int(lr)): (float(s), bool(two))
        for t, lr, s, two in zip(
            links.teacher, links.learner, links.score, links.two_way, strict=True
        )
    }
    assert len(got) == len(links)
    for pair, value in got.items():
        assert ref[pair] == value  # a real link, with the reference's score to the bit
    assert links.rank is not None
    known = links.rank >= 0
    if known.any():
        assert (
            ranks_of(cohort, links.teacher[known], links.learner[known], new_only).tolist()
            == links.rank[known].tolist()
        )
    if per_learner == 0 or per_teacher == 0:
        assert set(got) == set(ref)
        return
    n = cohort.n
    for lr in range(n):  # each learner's best, in suggest's order
        mine = sorted(
            (t for t, l2 in ref if l2 == lr),
            key=lambda t: (-ref[(t, lr)][0], not ref[(t, lr)][1], t),
        )
        assert set(mine[:per_learner]) <= {t for t, l2 in got if l2 == lr}
    for t in range(n):  # each teacher's best
        mine = sorted(
            (l2 for t2, l2 in ref if t2 == t),
            key=lambda l2: (-ref[(t, l2)][0], not ref[(t, l2)][1], l2),
        )
        assert set(mine[:per_teacher]) <= {l2 for t2, l2 in got if t2 == t}


@SETTINGS
@given(
    data=fast_cohorts(),
    w=weights(),
    new_only=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
    across=st.booleans(),
)
def test_excess_sums_the_links_above_their_prices(
    small_chunks: None, data: Dataset, w: Weights, new_only: bool, seed: int, across: bool
) -> None:
    import math

    import numpy as np

    rng = np.random.default_rng(seed)
    cohort = fastscore.Cohort(data, w, across=across)
    n = cohort.n
    tp, lp = rng.uniform(0, 60, n), rng.uniform(0, 60, n)
    ref = _reference_pairs(data, w, new_only, across)
    skip_pairs = [p for p in ref if rng.random() < 0.3]
    skip = np.array(sorted(t * n + lr for t, lr in skip_pairs), dtype=np.int64)
    want = math.fsum(
        max(0.0, s + 0.5 - tp[t] - lp[lr])
        for (t, lr), (s, _) in ref.items()
        if (t, lr) not in skip_pairs
    )
    pricing = price(cohort, tp, lp, per_learner=2, slack=0.5, new_only=new_only, skip=skip)
    assert pricing.excess == pytest.approx(want, rel=1e-12, abs=1e-9)
    found = pricing.links
    above = {
        (t, lr): s + 0.5 - tp[t] - lp[lr]
        for (t, lr), (s, _) in ref.items()
        if (t, lr) not in skip_pairs and s + 0.5 - tp[t] - lp[lr] > 0
    }
    for lr in range(n):
        best = sorted((t for t, l2 in above if l2 == lr), key=lambda t: (-above[(t, lr)], t))
        got_lr = [int(t) for t, l2 in zip(found.teacher, found.learner, strict=True) if l2 == lr]
        assert got_lr == best[:2]
    for t, lr, s in zip(found.teacher, found.learner, found.score, strict=True):
        assert ref[(int(t), int(lr))][0] == s


@settings(  # a cohort where nobody can teach anybody has no place to check: assumed away
    SETTINGS,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(
    data=fast_cohorts(),
    w=weights(),
    new_only=st.booleans(),
    pick=st.randoms(use_true_random=False),
    across=st.booleans(),
)
def test_ranks_of_is_the_place_in_the_reference_ranking(
    small_chunks: None, data: Dataset, w: Weights, new_only: bool, pick, across: bool
) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    ref = rank_all(data, w, new_only=new_only, method="reference", across=across)
    pairs = [
        (b.teacher, learner, place)
        for learner, rows in ref.by_learner.items()
        for place, b in enumerate(rows)
    ]
    assume(pairs)
    chosen = pick.sample(pairs, min(len(pairs), 12))
    cohort = fastscore.Cohort(data, w, across=across)
    t = np.array([cohort.index[p[0]] for p in chosen], dtype=np.intp)
    lr = np.array([cohort.index[p[1]] for p in chosen], dtype=np.intp)
    assert ranks_of(cohort, t, lr, new_only).tolist() == [p[2] for p in chosen]
