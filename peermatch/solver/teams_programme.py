"""The teams programme handed to HiGHS: the coverage (or fill-up) programme over a model,
its linear relaxation with reduced costs, and one integer solve from a start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from peermatch.core.errors import PeermatchError
from peermatch.solver.highs import (
    INFEASIBLE,
    INTEGRAL_TOL,
    OPTIMAL,
    has_solution,
    silent_highs,
    status_of,
)
from peermatch.solver.teams_greedy import role_counts, y_of
from peermatch.solver.teams_model import INF, Model, Rows, TeamProblem, u_count, x_rows

if TYPE_CHECKING:
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Programme:
    """``min cost @ v`` over the rows, ``lb <= v <= ub``, ``v[integer]`` integral."""

    cost: FloatArray
    lb: FloatArray
    ub: FloatArray
    integer: IntArray
    rows: Rows


def programme(p: TeamProblem, mod: Model, short: int, *, floor: float | None = None) -> Programme:
    """The coverage programme over ``mod``'s variables (x, y, then u when ``short > 0``).

    Without ``floor`` it maximises coverage; with it, it maximises the places filled
    subject to coverage >= ``floor`` (the fill-up).
    """
    nx, ny = mod.nx, mod.ny
    with_u = short > 0
    n_u = u_count(p, mod) if with_u else 0
    rows = Rows()
    x_rows(p, mod, rows, with_u=with_u)
    link = np.arange(ny)
    rows.add(
        np.concatenate([link, link]),
        np.concatenate([nx + link, mod.y_pair]),
        np.concatenate([np.ones(ny), -np.ones(ny)]),
        np.full(ny, -INF),
        np.zeros(ny),
    )
    if ny:
        need_key = mod.pair_host[mod.y_pair] * (int(mod.y_need.max()) + 1) + mod.y_need
        uniq, counts = np.unique(need_key, return_counts=True)
        shared = np.isin(need_key, uniq[counts > 1])
        if shared.any():
            rows.group_sum(need_key[shared], nx + link[shared], np.ones(int(shared.sum())),
                           -INF, 1.0)  # fmt: skip
    if with_u:
        rows.add(np.zeros(n_u, dtype=np.int64), nx + ny + np.arange(n_u), np.ones(n_u),
                 np.array([-INF]), np.array([float(short)]))  # fmt: skip
    n = nx + ny + n_u
    if floor is None:
        cost = np.concatenate([np.zeros(nx), -mod.y_weight, np.zeros(n_u)])
    else:
        rows.add(np.zeros(ny, dtype=np.int64), nx + link, mod.y_weight,
                 np.array([floor]), np.array([INF]))  # fmt: skip
        cost = np.concatenate([-np.ones(nx), np.zeros(ny + n_u)])
    return Programme(
        cost=cost,
        lb=np.zeros(n),
        ub=np.concatenate([np.ones(nx + ny), np.full(n_u, float(p.size))]),
        integer=np.concatenate([np.arange(nx), nx + ny + np.arange(n_u)]),
        rows=rows,
    )


def start_values(p: TeamProblem, mod: Model, chosen: IntArray, short: int) -> FloatArray:
    """The programme's variables for the teams ``chosen`` (x indices of ``mod``)."""
    nx, ny = mod.nx, mod.ny
    n_u = u_count(p, mod) if short > 0 else 0
    v = np.zeros(nx + ny + n_u)
    v[chosen] = 1.0
    v[nx : nx + ny] = y_of(mod, chosen)
    if n_u:
        v[nx + ny :] = role_counts(p, mod, chosen)
    return v


def restrict(mod: Model, keep: BoolArray) -> tuple[Model, IntArray]:
    """The model restricted to the x in ``keep`` (and their y): (model, its x in ``mod``)."""
    xs = np.nonzero(keep)[0]
    new = np.full(mod.nx, -1, dtype=np.int64)
    new[xs] = np.arange(len(xs))
    ys = keep[mod.y_pair]
    hosts = len(mod.host_start) - 1
    return (
        Model(
            pair_host=mod.pair_host[xs],
            pair_member=mod.pair_member[xs],
            y_pair=new[mod.y_pair[ys]],
            y_need=mod.y_need[ys],
            y_weight=mod.y_weight[ys],
            host_start=np.searchsorted(mod.pair_host[xs], np.arange(hosts + 1)).astype(np.int64),
            role_of=mod.role_of,
            roles=mod.roles,
            mins=mod.mins,
        ),
        xs,
    )


def highs_of(prog: Programme, seed: int, seconds: float) -> Any:
    h = silent_highs(seed)
    n = len(prog.cost)
    h.addCols(
        n, prog.cost, prog.lb, prog.ub, 0,
        np.zeros(n, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0),
    )  # fmt: skip
    prog.rows.load(h)
    h.setOptionValue("time_limit", float(seconds))
    return h


@dataclass(frozen=True)
class Relaxation:
    """The linear relaxation's optimum (as coverage, a maximum) and its reduced costs."""

    value: float
    x: FloatArray  # x's values
    reduced: FloatArray  # x's reduced costs in the minimisation: >= 0 where x sits at 0


def relax(prog: Programme, nx: int, seed: int, seconds: float) -> Relaxation | None:
    """The linear relaxation, by the simplex method (None if it did not finish)."""
    import highspy

    h = highs_of(prog, seed, seconds)
    h.setOptionValue("presolve", "off")  # presolve finds nothing to remove here, slowly
    h.setOptionValue("solver", "simplex")
    if h.run() == highspy.HighsStatus.kError:  # pragma: no cover
        raise PeermatchError("HiGHS refused to solve the teams programme; please report this")
    sol = h.getSolution()
    if status_of(h) != OPTIMAL or not sol.dual_valid:
        return None
    return Relaxation(
        value=-float(h.getInfo().objective_function_value),
        x=np.asarray(sol.col_value, dtype=np.float64)[:nx],
        reduced=np.asarray(sol.col_dual, dtype=np.float64)[:nx],
    )


def run_programme(
    prog: Programme, *, seconds: float, gap: float, seed: int, start: FloatArray | None
) -> tuple[FloatArray | None, bool, float]:
    """Minimise the programme: (v or None, proven optimal within ``gap``, dual bound)."""
    import highspy

    h = highs_of(prog, seed, seconds)
    integer = prog.integer
    if len(integer):
        h.changeColsIntegrality(
            len(integer),
            integer.astype(np.int32),
            np.full(len(integer), highspy.HighsVarType.kInteger),
        )
    h.setOptionValue("mip_rel_gap", float(gap))
    n = len(prog.cost)
    if start is not None:
        h.setSolution(n, np.arange(n, dtype=np.int32), start.astype(np.float64))
    if h.run() == highspy.HighsStatus.kError:  # pragma: no cover
        raise PeermatchError("HiGHS refused to solve the teams programme; please report this")
    status = status_of(h)
    info = h.getInfo()
    if status == INFEASIBLE:  # pragma: no cover - the model always has x = 0
        raise PeermatchError("the teams programme is infeasible; please report this")
    v = None
    if has_solution(h):
        v = np.asarray(h.getSolution().col_value, dtype=np.float64)
        if len(integer):
            vi = v[integer]
            if np.any(np.abs(vi - np.round(vi)) > INTEGRAL_TOL):  # pragma: no cover
                raise PeermatchError("the solver returned fractional teams; please report this")
            v[integer] = np.round(vi)
    if start is not None and v is not None:
        # HiGHS 1.16 can report the optimum's objective yet hand back the start as the
        # solution (seen when presolve solves the whole model): then solve again, cold
        claimed = float(info.objective_function_value)
        if abs(float(prog.cost @ v) - claimed) > 1e-7 * max(1.0, abs(claimed)):
            return run_programme(prog, seconds=seconds, gap=gap, seed=seed, start=None)
    bound = float(info.mip_dual_bound) if len(integer) else float(info.objective_function_value)
    if not np.isfinite(bound):
        bound = float(prog.cost @ v) if v is not None and status == OPTIMAL else -INF
    return v, status == OPTIMAL, bound
