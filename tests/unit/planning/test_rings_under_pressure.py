"""Wrong answers under pressure: a dense ring plan finds the full cover (the greedy warm
start), and a time limit's reasons never claim what was not proven."""

from __future__ import annotations

import pytest
from cohorts import random_cohort

import peermatch
from peermatch.solver import rings as solver_rings
from peermatch.solver.highs import Solution
from peermatch.solver.ring_greedy import greedy_packing


def dense(n: int, seed: int = 1):  # type: ignore[no-untyped-def]
    return random_cohort(n, 8, 4, seed)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_dense_cohort_of_90_is_covered_even_under_a_short_time_limit(seed: int) -> None:
    data = dense(90, seed)
    result = peermatch.plan(data, ring_size=3, time_limit=1.0)
    assert result.left_out == []
    assert result.rings is not None
    assert sum(len(r.systems) for r in result.rings) == 90


def test_the_greedy_packing_is_disjoint() -> None:
    import numpy as np

    rings = solver_rings.enumerate_rings(
        4,
        np.array([0, 1, 2, 3, 1, 0]),
        np.array([1, 0, 3, 2, 2, 2]),
        3,
    )
    assert rings is not None
    x = greedy_packing(4, rings.members, np.ones(len(rings)))
    chosen = rings.members[x > 0.5]
    members = chosen[chosen >= 0]
    assert sorted(members.tolist()) == [0, 1, 2, 3]  # 0<->1 and 2<->3: everyone


def test_a_time_limit_says_not_placed_rather_than_claiming_a_proof(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = solver_rings.solve_rings

    def stopped_early(*args, **kwargs):  # type: ignore[no-untyped-def]
        sol = real(*args, **kwargs)
        chosen = sol.chosen.copy()
        chosen[chosen.nonzero()[0][0]] = False  # as if the search stopped one ring short
        return Solution(chosen, sol.bound, False, sol.unmet + 3)

    monkeypatch.setattr(solver_rings, "solve_rings", stopped_early)
    result = peermatch.plan(dense(12), ring_size=3, time_limit=5.0)
    assert result.left_out
    for x in result.left_out:
        assert x.code == "time-limit"
        assert x.reason.startswith("not placed within the time limit of 5 s: it could join")
        assert "no other choice" not in x.reason
    assert not result.optimal
