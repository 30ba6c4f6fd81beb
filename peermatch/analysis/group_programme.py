"""The groups' integer programme: which places are taken and how many groups each topic
gets (see :mod:`peermatch.analysis.groups` for the rules it keeps), and the sets of places
that must stay apart (exclusions and, with ``across``, one system family).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from peermatch.core.dataset import Dataset
from peermatch.core.errors import PeermatchError

if TYPE_CHECKING:
    from peermatch.solver.highs import BoolArray, FloatArray, IntArray

#: A place a system may take in a topic's groups: (system index, topic index, role, worth,
#: level for a teacher, priority for a learner, the related topic a teacher teaches).
Place = tuple[int, int, str, float, int | None, int | None, str | None]

#: The solver stops once no assignment can be worth more than this fraction more.
GAP = 1e-3


def assign(
    data: Dataset,
    shared: list[str],
    places: list[Place],
    size: int,
    per_system: int,
    time_limit: float,
    apart: list[list[int]],
) -> tuple[BoolArray, IntArray, bool]:
    """Which places are taken, how many groups each topic gets, and whether proven best:
    the integer programme (:func:`~peermatch.solver.integer.solve_integer`)."""
    import numpy as np

    from peermatch.solver.integer import solve_integer

    n_top, m = len(shared), len(places)
    if not (m and n_top):
        return np.zeros(m, dtype=bool), np.zeros(n_top, dtype=np.int64), True
    top_i = np.array([pl[1] for pl in places], dtype=np.int64)
    is_teacher = np.array([pl[2] == "teacher" for pl in places])
    a, lo, hi = _rules(len(data.systems), n_top, places, size, per_system, apart)
    n_learn = np.bincount(top_i[~is_teacher], minlength=n_top)
    n_teach = np.bincount(top_i[is_teacher], minlength=n_top)
    g_max = np.minimum(n_teach, n_learn // 2).astype(float)
    values = np.array([pl[3] for pl in places])
    x, optimal = solve_integer(
        np.concatenate([values, np.zeros(n_top)]),
        a,
        lo,
        hi,
        np.concatenate([np.ones(m), g_max]),
        time_limit=time_limit,
        gap=GAP,
    )
    if x is None:
        raise PeermatchError(
            f"the solver reached its time limit of {time_limit:g} s before forming any "
            "groups; raise --time-limit or lower --size"
        )
    chosen = np.round(x[:m]) > 0.5
    return chosen, np.bincount(top_i[chosen], minlength=n_top), optimal


def _rules(
    n_sys: int,
    n_top: int,
    places: list[Place],
    size: int,
    per_system: int,
    apart: list[list[int]],
) -> tuple[Any, FloatArray, FloatArray]:
    """The programme's rows and their bounds: each block of rows is one rule of a group.

    Variables: x (one per place), then g (the number of groups of each topic, integer).
    """
    import numpy as np
    import scipy.sparse as sp

    m = len(places)
    sys_i = np.array([pl[0] for pl in places], dtype=np.int64)
    top_i = np.array([pl[1] for pl in places], dtype=np.int64)
    is_teacher = np.array([pl[2] == "teacher" for pl in places])
    cols = np.arange(m)
    ones = np.ones(m)
    per_sys = sp.csr_array((ones, (sys_i, cols)), shape=(n_sys, m))
    learners = sp.csr_array(
        (ones[~is_teacher], (top_i[~is_teacher], cols[~is_teacher])), shape=(n_top, m)
    )
    teachers = sp.csr_array(
        (ones[is_teacher], (top_i[is_teacher], cols[is_teacher])), shape=(n_top, m)
    )
    eye = sp.identity(n_top, format="csr")
    zeros_g = sp.csr_array((n_sys, n_top))
    rows = [
        sp.hstack([per_sys, zeros_g]),  # <= per_system
        sp.hstack([learners, -2 * eye]),  # learners >= 2 g
        sp.hstack([teachers, -eye]),  # teachers >= g
        sp.hstack([learners + teachers, -size * eye]),  # members <= size g
        sp.hstack([teachers - learners, sp.csr_array((n_top, n_top))]),  # teachers <= learners
        # no group can hold more teachers than half its places: teachers <= size // 2 g
        sp.hstack([teachers, -(size // 2) * eye]),
    ]
    lo = [np.zeros(n_sys), np.zeros(n_top), np.zeros(n_top), np.full(n_top, -np.inf)]
    hi = [np.full(n_sys, per_system), np.full(n_top, np.inf), np.full(n_top, np.inf)]
    hi += [np.zeros(n_top)]
    lo += [np.full(n_top, -np.inf), np.full(n_top, -np.inf)]
    hi += [np.zeros(n_top), np.zeros(n_top)]
    if apart:  # at most one of each set of places
        r = np.repeat(np.arange(len(apart)), [len(seats) for seats in apart])
        c = np.array([k for seats in apart for k in seats])
        rows.append(sp.csr_array((np.ones(len(c)), (r, c)), shape=(len(apart), m + n_top)))
        lo.append(np.zeros(len(apart)))
        hi.append(np.ones(len(apart)))
    return sp.vstack(rows, format="csr"), np.concatenate(lo), np.concatenate(hi)


def apart_sets(data: Dataset, places: list[Place], across: bool) -> list[list[int]]:
    """Sets of places (one topic each) of which at most one may be taken: exclusions, and
    with ``across`` the places of one system family."""
    index = {p.id: i for i, p in enumerate(data.systems)}
    out: list[list[int]] = [list(pair) for pair in _exclusion_rows(data, places, index)]
    if across:
        top = data.top_level
        families: dict[tuple[int, str], list[int]] = {}
        for k, pl in enumerate(places):
            families.setdefault((pl[1], top[data.systems[pl[0]].id]), []).append(k)
        out += sorted(seats for seats in families.values() if len(seats) > 1)
    return out


def _exclusion_rows(
    data: Dataset,
    places: list[Place],
    index: dict[str, int],
) -> list[tuple[int, int]]:
    """Pairs of places (same topic) whose systems must not be in a group together."""
    by_topic: dict[int, dict[int, int]] = {}
    for k, pl in enumerate(places):
        by_topic.setdefault(pl[1], {})[pl[0]] = k
    out = []
    for p in data.systems:
        for other in sorted(p.exclude):
            a, b = index[p.id], index[other]
            if a > b and p.id in data.system(other).exclude:
                continue  # listed on both sides: one row is enough
            for seats in by_topic.values():
                if a in seats and b in seats:
                    out.append((seats[a], seats[b]))
    return sorted(set(out))
