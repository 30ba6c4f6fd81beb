"""The score matrix seen through a history: one wrapper with the matrix's methods.

A history (:mod:`peermatch.scoring.adjustments`) changes few pairs: it lifts some and
leaves out the repeats. :class:`HistoryOverlay` answers the questions the fast path asks
of :class:`~peermatch.scoring.matrix.Cohort` (each learner's best teachers, a link's
place in its learner's ranking, a teacher's best learners, the plan's candidate links)
with the history applied, exactly as the reference scorer would, and without a history it
is the matrix itself.

Why it stays exact, once for every method: **a lift only raises a pair and a repeat only
removes one.** So

* a pair the history leaves alone that is in a learner's top ``k`` with the history is in
  its plain top ``k`` + (that learner's repeats); the lifted pairs are added explicitly;
* every pair the history leaves alone that ranks above a teacher with the history also
  does without it, so it is in the plain prefix up to that teacher; the pairs the history
  touches are scored one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from peermatch.core import progress
from peermatch.scoring.reference import Breakdown, kept_in_ranking, order_key, score_pair

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from peermatch.scoring.adjustments import Adjustments
    from peermatch.scoring.matrix import Cohort

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]


class HistoryOverlay:
    """``cohort`` with ``adjustments`` applied (``None``: no history, the plain matrix)."""

    def __init__(self, cohort: Cohort, adjustments: Adjustments | None) -> None:
        self.cohort = cohort
        self.adjustments = adjustments
        self.lifted: dict[str, set[str]] = {}  # learner -> its lifted teachers
        self.touched: dict[str, set[str]] = {}  # learner -> teachers lifted or repeats
        self.repeats: dict[str, int] = {}  # learner -> how many repeats it has
        if adjustments is not None:
            for _, learner in adjustments.excluded:
                self.repeats[learner] = self.repeats.get(learner, 0) + 1
            for teacher, learner in adjustments.factors:
                self.lifted.setdefault(learner, set()).add(teacher)
            for teacher, learner in (*adjustments.excluded, *adjustments.factors):
                self.touched.setdefault(learner, set()).add(teacher)

    def breakdown(self, teacher: str, learner: str) -> Breakdown:
        c = self.cohort
        return score_pair(c.data, teacher, learner, c.weights, self.adjustments)

    def allows(self, teacher: str, learner: str) -> bool:
        """Whether the pair may be linked at all (not a repeat)."""
        return self.adjustments is None or not self.adjustments.is_excluded(teacher, learner)

    # -- each learner's best teachers

    def ranking(
        self,
        learners: Sequence[str],
        *,
        top: int,
        new_only: bool,
        min_score: float,
    ) -> dict[str, list[Breakdown]]:
        """Each learner's best ``top`` teachers (0 = all), best first, as breakdowns: the
        matrix picks them, a little deeper with a history, and each is scored exactly."""
        import numpy as np

        c = self.cohort
        rows = np.array([c.index[sid] for sid in learners], dtype=np.intp)
        deeper = top
        if self.adjustments is not None and top > 0:
            deeper = top + max((self.repeats.get(sid, 0) for sid in learners), default=0)
        out: dict[str, list[Breakdown]] = {}
        with progress.step("scoring", len(rows)) as advance:
            for ranked in c.ranked(
                rows, top=deeper, new_only=new_only, min_score=min_score, progress=advance
            ):
                learner = c.ids[ranked.learner]
                if self.adjustments is None:
                    out[learner] = [
                        score_pair(c.data, c.ids[t], learner, c.weights) for t in ranked.teachers
                    ]
                    continue
                teachers = {c.ids[t] for t in ranked.teachers} | self.lifted.get(learner, set())
                found = [self.breakdown(t, learner) for t in sorted(teachers)]
                kept = sorted(
                    (b for b in found if kept_in_ranking(b, min_score, new_only, c.across)),
                    key=order_key,
                )
                out[learner] = kept[:top] if top > 0 else kept
        return out

    # -- a link's place in its learner's ranking

    def places(
        self,
        pairs: Sequence[tuple[str, str]],
        new_only: bool = False,
        min_score: float = 0.0,
    ) -> list[int]:
        """Each ``(teacher, learner)``'s place (0 = first) in its learner's ranking, exactly
        as the reference ranks it. Every pair must be in that ranking."""
        import numpy as np

        from peermatch.scoring.places import ranks_of

        c = self.cohort
        out = [0] * len(pairs)
        # (above a pair, every pair scores at least as much: min_score changes no place)
        plain = [i for i, (_, lr) in enumerate(pairs) if lr not in self.touched]
        if plain:
            ts = np.array([c.index[pairs[i][0]] for i in plain], dtype=np.intp)
            ls = np.array([c.index[pairs[i][1]] for i in plain], dtype=np.intp)
            for i, place in zip(plain, ranks_of(c, ts, ls, new_only).tolist(), strict=True):
                out[i] = int(place)
        done = set(plain)
        for i, (teacher, learner) in enumerate(pairs):
            if i not in done:
                out[i] = self._place(teacher, learner, new_only, min_score)
        return out

    def _place(self, teacher: str, learner: str, new_only: bool, min_score: float) -> int:
        import numpy as np

        from peermatch.scoring.places import ranks_of

        c = self.cohort
        mine = order_key(self.breakdown(teacher, learner))
        t, li = c.index[teacher], c.index[learner]
        before = int(ranks_of(c, np.array([t]), np.array([li]), new_only)[0])
        (prefix,) = c.ranked(np.array([li], dtype=np.intp), top=before + 1, new_only=new_only)
        others = self.touched.get(learner, set())
        ahead = 0
        for q in (c.ids[j] for j in prefix.teachers):
            if q == teacher or q in others:
                continue
            other = score_pair(c.data, q, learner, c.weights)
            ahead += (
                kept_in_ranking(other, min_score, new_only, c.across) and order_key(other) < mine
            )
        for q in sorted(others - {teacher}):
            other = self.breakdown(q, learner)
            ahead += (
                kept_in_ranking(other, min_score, new_only, c.across) and order_key(other) < mine
            )
        return ahead

    def ranks_of(self, teacher: IntArray, learner: IntArray, new_only: bool) -> IntArray:
        """:func:`~peermatch.scoring.places.ranks_of` with the
        history: each link's place in its learner's ranking."""
        import numpy as np

        from peermatch.scoring.places import ranks_of

        c = self.cohort
        if self.adjustments is None:
            return ranks_of(c, teacher, learner, new_only)
        pairs = [
            (c.ids[t], c.ids[lr]) for t, lr in zip(teacher.tolist(), learner.tolist(), strict=True)
        ]
        return np.array(self.places(pairs, new_only), dtype=np.int64)

    # -- a teacher's best learners

    def teaching(
        self, system: str, *, top: int, new_only: bool, min_score: float
    ) -> list[tuple[Breakdown, int]]:
        """The learners ``system`` helps most, best first, each with ``system``'s place in
        that learner's ranking (1 = first)."""
        from peermatch.scoring.places import teaching

        c = self.cohort
        if self.adjustments is None:
            return [
                (score_pair(c.data, system, c.ids[learner], c.weights), rank)
                for learner, rank in teaching(
                    c, c.index[system], top=top, new_only=new_only, min_score=min_score
                )
            ]
        me = c.data.system(system)
        topics = c.data.catalogue.topics
        reach = set(me.strengths) | {r for t in me.strengths for r in topics[t].related}
        learners = sorted({p.id for p in c.data.systems if p.id != system and reach & set(p.needs)})
        found = [self.breakdown(system, lr) for lr in learners]
        kept = sorted(
            (b for b in found if kept_in_ranking(b, min_score, new_only, c.across)),
            key=lambda b: (-b.score, not b.two_way, b.learner),
        )
        if top > 0:
            kept = kept[:top]
        places = self.places([(system, b.learner) for b in kept], new_only, min_score)
        return [(b, place + 1) for b, place in zip(kept, places, strict=True)]

    # -- the plan's candidate links

    def candidate_links(
        self, teacher: IntArray, learner: IntArray, score: FloatArray, new_only: bool
    ) -> tuple[BoolArray, FloatArray, list[int]]:
        """The matrix's candidate links with the history: which to keep (not repeats), their
        scores (lifted ones rescored) and each kept link's place in its learner's ranking."""
        import numpy as np

        assert self.adjustments is not None
        ids = self.cohort.ids
        pairs = [
            (ids[t], ids[lr]) for t, lr in zip(teacher.tolist(), learner.tolist(), strict=True)
        ]
        keep = np.array([pr not in self.adjustments.excluded for pr in pairs], dtype=bool)
        pairs = [pr for pr, k in zip(pairs, keep.tolist(), strict=True) if k]
        final = score[keep].copy()
        for i, (t, lr) in enumerate(pairs):
            if (t, lr) in self.adjustments.factors:
                final[i] = self.breakdown(t, lr).score
        return keep, final, self.places(pairs, new_only)

    def touched_pairs(self) -> list[tuple[str, str]]:
        """Every pair the history changes: repeats and lifted pairs."""
        assert self.adjustments is not None
        return [*self.adjustments.excluded, *self.adjustments.factors]

    def lifted_links(self, new_only: bool) -> list[tuple[str, str, float]]:
        """The lifted pairs that can be linked, with their lifted scores (for pricing: the
        matrix prices every other link)."""
        assert self.adjustments is not None
        out = []
        for teacher, learner in sorted(self.adjustments.factors):
            b = self.breakdown(teacher, learner)
            if kept_in_ranking(b, 0.0, new_only, self.cohort.across):
                out.append((teacher, learner, b.score))
        return out
