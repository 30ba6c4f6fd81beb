"""The fair b-matching and the rounds, on arrays: exact against brute force and against
an independent integer programme."""

from __future__ import annotations

import numpy as np
import pytest
from cohorts import bounds_of, brute_fair, brute_rounds, instances
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peermatch.solver.fair import solve_fair
from peermatch.solver.rounds import solve_rounds, solve_rounds_milp


def fair(inst: dict[str, np.ndarray]):  # type: ignore[no-untyped-def]
    return solve_fair(
        inst["n"], inst["teacher"], inst["learner"], inst["score"], inst["score"],
        bounds=bounds_of(inst), pinned=inst["pinned"],
    )  # fmt: skip


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_n=5, max_links=10))
def test_fair_is_the_bottleneck_optimum(inst: dict[str, np.ndarray]) -> None:
    found = fair(inst)
    x = found.fair.chosen
    best = brute_fair(inst)
    assert best is not None
    unmet, lowest, total = best
    assert found.fair.unmet == unmet == found.total.unmet
    free = inst["score"][x & ~inst["pinned"]]
    assert (float(free.min()) if len(free) else float("inf")) == lowest
    assert float(inst["score"][x].sum()) == pytest.approx(total, abs=1e-9)
    # within the capacities, the pins in, and never better than the total-optimal plan
    n = inst["n"]
    assert np.all(np.bincount(inst["teacher"][x], minlength=n) <= inst["teach_cap"])
    assert np.all(np.bincount(inst["learner"][x], minlength=n) <= inst["learn_cap"])
    assert np.all(x[inst["pinned"]])
    best_total = float(inst["score"][found.total.chosen].sum())
    assert total <= best_total + 1e-9


def rounds_of(inst: dict[str, np.ndarray], rounds: int, milp: bool = False):  # type: ignore[no-untyped-def]
    solve = solve_rounds_milp if milp else solve_rounds
    return solve(
        inst["n"], inst["teacher"], inst["learner"], inst["score"], rounds,
        bounds=bounds_of(inst), pinned=inst["pinned"],
    )  # fmt: skip


def check_rounds(inst: dict[str, np.ndarray], round_of: np.ndarray, rounds: int) -> int:
    """Every rule of each round; returns the unmet lower bounds over all rounds."""
    n, unmet = inst["n"], 0
    assert np.all(round_of[inst["pinned"]] == 0)  # pins in the first round
    for r in range(rounds):
        x = round_of == r
        td = np.bincount(inst["teacher"][x], minlength=n)
        ld = np.bincount(inst["learner"][x], minlength=n)
        assert np.all(td <= inst["teach_cap"]) and np.all(ld <= inst["learn_cap"])
        unmet += int(((td == 0) & inst["teach_lower"]).sum())
        unmet += int(((ld == 0) & inst["learn_lower"]).sum())
    return unmet  # and no pair twice: one round per link, by construction


@settings(max_examples=examples(200), suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_n=4, max_links=6), st.integers(1, 3))
def test_rounds_against_brute_force(inst: dict[str, np.ndarray], rounds: int) -> None:
    round_of, sol = rounds_of(inst, rounds)
    unmet = check_rounds(inst, round_of, rounds)
    best_unmet, best_total = brute_rounds(inst, rounds)
    assert unmet == sol.unmet == best_unmet
    total = float(inst["score"][round_of >= 0].sum())
    assert total == pytest.approx(best_total, abs=1e-9)
    assert sol.optimal and sol.bound >= total - 1e-6


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_n=7, max_links=24), st.integers(2, 4))
def test_rounds_against_an_integer_programme(inst: dict[str, np.ndarray], rounds: int) -> None:
    round_of, sol = rounds_of(inst, rounds)
    milp_round_of, milp = rounds_of(inst, rounds, milp=True)
    assert check_rounds(inst, round_of, rounds) == milp.unmet == sol.unmet
    assert check_rounds(inst, milp_round_of, rounds) == milp.unmet
    total = float(inst["score"][round_of >= 0].sum())
    assert total == pytest.approx(float(inst["score"][milp_round_of >= 0].sum()), abs=1e-6)


def test_two_pins_of_one_system_fall_back_to_the_integer_programme() -> None:
    # s0 teaches s1, s2 (both pinned into round 1) and s3, in 3 rounds: all its links
    # together would cover the 3 rounds, but the pins put two in one round, so the split
    # falls short of the relaxation and the integer programme answers
    inst = {
        "n": 4,
        "teacher": np.array([0, 0, 0], dtype=np.int64),
        "learner": np.array([1, 2, 3], dtype=np.int64),
        "score": np.array([50.0, 40.0, 30.0]),
        "teach_cap": np.array([2, 0, 0, 0], dtype=np.int64),
        "learn_cap": np.array([0, 1, 1, 1], dtype=np.int64),
        "teach_lower": np.array([True, False, False, False]),
        "learn_lower": np.array([False, True, True, True]),
        "pinned": np.array([True, True, False]),
    }
    round_of, sol = rounds_of(inst, 3)
    assert round_of[:2].tolist() == [0, 0] and round_of[2] in (1, 2)
    # s0 misses one round; each learner, with one teacher, misses two
    assert sol.unmet == brute_rounds(inst, 3)[0] == 1 + 3 * 2
    assert sol.optimal
