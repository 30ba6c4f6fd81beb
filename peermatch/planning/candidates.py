"""Candidate links as arrays, and the history's effect on them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peermatch.core.dataset import Dataset
from peermatch.planning import tuning
from peermatch.scoring.overlay import HistoryOverlay
from peermatch.scoring.ranking import Ranking

if TYPE_CHECKING:
    from peermatch.scoring.adjustments import Adjustments
    from peermatch.scoring.matrix import Cohort
    from peermatch.solver.highs import FloatArray, IntArray


@dataclass(frozen=True)
class Candidates:
    """Candidate links as arrays, in a canonical order: by learner, then its ranking.

    ``rank[l]`` is the link's place (0 = best) in its learner's ``suggest`` order, or -1
    where it is not known: column generation places a link only when its place can change
    the plan (see :func:`_settled`), and keeps its links in the order they joined.
    """

    ids: tuple[str, ...]
    teacher: IntArray
    learner: IntArray
    score: FloatArray
    rank: IntArray

    def __len__(self) -> int:
        return len(self.score)

    @classmethod
    def from_arrays(
        cls,
        ids: Sequence[str],
        teacher: Any,
        learner: Any,
        score: Any,
        two_way: Any = None,
    ) -> Candidates:
        """Canonicalise links given in any order. ``ids`` must be sorted; a pair at most once."""
        import numpy as np

        t = np.asarray(teacher, dtype=np.int64)
        lr = np.asarray(learner, dtype=np.int64)
        s = np.asarray(score, dtype=np.float64)
        tw = np.zeros(len(s), dtype=bool) if two_way is None else np.asarray(two_way, dtype=bool)
        if list(ids) != sorted(ids):
            raise ValueError("ids must be sorted")
        # suggest's order_key: higher score, two-way first, teacher id; grouped by learner
        order = np.lexsort((t, ~tw, -s, lr))
        t, lr, s = t[order], lr[order], s[order]
        if len(np.unique(t * len(ids) + lr)) != len(s):
            raise ValueError("a teacher -> learner pair is listed twice")
        if np.any(t == lr):
            raise ValueError("a system cannot teach itself")
        starts = np.searchsorted(lr, lr, side="left")
        rank = np.arange(len(s), dtype=np.int64) - starts
        return cls(tuple(ids), t, lr, s, rank)

    @classmethod
    def from_links(
        cls, ids: Sequence[str], teacher: Any, learner: Any, score: Any, rank: Any
    ) -> Candidates:
        """Links with their exact places in their learners' rankings, in canonical order."""
        import numpy as np

        t = np.asarray(teacher, dtype=np.int64)
        lr = np.asarray(learner, dtype=np.int64)
        rk = np.asarray(rank, dtype=np.int64)
        order = np.lexsort((rk, lr))
        s = np.asarray(score, dtype=np.float64)[order]
        return cls(tuple(ids), t[order], lr[order], s, rk[order])

    def extend(self, teacher: Any, learner: Any, score: Any, rank: Any) -> Candidates:
        """These links and the new ones (not already here), in canonical order."""
        import numpy as np

        return Candidates.from_links(
            self.ids,
            np.concatenate([self.teacher, teacher]),
            np.concatenate([self.learner, learner]),
            np.concatenate([self.score, score]),
            np.concatenate([self.rank, rank]),
        )

    def keys(self) -> IntArray:
        """``teacher * n + learner`` of each link, sorted (as fastscore's ``skip`` wants)."""
        import numpy as np

        out: IntArray = np.sort(self.teacher * len(self.ids) + self.learner)
        return out

    @classmethod
    def from_ranking(cls, data: Dataset, ranking: Ranking) -> Candidates:
        import numpy as np

        ids = tuple(p.id for p in data.systems)
        index = {sid: i for i, sid in enumerate(ids)}
        t, lr, s, tw = [], [], [], []
        for learner in ids:
            for b in ranking.by_learner.get(learner, ()):
                t.append(index[b.teacher])
                lr.append(index[learner])
                s.append(b.score)
                tw.append(b.two_way)
        return cls.from_arrays(
            ids,
            np.array(t, dtype=np.int64),
            np.array(lr, dtype=np.int64),
            np.array(s, dtype=np.float64),
            np.array(tw, dtype=bool),
        )

    def weight(self) -> FloatArray:
        """The objective: each score plus a tie-breaking nudge for links ranked higher
        (the least nudge, 0, where the place is not known)."""
        import numpy as np

        nudge = np.divide(
            tuning.TIE, 1.0 + self.rank, out=np.zeros(len(self)), where=self.rank >= 0
        )
        out: FloatArray = self.score + nudge
        return out

    def top(self, k: int) -> Candidates:
        """Only each learner's ``k`` best teachers."""
        keep = self.rank < k
        return Candidates(
            self.ids, self.teacher[keep], self.learner[keep], self.score[keep], self.rank[keep]
        )


def with_history(
    cohort: Cohort,
    adjustments: Adjustments,
    teacher: IntArray,
    learner: IntArray,
    score: FloatArray,
    new_only: bool,
) -> Candidates:
    """The fast path's candidate links scored with the history: repeats dropped, lifted
    pairs rescored, and each link's place in its learner's ranking with the history
    (:meth:`~peermatch.scoring.overlay.HistoryOverlay.candidate_links`)."""
    keep, final, places = HistoryOverlay(cohort, adjustments).candidate_links(
        teacher, learner, score, new_only
    )
    ids = tuple(cohort.ids)
    return Candidates.from_links(ids, teacher[keep], learner[keep], final, places)
