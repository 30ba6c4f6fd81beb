"""The ring packing's LP relaxation by column generation: its reduced costs and dual bound,
which let :func:`peermatch.solver.ring_packing.pack` drop columns without losing the
optimum.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from peermatch.solver.highs import Clock, new_highs, time_left

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]


#: Columns added per round of column generation (at least, or per row).
BATCH_COLUMNS = 5_000


BATCH_PER_ROW = 10


# A solver kernel, kept whole on purpose (longer than the ~60-line rule): the LP
# relaxation's column generation loop, warm-started round after round.
def lp_duals(
    c: FloatArray, a: Any, lo: FloatArray, hi: FloatArray, clock: Clock, start: FloatArray | None
) -> tuple[FloatArray, float] | None:
    """Reduced costs and the dual bound of the LP relaxation, by column generation.

    Solves the LP over a working set of columns, prices every column with its duals,
    adds the most negative, and repeats until none is negative (the LP optimum over all
    columns); the programme stays in HiGHS and each solve starts from the last basis.
    Returns None if an LP fails.
    """
    import highspy
    import numpy as np
    import scipy.sparse as sp

    k = len(c)
    a = sp.csc_array(a)
    batch = max(BATCH_COLUMNS, BATCH_PER_ROW * a.shape[0])
    work = np.argsort(c, kind="stable")[:batch]
    if start is not None:
        work = np.union1d(work, np.flatnonzero(start > 0.5))
    eq = lo == hi
    if eq.any():  # every column that can meet an equality row (e.g. a pin)
        work = np.union1d(work, np.flatnonzero(np.asarray(abs(a[eq]).sum(axis=0)).ravel() > 0))
    h = new_highs(c[work], a[:, work], lo, hi, np.zeros(len(work)), np.ones(len(work)))
    h.setOptionValue("presolve", "off")  # a warm start skips it anyway
    inside = np.zeros(k, dtype=bool)
    inside[work] = True
    r = c
    y = np.zeros(a.shape[0])
    for _ in range(200):
        if clock.expired():
            return None
        time_left(h, clock)
        h.run()
        model = h.getModelStatus()
        if model != highspy.HighsModelStatus.kOptimal:
            if model == highspy.HighsModelStatus.kInfeasible and not inside.all():
                more = np.flatnonzero(~inside)  # the working set is too small
            else:
                return None
        else:
            # the duals, with the signs a bound needs: >= 0 on a row's lower side only
            y = np.asarray(h.getSolution().row_dual)
            y = np.where(np.isfinite(lo), y, np.minimum(y, 0.0))
            y = np.where(np.isfinite(hi), y, np.maximum(y, 0.0))
            r = c - a.T @ y
            priced = np.flatnonzero(~inside & (r < -1e-9))
            if len(priced) == 0:
                break
            more = priced[np.argsort(r[priced], kind="stable")[:batch]]
        inside[more] = True
        sub = sp.csc_array(a[:, more])
        sub.sort_indices()
        h.addCols(
            len(more), c[more], np.zeros(len(more)), np.ones(len(more)), sub.nnz,
            sub.indptr[:-1].astype(np.int32), sub.indices.astype(np.int32),
            sub.data.astype(np.float64),
        )  # fmt: skip
    row_min = np.where(y > 0, y * np.where(np.isfinite(lo), lo, 0.0), 0.0) + np.where(
        y < 0, y * np.where(np.isfinite(hi), hi, 0.0), 0.0
    )
    bound = float(row_min.sum() + np.minimum(r, 0.0).sum())
    return r, bound
