"""Building the score matrix's arrays (on a :class:`~peermatch.scoring.matrix.Cohort`,
passed in: this module does not import it) from the profiles: the credit table (what each
teacher earns on each (topic, priority) a learner needs, exactly as the reference computes
it), each learner's needs in need order, and the context fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from peermatch.core.dataset import Dataset, Profile
from peermatch.scoring.reference import total

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: Populations from 2**53 on are not exact as float64: they are compared as Python does.
BIG_POPULATION = 2**53


def build_credits(cohort: Any, systems: list[Profile]) -> None:
    """The credit table, each learner's need rows and points, set on ``cohort``."""
    w = cohort.weights
    topics = cohort.data.catalogue.topics
    # the (topic, priority) pairs some learner needs: one table row each
    rows: dict[tuple[str, int], int] = {}
    need_rows: list[list[int]] = []
    points: list[float] = []
    for p in systems:
        mine = []
        for need in p.needs.values():
            mine.append(rows.setdefault((need.topic, need.priority), len(rows)))
        need_rows.append(mine)
        points.append(total([w.priority.of(need.priority) for need in p.needs.values()]))
    cohort.points = np.array(points, dtype=np.float64)
    cohort.rows = rows
    cohort.zero_row = len(rows)
    # who can meet each topic: directly (its shortfall) or, failing that, through the
    # smallest shortfall among its related strengths (the reference's best credit)
    direct: dict[str, tuple[list[int], list[float]]] = {}
    near: dict[str, dict[int, float]] = {}
    shortfall = w.level_shortfall.of
    for t, p in enumerate(systems):
        for topic, st in p.strengths.items():
            s = shortfall(st.level)
            who, short = direct.setdefault(topic, ([], []))
            who.append(t)
            short.append(s)
            for other in topics[topic].related:
                if other in p.strengths:
                    continue
                best = near.setdefault(other, {})
                if t not in best or s < best[t]:
                    best[t] = s
    table = np.zeros((len(rows) + 1, cohort.n), dtype=np.float64)
    for (topic, priority), r in rows.items():
        pts = w.priority.of(priority)
        if topic in direct:
            who, short = direct[topic]
            table[r, who] = pts - np.array(short)
        if topic in near:
            best = near[topic]
            who_near = np.fromiter(best.keys(), dtype=np.intp, count=len(best))
            short_near = np.fromiter(best.values(), dtype=np.float64, count=len(best))
            # max over related strengths of rf * (pts - s) is rf * (pts - min s), bit
            # for bit: rounding is monotone
            table[r, who_near] = w.related_factor * (pts - short_near)
    cohort.credits = table
    # one sparse row per learner, its needs' table rows in need order (not sorted!)
    indptr = np.zeros(cohort.n + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in need_rows])
    indices = np.array([r for mine in need_rows for r in mine], dtype=np.int32)
    cohort.needs = sp.csr_matrix(
        (np.ones(len(indices)), indices, indptr), shape=(cohort.n, len(rows) + 1)
    )
    width = max((len(r) for r in need_rows), default=0)
    padded = np.full((cohort.n, max(width, 1)), cohort.zero_row, dtype=np.intp)
    for i, mine in enumerate(need_rows):
        padded[i, : len(mine)] = mine
    cohort.need_table = padded  # for two-way: a teacher's own needs, padded


def build_context(cohort: Any, systems: list[Profile]) -> None:
    """The context fields as arrays (kind, country, population, tags), set on ``cohort``."""
    kinds: dict[str, int] = {}
    countries: dict[str, int] = {}
    tags: dict[str, int] = {}
    cohort.kind = np.array([kinds.setdefault(p.kind, len(kinds)) for p in systems], dtype=np.intp)
    cohort.country = np.array(
        [
            countries.setdefault(p.country.casefold(), len(countries)) if p.country else -1
            for p in systems
        ],
        dtype=np.intp,
    )
    pops = [p.population or 0 for p in systems]
    cohort.big = np.array([x >= BIG_POPULATION for x in pops], dtype=np.bool_)
    cohort.population = np.array(
        [float(x) if x < BIG_POPULATION else 1.0 for x in pops], dtype=np.float64
    )
    cohort.has_population = np.array([x > 0 for x in pops], dtype=np.bool_)
    sets = [set(p.tags) for p in systems]
    for s in sets:
        for tag in sorted(s):
            tags.setdefault(tag, len(tags))
    nbytes = max(1, (len(tags) + 7) // 8)
    bits = np.zeros((cohort.n, nbytes), dtype=np.uint8)
    for i, s in enumerate(sets):
        for tag in s:
            code = tags[tag]
            bits[i, code // 8] |= np.uint8(1 << (code % 8))
    cohort.tag_bits = bits
    cohort.tag_count = np.array([len(s) for s in sets], dtype=np.intp)


def build_families(cohort: Any, data: Dataset) -> None:
    """Each system's family as an array (the index of its top-level system,
    :attr:`Dataset.top_level <peermatch.core.dataset.Dataset.top_level>`) and, for each
    family of two or more, its members: what ``--across`` blanks. Set on ``cohort``."""
    top = data.top_level
    cohort.family = np.array([cohort.index[top[sid]] for sid in cohort.ids], dtype=np.intp)
    sizes = np.bincount(cohort.family, minlength=cohort.n)
    ends, order = np.cumsum(sizes), np.argsort(cohort.family, kind="stable")
    cohort.families = {
        int(f): order[ends[f] - sizes[f] : ends[f]] for f in np.flatnonzero(sizes > 1)
    }


def pairs_matrix(systems: list[Profile], index: dict[str, int], attr: str) -> sp.csr_matrix:
    """A symmetric boolean matrix of partners or exclusions (either side listing counts)."""
    rows: list[int] = []
    cols: list[int] = []
    for i, p in enumerate(systems):
        for other in getattr(p, attr):
            j = index[other]
            rows += (i, j)
            cols += (j, i)
    n = len(systems)
    m = sp.csr_matrix((np.ones(len(rows), dtype=np.bool_), (rows, cols)), shape=(n, n))
    m.sum_duplicates()
    m.sort_indices()
    return m


def pair_keys(pairs: sp.csr_matrix) -> NDArray[np.int64]:
    """The pairs ``(i, j)`` of a matrix as sorted keys ``i * n + j``, for fast membership."""
    n = pairs.shape[0]
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(pairs.indptr))
    keys: NDArray[np.int64] = rows * n + pairs.indices.astype(np.int64)
    return keys  # row-major with sorted indices: already sorted
