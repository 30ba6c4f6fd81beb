"""Where pairs stand in the score matrix's rankings: a link's place in its learner's
ranking (:func:`ranks_of`), and the learners a teacher helps most (:func:`teaching`).

Both rank exactly as :meth:`Cohort.ranked <peermatch.scoring.matrix.Cohort.ranked>` (and
``suggest``) does, scoring only the cells that could come before the pairs asked about.
:class:`~peermatch.scoring.overlay.HistoryOverlay` answers the same questions with a
history applied.
"""

from __future__ import annotations

import numpy as np

from peermatch.scoring.matrix import CHUNK_CELLS, SLACK, Cohort, Ints


def teaching(
    cohort: Cohort,
    teacher: int,
    *,
    top: int = 0,
    new_only: bool = False,
    min_score: float = 0.0,
) -> list[tuple[int, int]]:
    """The learners ``teacher`` helps most, as ``(learner, rank of teacher there)``.

    Ordered by score, two-way first, then learner id; the first ``top`` (0 = all). The
    rank is the teacher's place in that learner's ranking (as :meth:`Cohort.ranked
    <peermatch.scoring.matrix.Cohort.ranked>` orders it).
    """
    column = cohort.credits[:, teacher]
    earned = cohort.needs @ column  # each learner's needs, summed in need order
    learners = np.flatnonzero(earned > 0).astype(np.intp)
    learners = learners[learners != teacher]
    tt = np.full(len(learners), teacher, dtype=np.intp)
    invalid = cohort.excluded(tt, learners)
    if new_only:
        invalid |= cohort.partner(tt, learners)
    learners, tt = learners[~invalid], tt[~invalid]
    score = cohort.scores(tt, learners, earned[learners])
    keep = (score > 0) & (score >= min_score)
    learners, tt, score = learners[keep], tt[keep], score[keep]
    two = cohort.two_way(tt, learners)
    order = np.lexsort((learners, ~two, -score))
    if top > 0:
        order = order[:top]
    learners, score, two = learners[order], score[order], two[order]
    if len(learners) == 0:
        return []
    ranks = ranks_of(cohort, np.full(len(learners), teacher, dtype=np.intp), learners, new_only)
    return [(int(lr), int(rk) + 1) for lr, rk in zip(learners, ranks, strict=True)]


def ranks_of(cohort: Cohort, teachers: Ints, learners: Ints, new_only: bool = False) -> Ints:
    """Each ``teachers[i]``'s place (0 = first) in ``learners[i]``'s ranking.

    The ranking is :meth:`Cohort.ranked
    <peermatch.scoring.matrix.Cohort.ranked>`'s (and ``suggest``'s): scores above 0, exclusions left
    out (partners too with ``new_only``), by score, two-way first, then teacher id. Every
    pair must be in its learner's ranking. Only the cells that could come before one of
    a learner's pairs are scored, so a pair deep in a long ranking costs more.
    """
    out = np.zeros(len(teachers), dtype=np.intp)
    if len(teachers) == 0:
        return out
    rows_all = np.unique(learners)
    pos = np.searchsorted(rows_all, learners)  # each pair's row among rows_all
    size = max(1, CHUNK_CELLS // max(cohort.n, 1))
    for start in range(0, len(rows_all), size):
        rows = rows_all[start : start + size]
        mine = np.flatnonzero((pos >= start) & (pos < start + len(rows)))
        row_of = pos[mine] - start
        e = cohort.usable(cohort.earned(rows), rows, new_only)
        t = teachers[mine]
        score = cohort.scores(t, learners[mine], e[row_of, t])
        two = cohort.two_way(t, learners[mine])
        # every cell that could come before the row's lowest pair, scored exactly
        lowest = np.full(len(rows), np.inf)
        np.minimum.at(lowest, row_of, score)
        points = cohort.points[rows]
        need = lowest * points / 100.0 * (1.0 - 4 * SLACK)
        ci, ti = np.nonzero((e > 0) & (e >= need[:, None]))
        ti = ti.astype(np.intp)
        cscore = cohort.scores(ti, rows[ci], e[ci, ti])
        ctwo = cohort.two_way(ti, rows[ci])
        keep = cscore > 0
        ci, ti, cscore, ctwo = ci[keep], ti[keep], cscore[keep], ctwo[keep]
        # sort cells and pairs together; a pair goes just before its own cell
        row = np.concatenate([ci, row_of])
        sc = np.concatenate([cscore, score])
        tw = np.concatenate([ctwo, two])
        tid = np.concatenate([ti, t])
        is_cell = np.concatenate([np.ones(len(ci), dtype=np.intp), np.zeros(len(t), np.intp)])
        order = np.lexsort((is_cell, tid, ~tw, -sc, row))
        cells_before = np.cumsum(is_cell[order]) - is_cell[order]
        row_sorted = row[order]
        first = np.searchsorted(row_sorted, row_sorted)  # start of each row's run
        before = cells_before - cells_before[first]
        ranks = np.empty(len(order), dtype=np.intp)
        ranks[order] = before
        out[mine] = ranks[len(ci) :]
    return out
