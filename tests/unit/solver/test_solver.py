"""The optimisers alone, on arrays: exact against brute force and an independent solver."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from cohorts import bounds_of, brute_bmatching, brute_cycles, brute_rings, instances
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peermatch.solver import ring_duals, ring_packing
from peermatch.solver.matching import Bounds, solve_bmatching
from peermatch.solver.rings import enumerate_rings, solve_rings


def solve(inst: dict[str, np.ndarray]):  # type: ignore[no-untyped-def]
    return solve_bmatching(
        inst["n"],
        inst["teacher"],
        inst["learner"],
        inst["score"],
        bounds=bounds_of(inst),
        pinned=inst["pinned"],
    )


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much],
)
@given(instances())
def test_bmatching_equals_brute_force(inst: dict[str, np.ndarray]) -> None:
    sol = solve(inst)
    x = sol.chosen
    n = inst["n"]
    td = np.bincount(inst["teacher"][x], minlength=n)
    ld = np.bincount(inst["learner"][x], minlength=n)
    # every constraint holds
    assert np.all(td <= inst["teach_cap"]) and np.all(ld <= inst["learn_cap"])
    assert np.all(x[inst["pinned"]])
    unmet = int(((td == 0) & inst["teach_lower"]).sum() + ((ld == 0) & inst["learn_lower"]).sum())
    assert unmet == sol.unmet
    # and it is the optimum: fewest unmet lower bounds, then the greatest total
    best = brute_bmatching(**inst)
    assert best is not None
    assert unmet == best[0]
    total = float(inst["score"][x].sum())
    assert total == pytest.approx(best[1], abs=1e-9)
    assert sol.optimal and sol.bound >= total - 1e-6


def test_bmatching_no_links() -> None:
    empty = np.zeros(0, dtype=np.int64)
    sol = solve_bmatching(
        3,
        empty,
        empty,
        np.zeros(0),
        bounds=Bounds(
            teach_cap=np.ones(3, dtype=np.int64),
            learn_cap=np.ones(3, dtype=np.int64),
            teach_lower=np.zeros(3, dtype=bool),
            learn_lower=np.array([True, False, False]),
        ),
        pinned=np.zeros(0, dtype=bool),
    )
    assert sol.chosen.shape == (0,) and sol.unmet == 1


def _random_cohort(seed: int, n: int, density: float) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    mask = rng.random((n, n)) < density
    np.fill_diagonal(mask, False)
    teacher, learner = np.nonzero(mask)
    score = rng.integers(1, 101, size=len(teacher)).astype(float)
    teach_cap = rng.integers(1, 4, size=n)
    learn_cap = rng.integers(1, 3, size=n)
    has_out = np.bincount(teacher, minlength=n) > 0
    has_in = np.bincount(learner, minlength=n) > 0
    return {
        "n": n,
        "teacher": teacher.astype(np.int64),
        "learner": learner.astype(np.int64),
        "score": score,
        "teach_cap": teach_cap,
        "learn_cap": learn_cap,
        "teach_lower": has_out,
        "learn_lower": has_in,
        "pinned": np.zeros(len(score), dtype=bool),
    }


def _networkx_optimum(inst: dict[str, np.ndarray]) -> float | None:
    """The same problem as a min-cost circulation, by networkx's network simplex (integers)."""
    import networkx as nx  # in the test extra: this check must run, never skip

    g = nx.DiGraph()
    n = inst["n"]
    demand = {"s": 0, "z": 0}
    for i in range(n):
        lo_t = int(inst["teach_lower"][i])
        lo_l = int(inst["learn_lower"][i])
        g.add_edge("s", ("t", i), capacity=int(inst["teach_cap"][i]) - lo_t, weight=0)
        g.add_edge(("l", i), "z", capacity=int(inst["learn_cap"][i]) - lo_l, weight=0)
        # forced flow on the lower bounds, by node demands
        demand["s"] += lo_t
        demand[("t", i)] = -lo_t
        demand[("l", i)] = lo_l
        demand["z"] -= lo_l
    for t, lr, s in zip(inst["teacher"], inst["learner"], inst["score"], strict=True):
        g.add_edge(("t", int(t)), ("l", int(lr)), capacity=1, weight=-int(s))
    g.add_edge("z", "s", capacity=10**6, weight=0)
    for node, d in demand.items():
        g.nodes[node]["demand"] = d
    try:
        cost, _ = nx.network_simplex(g)
    except nx.NetworkXUnfeasible:
        return None
    return float(-cost)


@pytest.mark.parametrize(("seed", "n", "density"), [(1, 30, 0.2), (2, 60, 0.1), (3, 45, 0.05)])
def test_bmatching_equals_independent_solvers(seed: int, n: int, density: float) -> None:
    from scipy.optimize import linprog

    inst = _random_cohort(seed, n, density)
    sol = solve(inst)
    total = float(inst["score"][sol.chosen].sum())
    expected = _networkx_optimum(inst)
    if expected is None:  # lower bounds infeasible: the solver says so by leaving some unmet
        assert sol.unmet > 0
        return
    assert sol.unmet == 0
    assert total == pytest.approx(expected, abs=1e-6)
    # and the LP relaxation by interior point (no integrality): the incidence matrix is TU
    m = len(inst["score"])
    a = np.zeros((2 * n, m))
    a[inst["teacher"], np.arange(m)] = 1
    a[n + inst["learner"], np.arange(m)] = 1
    lo = np.concatenate([inst["teach_lower"], inst["learn_lower"]]).astype(float)
    hi = np.concatenate([inst["teach_cap"], inst["learn_cap"]]).astype(float)
    res = linprog(
        -inst["score"],
        A_ub=np.vstack([a, -a]),
        b_ub=np.concatenate([hi, -lo]),
        bounds=(0, 1),
        method="highs-ipm",
    )
    assert res.status == 0
    assert total == pytest.approx(-res.fun, abs=1e-6)


# --------------------------------------------------------------------------- rings


@settings(max_examples=examples(120), deadline=None)
@given(instances(max_n=6, max_links=16), st.sampled_from([2, 3]), st.booleans())
def test_rings_enumerated_and_packed_exactly(
    inst: dict[str, np.ndarray], size: int, reduce: bool
) -> None:
    """Exact against brute force, also through the LP-reduced path of large problems."""
    with large_problem_path(reduce):
        check_rings(inst, size)


@contextmanager
def large_problem_path(on: bool) -> Iterator[None]:
    """Treat every packing as large: column generation, a small incumbent MILP, fixing."""
    small = {
        (ring_packing, "DIRECT_COLUMNS"): 0,
        (ring_packing, "FEW_COLUMNS"): 1,
        (ring_packing, "FEW_PER_ROW"): 0,
        (ring_duals, "BATCH_COLUMNS"): 1,
        (ring_duals, "BATCH_PER_ROW"): 0,
    }
    saved = {(module, k): getattr(module, k) for module, k in small}
    if on:
        for (module, k), v in small.items():
            setattr(module, k, v)
    try:
        yield
    finally:
        for (module, k), v in saved.items():
            setattr(module, k, v)


def check_rings(inst: dict[str, np.ndarray], size: int) -> None:
    n, teacher, learner, score = inst["n"], inst["teacher"], inst["learner"], inst["score"]
    rings = enumerate_rings(n, teacher, learner, size)
    assert rings is not None
    edges = {(int(t), int(lr)) for t, lr in zip(teacher, learner, strict=True)}
    found = {tuple(int(s) for s in row[row >= 0]) for row in rings.members}
    assert found == brute_cycles(n, edges, size)
    assert len(found) == len(rings)  # each cycle once
    for row, links in zip(rings.members, rings.links, strict=True):
        k = int((row >= 0).sum())
        for i in range(k):  # each link goes from a member to the next
            assert teacher[links[i]] == row[i] and learner[links[i]] == row[(i + 1) % k]
    sol = solve_rings(n, rings, score, pinned=np.zeros(0, dtype=np.int64))
    chosen = [
        tuple(int(s) for s in rings.members[r][rings.members[r] >= 0])
        for r in np.flatnonzero(sol.chosen)
    ]
    members = [s for c in chosen for s in c]
    assert len(members) == len(set(members))  # disjoint
    weight = {
        tuple(int(s) for s in row[row >= 0]): float(score[lk[lk >= 0]].sum())
        for row, lk in zip(rings.members, rings.links, strict=True)
    }
    best = brute_rings(n, list(weight.items()))
    assert best is not None
    assert len(members) == best[0] == n - sol.unmet
    assert sum(weight[c] for c in chosen) == pytest.approx(best[1], abs=1e-9)
    assert sol.optimal and sol.bound >= best[1] - 1e-6


def test_rings_limit_returns_none() -> None:
    n = 8
    teacher, learner = np.nonzero(~np.eye(n, dtype=bool))
    assert enumerate_rings(n, teacher, learner, 3, limit=10) is None
    rings = enumerate_rings(n, teacher, learner, 3)
    assert rings is not None
    assert len(rings) == 28 + 2 * 56  # pairs, and both directions of each trio
