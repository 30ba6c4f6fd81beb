"""Every pair's score at once, for large cohorts: the same numbers as :func:`scoring.score_pair`.

:mod:`peermatch.scoring.ranking` holds the reference definition of a score, one pair at a time.
This module computes the *same* numbers for many pairs with numpy and scipy.sparse, and
:func:`peermatch.scoring.ranking.rank_all` uses it when a cohort is large. It is a second way to
compute one definition, not a second definition: the tests hold every score here to
bit-for-bit equality with the reference on random cohorts and random weights.

How it stays exact. Floating-point sums depend on their order, so every operation mirrors
the reference's, in the same order:

* a credit table ``credits[(topic, priority), teacher]`` holds each teacher's credit on a
  need exactly as the reference computes it (``points - shortfall``, or
  ``related_factor * (points - shortfall)`` for the best related strength);
* a learner's earned points are those credits summed left to right in the learner's need
  order, starting from 0: a sparse matrix (one row per learner, one entry per need, in need
  order) times the table does exactly that (scipy's CSR product accumulates each row's
  entries in stored order into a zeroed result);
* ``base = earned / points``, the context similarity and factor, and
  ``100 * base * factor * partner`` repeat the reference's expressions term by term;
  numpy's float64 arithmetic is IEEE, like Python's.

How it stays fast. Learners are scored in chunks (a few hundred rows of the learner x
teacher matrix at a time, so memory stays flat). Within a chunk, the earned points of every
pair come from one sparse-times-dense product. The context factor lies between
``1 - context_weight`` and 1, so ``base`` brackets each score; a teacher whose upper bound
is below a learner's k-th best lower bound cannot be in its top k, and only the few
candidates left get the full context computation. Those are ordered exactly as
:func:`~peermatch.scoring.reference.order_key` does (score, then two-way, then teacher id),
and the top k kept.

For ``plan`` on a large cohort the same machinery gives any link's place in its learner's
ranking (:func:`peermatch.scoring.places.ranks_of`); the plan's candidate links and the
pricing of left-out links against an LP's duals are in :mod:`peermatch.planning.pricing`, built on
:meth:`Cohort.best` and :meth:`Cohort.scores`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from peermatch.core.dataset import Dataset
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.scoring.matrix_build import (
    build_context,
    build_credits,
    build_families,
    pair_keys,
    pairs_matrix,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Floats = NDArray[np.float64]
    Ints = NDArray[np.intp]
    Bools = NDArray[np.bool_]
else:
    Floats = Ints = Bools = Any

#: Cells of the learner x teacher matrix held at once per chunk (about 32 MB of float64).
CHUNK_CELLS = 4_000_000
#: Relative slack on the pruning bounds; far above any rounding error, far below a score step.
SLACK = 1e-9
#: Cells per block when bounding the k-th best score of a row (see _kth_lower).
BLOCK = 64
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)


@dataclass(frozen=True)
class Best:
    """One chunk's kept cells, row by row: row i's are ``[starts[i], ends[i])``."""

    teacher: Ints
    learner: Ints
    score: Floats
    starts: Ints
    ends: Ints


@dataclass(frozen=True)
class Ranked:
    """One learner's best teachers (system indexes), best first
    (:func:`~peermatch.scoring.reference.order_key`)."""

    learner: int
    teachers: list[int]


class Cohort:
    """A dataset as arrays: the credit table, the learners' needs, and context fields.

    Build one per (dataset, weights, across); every method is a pure function of them.
    With ``across``, a pair within one system family (:attr:`Dataset.top_level
    <peermatch.core.dataset.Dataset.top_level>`) is unusable, like an exclusion.
    """

    # set by matrix_build.build_credits
    points: Floats
    rows: dict[tuple[str, int], int]
    zero_row: int
    credits: Floats
    needs: sp.csr_matrix
    need_table: Ints
    # set by matrix_build.build_families: each system's family (its top-level system's
    # index), and the members of each family of two or more
    family: Ints
    families: dict[int, Ints]
    # set by matrix_build.build_context
    kind: Ints
    country: Ints
    big: Bools
    population: Floats
    has_population: Bools
    tag_bits: NDArray[np.uint8]
    tag_count: Ints

    def __init__(
        self, data: Dataset, weights: Weights = DEFAULT_WEIGHTS, *, across: bool = False
    ) -> None:
        self.data = data
        self.weights = weights
        self.across = across
        systems = data.systems
        self.n = n = len(systems)
        self.ids = [p.id for p in systems]
        self.index = {sid: i for i, sid in enumerate(self.ids)}
        build_credits(self, systems)
        build_context(self, systems)
        self.partners = pairs_matrix(systems, self.index, "partners")
        self.exclude = pairs_matrix(systems, self.index, "exclude")
        self.partner_keys = pair_keys(self.partners)
        self.exclude_keys = pair_keys(self.exclude)
        self.all_systems: Ints = np.arange(n, dtype=np.intp)
        build_families(self, data)

    # ------------------------------------------------------------------ pieces of a score

    def earned(self, learners: Ints) -> Floats:
        """Earned points, ``len(learners) x n``: row i is what each teacher earns for learner i."""
        result: Floats = self.needs[learners] @ self.credits
        return result

    def context_factor(self, teachers: Ints, learners: Ints) -> Floats:
        """The context factor of each pair ``teachers[i] -> learners[i]`` (see ``context_of``)."""
        w = self.weights
        cw = w.context
        kind = (self.kind[teachers] == self.kind[learners]).astype(np.float64)
        ct, cl = self.country[teachers], self.country[learners]
        country = np.where((ct >= 0) & (cl >= 0), (ct == cl).astype(np.float64), 0.5)
        pt, pl = self.population[teachers], self.population[learners]
        both = self.has_population[teachers] & self.has_population[learners]
        size = np.full(len(teachers), 0.5)
        np.divide(np.minimum(pt, pl), np.maximum(pt, pl), out=size, where=both)
        big = both & (self.big[teachers] | self.big[learners])
        for i in np.flatnonzero(big):  # beyond float64's exact integers: as Python does it
            a = self.data.systems[teachers[i]].population or 0
            b = self.data.systems[learners[i]].population or 0
            lo, hi = sorted((a, b))
            size[i] = lo / hi
        inter = _POPCOUNT[self.tag_bits[teachers] & self.tag_bits[learners]].sum(axis=1)
        nt, nl = self.tag_count[teachers], self.tag_count[learners]
        tagged = (nt > 0) & (nl > 0)
        tags = np.full(len(teachers), 0.5)
        union = (nt + nl - inter).astype(np.float64)
        np.divide(inter.astype(np.float64), union, out=tags, where=tagged)
        weight_sum = cw.kind + cw.country + cw.size + cw.tags
        if weight_sum > 0:
            sim = (
                cw.kind * kind + cw.country * country + cw.size * size + cw.tags * tags
            ) / weight_sum
        else:
            sim = np.ones(len(teachers))
        factor: Floats = (1.0 - w.context_weight) + w.context_weight * sim
        return factor

    def partner(self, teachers: Ints, learners: Ints) -> Bools:
        return member(self.partner_keys, self.n, learners, teachers)

    def excluded(self, teachers: Ints, learners: Ints) -> Bools:
        """Pairs that can never be a link: exclusions, and with ``across`` one family."""
        out = member(self.exclude_keys, self.n, learners, teachers)
        if self.across:
            out |= self.family[teachers] == self.family[learners]
        return out

    def scores(self, teachers: Ints, learners: Ints, earned: Floats) -> Floats:
        """Each pair's score from its earned points, exactly as ``score_pair`` computes it."""
        base = earned / self.points[learners]
        base[teachers == learners] = 0.0
        factor = self.context_factor(teachers, learners)
        pf = np.where(self.partner(teachers, learners), self.weights.partner_factor, 1.0)
        score: Floats = 100.0 * base * factor * pf
        score[~(base > 0)] = 0.0
        return score

    def two_way(self, teachers: Ints, learners: Ints) -> Bools:
        """Whether each learner can teach its teacher back (``can_teach(learner, teacher)``)."""
        out = np.zeros(len(teachers), dtype=np.bool_)
        table = self.need_table[teachers]
        for j in range(table.shape[1]):
            out |= self.credits[table[:, j], learners] > 0
        return out

    # ------------------------------------------------------------------ whole matrices

    def score_matrix(self) -> Floats:
        """Every pair's score, ``[learner, teacher]`` (0 on the diagonal); for tests and tools."""
        out = np.zeros((self.n, self.n))
        for rows in self.chunks(self.all_systems):
            e = self.earned(rows)
            ri, ti = np.nonzero(e)
            learners = rows[ri]
            out[learners, ti] = self.scores(ti.astype(np.intp), learners, e[ri, ti])
        return out

    def chunks(self, learners: Ints) -> Iterator[Ints]:
        size = max(1, CHUNK_CELLS // max(self.n, 1))
        for start in range(0, len(learners), size):
            yield learners[start : start + size]

    # ------------------------------------------------------------------ ranking

    def ranked(
        self,
        learners: Ints | None = None,
        *,
        top: int = 0,
        new_only: bool = False,
        min_score: float = 0.0,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[Ranked]:
        """Each learner's best ``top`` teachers (0 = all with a score above 0), best first.

        Same teachers, same order as the first ``top`` rows of the reference ranking: scores
        above 0 and at least ``min_score``, exclusions left out (and partners with
        ``new_only``), ordered by score, two-way first, then teacher id.
        """
        learners = self.all_systems if learners is None else learners
        for rows in self.chunks(learners):
            best = self.best(rows, top=top, new_only=new_only, min_score=min_score)
            for i in range(len(rows)):
                yield Ranked(int(rows[i]), best.teacher[best.starts[i] : best.ends[i]].tolist())
            if progress is not None:
                progress(len(rows))

    def earned_pairs(self, teachers: Ints, learners: Ints) -> Floats:
        """Earned points of each pair ``teachers[i] -> learners[i]``, summed in need order."""
        out = np.zeros(len(teachers))
        table = self.need_table[learners]
        for j in range(table.shape[1]):  # left to right, as the reference adds
            out += self.credits[table[:, j], teachers]
        return out

    def best(
        self,
        rows: Ints,
        *,
        top: int,
        new_only: bool,
        min_score: float = 0.0,
        by_teacher: bool = False,
    ) -> Best:
        """The cells of a chunk of rows (learners, or teachers with ``by_teacher``) that are
        among each row's best ``top`` (all if 0), best first within each row."""
        c = len(rows)
        local = np.arange(c)
        if by_teacher:  # row i: what teacher rows[i] earns with each learner
            e = np.ascontiguousarray((self.needs @ self.credits[:, rows]).T)
        else:  # row i: what each teacher earns with learner rows[i]
            e = self.earned(rows)
        e = self.usable(e, rows, new_only)
        # every score lies in 100 * base * [(1 - cw) * pf, 1], base = earned / points; a
        # cell below the k-th best lower bound of its row cannot be among the row's best k
        cw = self.weights.context_weight
        pf = self.weights.partner_factor
        if by_teacher:
            value = np.zeros_like(e)
            np.divide(e, self.points, out=value, where=self.points > 0)
            floor = np.full(c, max(min_score / 100.0 * (1.0 - 2 * SLACK), np.nextafter(0, 1)))
        else:
            value = e  # base up to the row's constant: order within the row is the same
            floor = np.full(c, np.nextafter(0.0, 1.0))
            if min_score > 0:
                floor = np.maximum(floor, min_score * self.points[rows] / 100.0 * (1 - 2 * SLACK))
        if top > 0:
            low = value if (pf == 1.0 or new_only) else self._partner_scaled(value, rows, pf)
            floor = np.maximum(floor, _kth_lower(low, top) * (1.0 - cw) * (1.0 - 4 * SLACK))
        ri, ci = np.nonzero(value >= floor[:, None])
        ci = ci.astype(np.intp)
        teacher, learner = (rows[ri], ci) if by_teacher else (ci, rows[ri])
        score = self.scores(teacher, learner, e[ri, ci])
        keep = (score > 0) & (score >= min_score)
        ri, teacher, learner, score = ri[keep], teacher[keep], learner[keep], score[keep]
        two = self.two_way(teacher, learner)
        other = learner if by_teacher else teacher
        order = np.lexsort((other, ~two, -score, ri))
        ri, teacher, learner, score = ri[order], teacher[order], learner[order], score[order]
        starts = np.searchsorted(ri, local)
        ends = np.searchsorted(ri, local, side="right")
        if top > 0:
            ends = np.minimum(ends, starts + top)
        return Best(teacher, learner, score, starts, ends)

    def usable(self, e: Floats, rows: Ints, new_only: bool) -> Floats:
        """``e`` (a chunk of rows x every system, the rows' systems ``rows``) with the cells
        that can never be a link set to 0: a system and itself, exclusions, pairs within
        one system family with ``across``, and partners with ``new_only``. In place;
        returns ``e``."""
        e[np.arange(len(rows)), rows] = 0.0
        self._blank(e, rows, self.exclude)
        if self.across:  # a block per family: cost in the cells blanked, not the chunk
            fam = self.family[rows]
            for f in np.unique(fam).tolist():
                if f in self.families:
                    e[np.ix_(np.flatnonzero(fam == f), self.families[f])] = 0.0
        if new_only:
            self._blank(e, rows, self.partners)
        return e

    def _blank(self, e: Floats, rows: Ints, pairs: sp.csr_matrix) -> None:
        sub = pairs[rows]
        ri = np.repeat(np.arange(len(rows)), np.diff(sub.indptr))
        e[ri, sub.indices] = 0.0

    def _partner_scaled(self, e: Floats, rows: Ints, pf: float) -> Floats:
        low = e.copy()
        sub = self.partners[rows]
        ri = np.repeat(np.arange(len(rows)), np.diff(sub.indptr))
        low[ri, sub.indices] *= pf
        return low


def member(keys: NDArray[np.int64], n: int, rows: Ints, cols: Ints) -> Bools:
    """Whether each ``(rows[i], cols[i])`` is one of the pairs ``keys``."""
    if len(keys) == 0 or len(rows) == 0:
        return np.zeros(len(rows), dtype=np.bool_)
    query = rows.astype(np.int64) * n + cols
    at = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    found: Bools = keys[at] == query
    return found


def _kth_lower(values: Floats, k: int) -> Floats:
    """For each row, a number at most its k-th largest value (0 if it has fewer than k).

    Exact via ``np.partition`` when rows are short or ``k`` large; otherwise the k-th largest
    of the row's block maxima (64 cells a block), which is never above the k-th largest cell
    (k blocks reach it) and is far cheaper than partitioning every cell.
    """
    c, n = values.shape
    if n == 0:
        return np.zeros(c)
    if k * BLOCK * 4 > n:
        if k > n:
            return np.zeros(c)
        return np.partition(values, n - k, axis=1)[:, n - k]
    blocks = -(-n // BLOCK)
    maxima = np.maximum.reduceat(values, np.arange(0, n, BLOCK), axis=1)
    kth: Floats = np.partition(maxima, blocks - k, axis=1)[:, blocks - k]
    return kth
