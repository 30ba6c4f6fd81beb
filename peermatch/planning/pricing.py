"""The plan's side of the score matrix: candidate links for the LP, and pricing left-out
links against its dual prices (column generation, with a proof of how far a pruned plan
can be from the best one).

Built on :class:`~peermatch.scoring.matrix.Cohort`, which stays a score matrix: it knows
nothing of linear programmes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from peermatch.scoring.matrix import SLACK, Cohort, member

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Floats = NDArray[np.float64]
    Ints = NDArray[np.intp]
    Bools = NDArray[np.bool_]
else:
    Floats = Ints = Bools = Any


@dataclass(frozen=True)
class Links:
    """Candidate plan links as arrays: ``teacher[i] -> learner[i]`` scores ``score[i]``."""

    teacher: Ints
    learner: Ints
    score: Floats
    two_way: Bools
    rank: Ints | None = None  # the place in the learner's ranking, -1 where not known

    def __len__(self) -> int:
        return len(self.score)


@dataclass(frozen=True)
class Pricing:
    """Left-out links priced against dual prices: the best to add, and the most they add."""

    links: Links  # each learner's links of largest positive gain
    excess: float  # the sum of every left-out link's positive gain


def candidate_links(
    cohort: Cohort,
    *,
    per_learner: int,
    per_teacher: int,
    new_only: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Links:
    """Candidate links for a plan: each learner's best ``per_learner`` teachers and each
    teacher's best ``per_teacher`` learners (0 = every pair scoring above 0), with exact
    scores, two-way flags and, where known, the link's place in its learner's ranking
    (``rank``: a learner's best ``per_learner`` are its first; -1 for the others, see
    :func:`~peermatch.scoring.places.ranks_of`), each pair once, ordered by learner
    then teacher."""
    teacher: list[Ints] = []
    learner: list[Ints] = []
    place: list[Ints] = []
    for by_teacher, top in ((False, per_learner), (True, per_teacher)):
        for rows in cohort.chunks(cohort.all_systems):
            best = cohort.best(rows, top=top, new_only=new_only, by_teacher=by_teacher)
            spans = [np.arange(a, b) for a, b in zip(best.starts, best.ends, strict=True)]
            keep = np.concatenate(spans or [np.zeros(0, dtype=np.intp)])
            teacher.append(best.teacher[keep])
            learner.append(best.learner[keep])
            if by_teacher:
                place.append(np.full(len(keep), -1, dtype=np.intp))
            else:  # a learner's row, best first: the position is the place
                place.append(keep - np.repeat(best.starts, best.ends - best.starts))
            if progress is not None:
                progress(len(rows))
    n = max(cohort.n, 1)
    keys = np.concatenate(teacher).astype(np.int64) * n + np.concatenate(learner)
    ranks = np.concatenate(place)
    order = np.lexsort((-ranks, keys))  # per key, a known place (>= 0) first
    keys, ranks = keys[order], ranks[order]
    first = np.ones(len(keys), dtype=np.bool_)
    first[1:] = keys[1:] != keys[:-1]
    keys, ranks = keys[first], ranks[first]
    learner_of = (keys % n).astype(np.intp)
    teacher_of = (keys // n).astype(np.intp)
    order = np.lexsort((teacher_of, learner_of))
    t, lr, rank = teacher_of[order], learner_of[order], ranks[order]
    score = cohort.scores(t, lr, cohort.earned_pairs(t, lr))
    return Links(t, lr, score, cohort.two_way(t, lr), rank)


def price(
    cohort: Cohort,
    teacher_price: Floats,
    learner_price: Floats,
    *,
    per_learner: int,
    slack: float = 0.0,
    excess_slack: float | None = None,
    new_only: bool = False,
    skip: NDArray[np.int64] | None = None,
) -> Pricing:
    """Price every possible link against a linear programme's dual prices.

    Over the links ``t -> l`` (score above 0, not excluded, not a partner with
    ``new_only``) whose key ``t * n + l`` is not in the sorted array ``skip`` (the links
    the programme had), ``gain = score + slack - teacher_price[t] - learner_price[l]``.
    Returns each learner's ``per_learner`` links of largest positive gain (for column
    generation) and ``excess``, the sum of all positive gains with ``excess_slack``
    (at most ``slack``; default ``slack``) in place of ``slack``: what the left-out links
    add, at most, to the programme's dual bound (see :mod:`.column_generation`). Only
    cells whose score could beat their prices are scored: about one pass over the
    learner x teacher matrix.
    """
    if excess_slack is None:
        excess_slack = slack
    if excess_slack > slack:
        raise ValueError("excess_slack must be at most slack")
    found: list[tuple[Ints, Ints, Floats]] = []
    gains: list[float] = []
    for teacher, learner, score, gain in _priced(
        cohort, teacher_price, learner_price, slack, new_only, skip
    ):
        if excess_slack == slack:
            gains.extend(gain.tolist())
        else:  # the cells with a positive gain at excess_slack are among these
            own = score + excess_slack - teacher_price[teacher] - learner_price[learner]
            gains.extend(own[own > 0].tolist())
        order = np.lexsort((teacher, -gain, learner))
        teacher, learner, score = teacher[order], learner[order], score[order]
        first = np.searchsorted(learner, learner)  # start of each learner's run
        keep = np.arange(len(learner)) - first < per_learner
        found.append((teacher[keep], learner[keep], score[keep]))
    excess = math.fsum(gains)
    if not found:
        empty = np.zeros(0, dtype=np.intp)
        return Pricing(Links(empty, empty, np.zeros(0), np.zeros(0, dtype=np.bool_)), excess)
    t, lr, sc = (np.concatenate(part) for part in zip(*found, strict=True))
    return Pricing(Links(t, lr, sc, cohort.two_way(t, lr)), excess)


def _priced(
    cohort: Cohort,
    teacher_price: Floats,
    learner_price: Floats,
    slack: float,
    new_only: bool,
    skip: NDArray[np.int64] | None,
) -> Iterator[tuple[Ints, Ints, Floats, Floats]]:
    """Chunk by chunk: (teacher, learner, score, gain) of the links with a positive
    ``gain = score + slack - teacher_price - learner_price``, left-out ones only."""
    n = cohort.n
    for rows in cohort.chunks(cohort.all_systems):
        e = cohort.usable(cohort.earned(rows), rows, new_only)
        price = teacher_price[None, :] + learner_price[rows][:, None] - slack
        points = cohort.points[rows]
        per_point = np.zeros(len(rows))
        np.divide(100.0 * (1.0 + 4 * SLACK), points, out=per_point, where=points > 0)
        ri, ti = np.nonzero((e > 0) & (e * per_point[:, None] > price))
        ti = ti.astype(np.intp)
        learner = rows[ri]
        if skip is not None and len(skip):
            keep = ~member(skip, n, ti, learner)
            ri, ti, learner = ri[keep], ti[keep], learner[keep]
        score = cohort.scores(ti, learner, e[ri, ti])
        gain = score + slack - teacher_price[ti] - learner_price[learner]
        ok = (score > 0) & (gain > 0)
        yield ti[ok], learner[ok], score[ok], gain[ok]
