"""A whole cohort's programme: every system teaches and learns, at the greatest total score.

``plan`` chooses directed links teacher -> learner among the pairs ``suggest`` scores
above zero (exclusions removed; existing partners too with ``new_only``), so that every
system learns in 1..``capacity.learn`` links and teaches in 1..``capacity.teach`` links,
pinned links are in, and the sum of the links' scores is the greatest possible. The
optimiser (:mod:`peermatch.solver.highs`) is exact; when the lower bounds cannot all hold it
first meets as many as it can, then maximises the total, and :class:`LeftOut` says for
each system left out *why*.

With ``ring_size`` N (2 or 3) the programme is instead made of rings of 2..N systems in
which each teaches the next: pairs that teach each other, or trios A -> B -> C -> A. It
puts as many systems in rings as possible, then maximises the total.

Capacities: a profile's own ``capacity: {teach, learn}`` wins; for profiles without one,
``teach``/``learn`` (the CLI's ``--teach``/``--learn``) apply, and without those
:data:`DEFAULT_TEACH` = 3 and :data:`DEFAULT_LEARN` = 2.

Ties: among plans with the same total, the one using links ranked higher in their
learner's ``suggest`` list wins (a deterministic nudge of at most :data:`TIE` points per
link, which the reported ``bound`` accounts for).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peermatch.core import progress
from peermatch.core.catalogue import closest, did_you_mean
from peermatch.core.dataset import Dataset, Profile
from peermatch.core.defaults import DEFAULT_LEARN, DEFAULT_TEACH, TIME_LIMIT
from peermatch.core.errors import PeermatchError, UsageError
from peermatch.core.gc_pause import paused_gc
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.planning.result import LeftOut, Load, Plan, PlanLink, Ring
from peermatch.scoring.ranking import (
    Method,
    Ranking,
    places_with_history,
    rank_all,
    to_match,
    uses_fast_path,
)
from peermatch.scoring.reference import Breakdown, score_pair

if TYPE_CHECKING:
    from peermatch.scoring.adjustments import Adjustments
    from peermatch.scoring.matrix import Cohort, Links
    from peermatch.solver.highs import (
        BoolArray,
        FloatArray,
        IntArray,
        LPMatching,
        Rings,
        WarmMatching,
    )

#: The largest tie-breaking nudge, in score points, given to one link (its learner's best).
TIE = 1e-5
#: Above this many candidate rings, each learner keeps only its best teachers.
MAX_RINGS = 2_000_000
#: On the vectorised path, the plan starts from each learner's best PRUNE teachers and
#: each teacher's best PRUNE learners (or PRUNE_PER_PLACE per place of the largest
#: capacity, if more); column generation then adds any other link that could improve it,
#: at most PRICE_PER_LEARNER per learner and round.
PRUNE = 6
PRUNE_PER_PLACE = 2
PRICE_PER_LEARNER = 30
#: A left-out link must beat its dual prices by more than this to join (the LP's own
#: tolerance is 1e-7 on reduced costs; the smallest nudge is far above it).
GAIN_TOL = 1e-9
#: Column generation also adds links within this many points of improving the plan
#: (doubling each round), so that it needs few rounds.
MARGIN = 2.0
#: Up to this many profiles, column generation runs until no left-out link could improve
#: the plan: the plan is the exact optimum over every link (a test holds the pruned and the
#: full plan to equal totals). Above it, it stops once the plan is proven within
#: :data:`GAP` of the optimum (the bound, from the LP's dual prices and every left-out
#: link, says how far at most), which keeps a 5,000-profile plan to seconds.
EXACT_UP_TO = 2_000
#: The proven relative gap at which column generation stops above EXACT_UP_TO profiles.
GAP = 1e-3
#: Above EXACT_UP_TO profiles the plan starts from fewer links (at least this many per
#: learner and per teacher, twice the largest capacity): a round costs seconds there.
LARGE_PRUNE = 8


# --------------------------------------------------------------------------- candidates


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

        nudge = np.divide(TIE, 1.0 + self.rank, out=np.zeros(len(self)), where=self.rank >= 0)
        out: FloatArray = self.score + nudge
        return out

    def top(self, k: int) -> Candidates:
        """Only each learner's ``k`` best teachers."""
        keep = self.rank < k
        return Candidates(
            self.ids, self.teacher[keep], self.learner[keep], self.score[keep], self.rank[keep]
        )


def _with_history(
    cohort: Cohort,
    history: Adjustments,
    teacher: IntArray,
    learner: IntArray,
    score: FloatArray,
    new_only: bool,
) -> Candidates:
    """The fast path's candidate links scored with the history: repeats dropped, lifted
    pairs rescored, and each link's place in its learner's ranking with the history."""
    import numpy as np

    ids = tuple(cohort.ids)
    pairs = [(ids[t], ids[lr]) for t, lr in zip(teacher.tolist(), learner.tolist(), strict=True)]
    keep = np.array([pr not in history.excluded for pr in pairs], dtype=bool)
    pairs = [pr for pr, k in zip(pairs, keep.tolist(), strict=True) if k]
    final = score[keep].copy()
    for i, (t, lr) in enumerate(pairs):
        if (t, lr) in history.factors:
            final[i] = score_pair(cohort.data, t, lr, cohort.weights, history).score
    places = places_with_history(cohort, pairs, history, new_only)
    return Candidates.from_links(ids, teacher[keep], learner[keep], final, places)


@dataclass(frozen=True)
class _Touched:
    """The links the history changes, for column generation: repeats are never priced (nor
    planned), and lifted links are priced here with their lifted scores."""

    keys: IntArray  # teacher * n + learner of every repeat and lifted link, sorted
    teacher: IntArray  # the lifted links that can be planned
    learner: IntArray
    score: FloatArray

    @classmethod
    def of(cls, ctx: _Context) -> _Touched:
        import numpy as np

        assert ctx.history is not None and ctx.cohort is not None
        index = {sid: i for i, sid in enumerate(ctx.cand.ids)}
        n = len(index)
        every = [*ctx.history.excluded, *ctx.history.factors]
        keys = np.unique(np.array([index[t] * n + index[lr] for t, lr in every], dtype=np.int64))
        t, lr, sc = [], [], []
        for teacher, learner in sorted(ctx.history.factors):
            b = score_pair(ctx.data, teacher, learner, ctx.weights, ctx.history)
            if b.score > 0 and not b.excluded and not b.repeat and not (ctx.new_only and b.partner):
                t.append(index[teacher])
                lr.append(index[learner])
                sc.append(b.score)
        return cls(
            keys,
            np.array(t, dtype=np.int64),
            np.array(lr, dtype=np.int64),
            np.array(sc, dtype=np.float64),
        )

    def gains(
        self,
        teacher_price: FloatArray,
        learner_price: FloatArray,
        skip: IntArray,
        slack: float = TIE,
    ) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
        """The lifted links not in ``skip`` whose score + ``slack`` exceeds their prices."""
        import numpy as np

        n = len(teacher_price)
        fresh = ~np.isin(self.teacher * n + self.learner, skip)
        t, lr, sc = self.teacher[fresh], self.learner[fresh], self.score[fresh]
        gain = sc + slack - teacher_price[t] - learner_price[lr]
        ok = gain > 0
        return t[ok], lr[ok], sc[ok], gain[ok]


# --------------------------------------------------------------------------- plan


@paused_gc()  # many small objects, no cycles: see peermatch.core.gc_pause
def plan(
    data: Dataset,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    teach: int | None = None,
    learn: int | None = None,
    new_only: bool = False,
    pins: Iterable[tuple[str, str]] = (),
    ring_size: int | None = None,
    time_limit: float = TIME_LIMIT,
    max_rings: int = MAX_RINGS,
    candidates: Candidates | None = None,
    method: Method = "auto",
    history: Adjustments | None = None,
) -> Plan:
    """The cohort programme (see the module docstring).

    ``pins`` are ``(teacher, learner)`` ids forced into the plan. The candidate links are
    every pair ``suggest`` ranks (same ``weights``, same ``new_only``). ``method`` is
    :func:`~peermatch.scoring.ranking.rank_all`'s: from :data:`~peermatch.scoring.ranking.FAST_FROM`
    profiles the vectorised scorer proposes each learner's and each teacher's best links,
    and column generation adds any other link that could improve the plan, so the result
    is the same exact optimum (above :data:`EXACT_UP_TO` profiles: proven within
    :data:`GAP` of it, the bound saying how far at most). ``candidates`` may be given
    instead (no links are added).

    With ``history`` (:func:`peermatch.files.history.adjustments`) the links are scored with it,
    as ``suggest --history`` scores them: a pair linked within the window is never planned
    (a ``--pin`` on one is an error that says so), and well-rated teachers are lifted.
    """
    import numpy as np

    if ring_size is not None and ring_size not in (2, 3):
        raise UsageError(f"--ring-size must be 2 or 3, not {ring_size}")
    for name, value in (("--teach", teach), ("--learn", learn)):
        if value is not None and value < 0:
            raise UsageError(f"{name} must be 0 or more, not {value}")
    if time_limit <= 0:
        raise UsageError("--time-limit must be more than 0 seconds")
    default_teach = DEFAULT_TEACH if teach is None else teach
    default_learn = DEFAULT_LEARN if learn is None else learn
    teach_cap = np.array(
        [p.teach_capacity if p.teach_capacity is not None else default_teach for p in data.systems],
        dtype=np.int64,
    )
    learn_cap = np.array(
        [p.learn_capacity if p.learn_capacity is not None else default_learn for p in data.systems],
        dtype=np.int64,
    )
    cohort = None
    if candidates is None:
        if uses_fast_path(data, method):
            from peermatch.scoring.matrix import Cohort

            cohort = Cohort(data, weights)
            if ring_size is None:
                # fewer to start with above EXACT_UP_TO: each LP round costs seconds there,
                # and pricing adds what is missing; two rounds usually prove GAP
                exact = len(data.systems) <= EXACT_UP_TO
                least, depth = (PRUNE, PRUNE_PER_PLACE) if exact else (LARGE_PRUNE, 2)
                k_learn = max(least, depth * int(learn_cap.max(initial=0)))
                k_teach = max(least, depth * int(teach_cap.max(initial=0)))
            else:
                k_learn = k_teach = 0  # rings use every link; see max_rings
            if history is not None and k_learn:
                # repeats are dropped below: reach past them so no one runs out of links
                k_learn += max(Counter(lr for _, lr in history.excluded).values(), default=0)
                k_teach += max(Counter(t for t, _ in history.excluded).values(), default=0)
            with progress.step("choosing candidate links"):
                links = cohort.links(per_learner=k_learn, per_teacher=k_teach, new_only=new_only)
                assert links.rank is not None
                ranks = links.rank.copy()
                unknown = ranks < 0  # each learner's best are placed; column generation
                if ring_size is not None:  # places the others if it must; rings, here
                    ranks[unknown] = cohort.ranks_of(
                        links.teacher[unknown], links.learner[unknown], new_only
                    )
            ids = tuple(p.id for p in data.systems)
            if history is None:
                candidates = Candidates.from_links(
                    ids, links.teacher, links.learner, links.score, ranks
                )
            else:
                candidates = _with_history(
                    cohort, history, links.teacher, links.learner, links.score, new_only
                )
        else:
            ranking = rank_all(
                data, weights, new_only=new_only, method="reference", history=history
            )
            candidates = Candidates.from_ranking(data, ranking)
    ids = candidates.ids
    n = len(ids)
    ctx = _Context(data, weights, candidates, teach_cap, learn_cap, new_only, n, cohort, history)
    pinned = ctx.pin_links(list(dict.fromkeys(pins)), ring_size)
    settings: dict[str, Any] = {
        "teach": default_teach,
        "learn": default_learn,
        "new_only": new_only,
        "ring_size": ring_size,
        "pins": [f"{t}:{lr}" for t, lr in dict.fromkeys(pins)],
    }
    if history is not None:
        settings["history"] = {"file": history.file, "year": history.year, "window": history.window}
    if ring_size is None:
        result = _plan_links(ctx, pinned, time_limit)
    else:
        result = _plan_rings(ctx, pinned, ring_size, time_limit, max_rings)
    result.settings = settings
    return result


@dataclass
class _Context:
    data: Dataset
    weights: Weights
    cand: Candidates
    teach_cap: IntArray
    learn_cap: IntArray
    new_only: bool
    n: int
    cohort: Cohort | None = None  # the vectorised scorer, when the candidates are pruned
    history: Adjustments | None = None

    # -- pins

    def pin_links(self, pins: list[tuple[str, str]], ring_size: int | None) -> list[int]:
        """The candidate link index of each pin, after checking it can be in a plan."""
        import numpy as np

        ids = self.cand.ids
        index = {sid: i for i, sid in enumerate(ids)}
        pairs: list[tuple[int, int]] = []
        scores: dict[tuple[int, int], float] = {}
        for teacher, learner in pins:
            for sid in (teacher, learner):
                if sid not in index:
                    near = closest(sid, {s: s for s in ids})
                    raise PeermatchError(
                        f"--pin {teacher}:{learner}: unknown system '{sid}'"
                        + (did_you_mean(near) or "; see 'peermatch systems' for the ids")
                    )
            if teacher == learner:
                raise UsageError(f"--pin {teacher}:{learner}: a system cannot teach itself")
            b = score_pair(self.data, teacher, learner, self.weights, self.history)
            if b.excluded or b.score <= 0 or b.repeat or (self.new_only and b.partner):
                raise PeermatchError(f"--pin {teacher}:{learner}: {self._why_no_link(b)}")
            pairs.append((index[teacher], index[learner]))
            scores[pairs[-1]] = b.score
        missing = [pr for pr in pairs if self.find(*pr) is None]
        if missing and self.cohort is not None:  # pruned away: add them
            t = np.array([pr[0] for pr in missing], dtype=np.int64)
            lr = np.array([pr[1] for pr in missing], dtype=np.int64)
            score = np.array([scores[pr] for pr in missing])
            self.cand = self.cand.extend(t, lr, score, self.ranks(t, lr))
        out = []
        for pr in pairs:
            found = self.find(*pr)
            if found is None:  # pragma: no cover - candidates given without this pair
                raise PeermatchError(f"--pin {ids[pr[0]]}:{ids[pr[1]]}: not a candidate link")
            out.append(found)
        pinned = np.array(out, dtype=np.int64)
        for role, ends, cap in (
            ("teaching", self.cand.teacher[pinned], self.teach_cap),
            ("learning", self.cand.learner[pinned], self.learn_cap),
        ):
            counts = np.bincount(ends, minlength=self.n)
            limit = np.minimum(cap, 1) if ring_size else cap
            over = np.flatnonzero(counts > limit)
            if len(over):
                i = int(over[0])
                what = "a ring gives each system one" if ring_size else f"its capacity is {cap[i]}"
                raise PeermatchError(
                    f"--pin gives {ids[i]} {counts[i]} {role} link(s) but {what}; "
                    "drop a --pin or raise the capacity"
                )
        return out

    def ranks(self, teacher: IntArray, learner: IntArray) -> IntArray:
        """Each link's place in its learner's ranking (with the history, if any)."""
        import numpy as np

        assert self.cohort is not None
        if self.history is None:
            return self.cohort.ranks_of(teacher, learner, self.new_only)
        ids = self.cand.ids
        pairs = [
            (ids[t], ids[lr]) for t, lr in zip(teacher.tolist(), learner.tolist(), strict=True)
        ]
        places = places_with_history(self.cohort, pairs, self.history, self.new_only)
        return np.array(places, dtype=np.int64)

    def find(self, teacher: int, learner: int) -> int | None:
        """The index of the candidate link ``teacher -> learner``, if it is one."""
        import numpy as np

        hit = np.flatnonzero((self.cand.teacher == teacher) & (self.cand.learner == learner))
        return int(hit[0]) if len(hit) else None

    def others(self, i: int, learning: bool) -> list[int]:
        """Every system ``i`` could learn from (or teach), over all links, not just candidates."""
        import numpy as np

        if self.cohort is None:
            mine = self.cand.learner == i if learning else self.cand.teacher == i
            ends = self.cand.teacher[mine] if learning else self.cand.learner[mine]
            return sorted(set(ends.tolist()))
        if learning:
            (ranked,) = self.cohort.ranked(np.array([i]), new_only=self.new_only)
            found = sorted(ranked.teachers)
        else:
            found = sorted(lr for lr, _ in self.cohort.teaching(i, new_only=self.new_only))
        if self.history is None:
            return found
        ids = self.cand.ids
        return [
            j
            for j in found
            if not self.history.is_excluded(*((ids[j], ids[i]) if learning else (ids[i], ids[j])))
        ]

    def _why_no_link(self, b: Breakdown) -> str:
        teacher, learner = b.teacher, b.learner
        if b.excluded:
            return "these two must not be paired (one lists the other under 'exclude')"
        if b.score <= 0:
            return (
                f"{teacher} has no strength on any of {learner}'s challenges or a related "
                "topic, so the pair scores 0"
            )
        if b.repeat and self.history is not None:
            years = sorted({link.year for link in self.history.excluded[(teacher, learner)]})
            return (
                f"{teacher} already taught {learner} in {', '.join(map(str, years))} "
                f"({self.history.file}), within --window {self.history.window} of "
                f"{self.history.year}; drop the --pin or narrow --window"
            )
        return "they are existing partners, which --new-only leaves out"

    # -- rows

    def link(self, li: int, pinned: bool, ring: int | None = None) -> PlanLink:
        ids = self.cand.ids
        b = score_pair(
            self.data,
            ids[self.cand.teacher[li]],
            ids[self.cand.learner[li]],
            self.weights,
            self.history,
        )
        m = to_match(b, 1, self.data)
        credits = sorted(
            (c for c in b.topics if c.credit > 0), key=lambda c: (-c.credit, c.related, c.need)
        )
        main = credits[0].need
        others = [t for t in m.topics if t != main] + [
            r for r in m.related_topics if r.split("<-")[0] != main
        ]
        return PlanLink(
            learner=b.learner,
            teacher=b.teacher,
            topic=main,
            score=float(self.cand.score[li]),
            other_topics=tuple(others),
            two_way=b.two_way,
            partner=b.partner,
            pinned=pinned,
            reason=m.reason + ("; pinned" if pinned else ""),
            ring=ring,
        )

    def loads(self, chosen: BoolArray) -> tuple[IntArray, IntArray, list[Load]]:
        import numpy as np

        teaches = np.bincount(self.cand.teacher[chosen], minlength=self.n)
        learns = np.bincount(self.cand.learner[chosen], minlength=self.n)
        rows = [
            Load(
                sid, int(teaches[i]), int(learns[i]), int(self.teach_cap[i]), int(self.learn_cap[i])
            )
            for i, sid in enumerate(self.cand.ids)
        ]
        return teaches, learns, rows

    # -- why a system is left out

    def why(self, i: int, role: str, pinned: Sequence[int]) -> LeftOut:
        """Why system ``i`` cannot have a link as ``role`` (learn or teach)."""
        p = self.data.systems[i]
        sid = p.id
        ids = self.cand.ids
        learning = role == "learn"
        cap = int((self.learn_cap if learning else self.teach_cap)[i])
        own = p.learn_capacity if learning else p.teach_capacity
        if cap == 0:
            where = f"capacity.{role} in its profile" if own is not None else f"--{role} 0"
            return LeftOut(sid, role, "capacity", f"its {role} capacity is 0 ({where})")
        if learning and not p.needs:
            return LeftOut(
                sid, role, "no-challenges", "it lists no challenges, so it learns from no one"
            )
        if not learning and not p.strengths:
            return LeftOut(sid, role, "no-strengths", "it lists no strengths, so it teaches no one")
        others = self.others(i, learning)
        if not others:
            return self._no_candidates(p, role)
        names = [ids[j] for j in others]
        caps = self.teach_cap if learning else self.learn_cap
        verb = "teaches" if learning else "learns"
        listed = ", ".join(f"{ids[j]} ({verb} at most {int(caps[j])})" for j in others[:6])
        more = f" and {len(names) - 6} more" if len(names) > 6 else ""
        pin_note = ""
        if pinned:
            pin_ends = self.cand.teacher if learning else self.cand.learner
            pinned_users = {ids[int(pin_ends[li])] for li in pinned} & set(names)
            if pinned_users:
                pin_note = f"; pinned links take places of {', '.join(sorted(pinned_users))}"
        if learning:
            text = (
                f"capacity conflict: it can learn only from {listed}{more}, and any plan in which "
                f"it learns leaves at least as many others out{pin_note}; raise one's "
                "capacity.teach (or --teach)"
            )
        else:
            text = (
                f"capacity conflict: it can teach only {listed}{more}, and any plan in which "
                f"it teaches leaves at least as many others out{pin_note}; raise one's "
                "capacity.learn (or --learn)"
            )
        return LeftOut(sid, role, "conflict", text)

    def _by_topic(self, what: str) -> dict[str, list[str]]:
        """Topic -> the systems listing it under ``what`` (strengths or needs), cached."""
        cache: dict[str, dict[str, list[str]]] = self.__dict__.setdefault("_topic_index", {})
        if what not in cache:
            index: dict[str, list[str]] = {}
            for q in self.data.systems:
                for t in getattr(q, what):
                    index.setdefault(t, []).append(q.id)
            cache[what] = index
        return cache[what]

    def _no_candidates(self, p: Profile, role: str) -> LeftOut:
        """No candidate link at all in this role: nobody's topics fit, or exclusions."""
        learning = role == "learn"
        topics = self.data.catalogue.topics
        by_topic = self._by_topic("strengths" if learning else "needs")
        mine = p.needs if learning else p.strengths
        found: set[str] = set()
        for t in mine:
            for near in (t, *topics[t].related):
                found.update(by_topic.get(near, ()))
        found.discard(p.id)
        possible = sorted(found)
        if not possible:
            if learning:
                text = (
                    "no one can teach it: none of its challenges ("
                    + ", ".join(p.needs)
                    + ") is anyone's strength, directly or through a related topic"
                )
                return LeftOut(p.id, role, "no-teacher", text)
            text = (
                "nobody needs its strengths: no other system lists "
                + ", ".join(p.strengths)
                + " (or a related topic) as a challenge"
            )
            return LeftOut(p.id, role, "not-needed", text)
        excluded = [o for o in possible if o in p.exclude or p.id in self.data.system(o).exclude]
        repeats = []
        if self.history is not None:
            history = self.history
            repeats = [
                o
                for o in possible
                if o not in excluded
                and history.is_excluded(*((o, p.id) if learning else (p.id, o)))
            ]
        partners = [o for o in possible if o not in excluded and o not in repeats]
        who = "that could teach it" if learning else "it could teach"
        parts = []
        if excluded:
            parts.append(f"{', '.join(excluded)} must not be paired with it (exclude)")
        if repeats and self.history is not None:
            parts.append(
                f"{', '.join(repeats)} already linked with it within --window "
                f"{self.history.window} of {self.history.year} ({self.history.file})"
            )
        if partners:
            are = "are existing partners" if len(partners) > 1 else "is an existing partner"
            parts.append(f"{', '.join(partners)} {are}, which --new-only leaves out")
        return LeftOut(
            p.id,
            role,
            "excluded" if excluded else "repeat" if repeats else "new-only",
            f"the only systems {who} ({', '.join(possible)}) cannot be used: " + "; ".join(parts),
        )


def _plan_links(ctx: _Context, pinned: list[int], time_limit: float) -> Plan:
    import numpy as np

    from peermatch.solver.highs import solve_bmatching

    n = ctx.n
    notes: list[str] = []
    if ctx.cohort is not None:
        pairs = [(int(ctx.cand.teacher[li]), int(ctx.cand.learner[li])) for li in pinned]
        chosen, bound, optimal = _column_generation(ctx, pinned, time_limit, notes)
        # column generation re-sorts the growing candidates: find the pins again
        pinned = [li for li in (ctx.find(t, lr) for t, lr in pairs) if li is not None]
    else:
        cand = ctx.cand
        has_out = np.bincount(cand.teacher, minlength=n) > 0
        has_in = np.bincount(cand.learner, minlength=n) > 0
        pin_mask = np.zeros(len(cand), dtype=bool)
        pin_mask[pinned] = True
        sol = solve_bmatching(
            n,
            cand.teacher,
            cand.learner,
            cand.weight(),
            teach_cap=ctx.teach_cap,
            learn_cap=ctx.learn_cap,
            teach_lower=has_out & (ctx.teach_cap > 0),
            learn_lower=has_in & (ctx.learn_cap > 0),
            pinned=pin_mask,
            time_limit=time_limit,
        )
        chosen, bound, optimal = sol.chosen, sol.bound, sol.optimal
    pin_mask = np.zeros(len(ctx.cand), dtype=bool)
    pin_mask[pinned] = True
    _check(ctx, chosen, pin_mask)
    teaches, learns, loads = ctx.loads(chosen)
    left_out = []
    for i in range(n):
        if learns[i] == 0:
            left_out.append(ctx.why(i, "learn", pinned))
        if teaches[i] == 0:
            left_out.append(ctx.why(i, "teach", pinned))
    links = [ctx.link(int(li), bool(pin_mask[li])) for li in np.flatnonzero(chosen)]
    links.sort(key=lambda k: (k.learner, -k.score, not k.two_way, k.teacher))
    total = math.fsum(k.score for k in links)
    if not optimal and not notes:  # column generation explains its own stop
        notes.append(_not_proven(time_limit))
    return Plan(links, total, _bound(bound, total), optimal, left_out, loads, notes=notes)


def _column_generation(
    ctx: _Context, pinned: list[int], time_limit: float, notes: list[str]
) -> tuple[BoolArray, float, bool]:
    """The b-matching over every link, solving only over the links that matter.

    Solve the LP over a working set of links (:class:`~peermatch.solver.highs.WarmMatching`,
    each solve starting from the last basis); price every other link with its duals
    (:meth:`~peermatch.scoring.matrix.Cohort.price`, and the history's lifted links here); add
    those that could improve it, and the near misses so that few rounds are needed;
    repeat until no link left out could improve it. Then the LP optimum over the working
    set is the optimum over every link and, the matrix being totally unimodular,
    integral. Above :data:`EXACT_UP_TO` profiles it stops once proven within :data:`GAP`.
    Returns the chosen links (over ``ctx.cand``, the final working set, in the order the
    links joined), the bound, and whether it is proven optimal.
    """
    import time

    import numpy as np

    from peermatch.solver.highs import SolverLimit, WarmMatching

    assert ctx.cohort is not None
    n = ctx.n
    if len(ctx.cand) == 0:  # each learner's best are candidates: no candidate, no link at all
        return np.zeros(0, dtype=bool), 0.0, True
    touched = None if ctx.history is None else _Touched.of(ctx)
    per_learner = max(PRICE_PER_LEARNER, PRUNE_PER_PLACE * int(ctx.learn_cap.max(initial=0)))
    # who can teach or learn at all: the first candidates have each one's best links
    teach_lower = (np.bincount(ctx.cand.teacher, minlength=n) > 0) & (ctx.teach_cap > 0)
    learn_lower = (np.bincount(ctx.cand.learner, minlength=n) > 0) & (ctx.learn_cap > 0)
    lp = WarmMatching(
        n,
        teach_cap=ctx.teach_cap,
        learn_cap=ctx.learn_cap,
        teach_lower=teach_lower,
        learn_lower=learn_lower,
        max_weight=100.0 + TIE,  # a score and the largest nudge, for every link to come
        time_limit=time_limit,
    )
    pin_mask = np.zeros(len(ctx.cand), dtype=bool)
    pin_mask[pinned] = True
    lp.add(ctx.cand.teacher, ctx.cand.learner, ctx.cand.weight(), pin_mask)
    score = ctx.cand.score
    rank = ctx.cand.rank.copy()  # -1: placed only if it can matter (see _settled)
    rounds = 0
    margin = MARGIN
    last: tuple[LPMatching, float] | None = None  # a finished round: its plan and excess
    optimal = False
    while True:
        try:
            with progress.step("solving the plan"):
                sol = _settled(ctx, lp, score, rank)
        except SolverLimit:
            if last is None:  # not one round finished: no plan at all
                raise
            sol, excess = last  # the last round's plan, and its bound, still hold
            notes.append(_cut_short(rounds))
            break
        rounds += 1
        with progress.step("pricing the links left out"):
            more, excess = _priced(ctx, lp, sol, touched, per_learner, TIE + margin)
            # what each could gain at most: with the largest nudge (its place is not known)
            gain = (
                more.score + TIE - sol.teacher_price[more.teacher] - sol.learner_price[more.learner]
            )
        if not np.any(gain > GAIN_TOL):
            excess = 0.0
            optimal = True
            break
        if n > EXACT_UP_TO:
            got = float(lp.weight[sol.chosen].sum())
            unmet = _unmet(sol.chosen, ctx, teach_lower, learn_lower)
            proven = sol.bound + excess + lp.big_m * unmet
            if proven - got <= GAP * max(got, 1.0):
                notes.append(
                    f"within {100 * (proven - got) / max(got, 1.0):.2f}% of the best possible "
                    f"plan, proven (the bound); above {EXACT_UP_TO:,} profiles the search "
                    f"stops once within {100 * GAP:g}% rather than finishing"
                )
                break
        if time.monotonic() >= lp.deadline:
            notes.append(_cut_short(rounds))
            break
        last = sol, excess
        # add the improving links and the near misses, unplaced: weighed at their scores
        # (prices move when links join: those within ``margin`` are the likeliest next)
        lp.add(more.teacher, more.learner, more.score, np.zeros(len(more.score), dtype=bool))
        score = np.concatenate([score, more.score])
        rank = np.concatenate([rank, np.full(len(more.score), -1, dtype=np.int64)])
        ctx.cand = Candidates(ctx.cand.ids, lp.teacher, lp.learner, score, rank)
        margin *= 2
    ctx.cand = Candidates(ctx.cand.ids, lp.teacher, lp.learner, score, rank)
    chosen = np.zeros(len(lp), dtype=bool)  # a plan from an earlier round has fewer links
    chosen[: len(sol.chosen)] = sol.chosen
    unmet = _unmet(chosen, ctx, teach_lower, learn_lower)
    bound = sol.bound + excess + lp.big_m * unmet
    return chosen, bound, optimal


def _cut_short(rounds: int) -> str:
    return (
        f"column generation stopped at the time limit after {rounds} round(s); "
        "the bound counts what the links left out could add"
    )


def _settled(ctx: _Context, lp: WarmMatching, score: FloatArray, rank: IntArray) -> LPMatching:
    """Solve ``lp``, placing the links whose place in their learner's ranking can matter.

    A link weighs its score plus a nudge of ``TIE / (1 + place)``. Finding a place costs a
    pass over the learner's ranking, and most links that column generation adds are never
    chosen, so links join unplaced (``rank`` -1), weighed at their score alone: the least
    nudge. After each solve, an unplaced link that is chosen, or whose gain against its
    prices could be positive with the largest nudge, is placed and reweighed, and the
    programme solved again (from its basis). When no unplaced link could gain even with
    the largest nudge, the solution is optimal for the exact weights. ``score`` and
    ``rank`` are per link of ``lp``; ``rank`` is updated in place.
    """
    import numpy as np

    while True:
        sol = lp.solve()
        unplaced = np.flatnonzero(rank < 0)
        t, lr = lp.teacher[unplaced], lp.learner[unplaced]
        gain = score[unplaced] + TIE - sol.teacher_price[t] - sol.learner_price[lr]
        due = unplaced[sol.chosen[unplaced] | (gain > -GAIN_TOL)]
        if len(due) == 0:
            return sol
        rank[due] = ctx.ranks(lp.teacher[due], lp.learner[due])
        lp.reweigh(due, score[due] + TIE / (1.0 + rank[due]))


def _priced(
    ctx: _Context,
    lp: WarmMatching,
    sol: LPMatching,
    touched: _Touched | None,
    per_learner: int,
    slack: float,
) -> tuple[Links, float]:
    """The left-out links whose score + ``slack`` beats their prices (each learner's
    ``per_learner`` best), and what all the left-out links could add to the bound: the sum
    of their positive gains with the largest nudge, TIE."""
    import numpy as np

    assert ctx.cohort is not None
    cohort = ctx.cohort
    keys = np.sort(lp.teacher * ctx.n + lp.learner)
    skip = keys if touched is None else np.union1d(keys, touched.keys)
    pricing = cohort.price(
        sol.teacher_price,
        sol.learner_price,
        per_learner=per_learner,
        slack=slack,
        excess_slack=TIE,
        new_only=ctx.new_only,
        skip=skip,
    )
    more, excess = pricing.links, pricing.excess
    if touched is not None:  # lifted links are priced here, with their lifted scores
        lt, llr, lsc, _ = touched.gains(sol.teacher_price, sol.learner_price, keys, slack)
        if len(lt):
            from peermatch.scoring.matrix import Links

            more = Links(
                np.concatenate([more.teacher, lt]),
                np.concatenate([more.learner, llr]),
                np.concatenate([more.score, lsc]),
                np.concatenate([more.two_way, cohort.two_way(lt, llr)]),
            )
            own = lsc + TIE - sol.teacher_price[lt] - sol.learner_price[llr]
            excess += math.fsum(own[own > 0].tolist())
    return more, excess


def _unmet(chosen: BoolArray, ctx: _Context, teach_lower: BoolArray, learn_lower: BoolArray) -> int:
    """Lower bounds unmet: systems that can teach (learn) but do not in ``chosen``."""
    import numpy as np

    teaches = np.bincount(ctx.cand.teacher[chosen], minlength=ctx.n)
    learns = np.bincount(ctx.cand.learner[chosen], minlength=ctx.n)
    return int((teach_lower & (teaches == 0)).sum() + (learn_lower & (learns == 0)).sum())


def _check(ctx: _Context, chosen: BoolArray, pin_mask: BoolArray) -> None:
    """The solver's answer, checked in integers: capacities and pins."""
    import numpy as np

    teaches = np.bincount(ctx.cand.teacher[chosen], minlength=ctx.n)
    learns = np.bincount(ctx.cand.learner[chosen], minlength=ctx.n)
    if (
        np.any(teaches > ctx.teach_cap)
        or np.any(learns > ctx.learn_cap)
        or np.any(pin_mask & ~chosen)
    ):  # pragma: no cover - would be a solver bug
        raise PeermatchError(
            "the solver returned a plan that breaks a constraint; please report this"
        )


def _bound(bound: float, total: float) -> float:
    """The solver's bound, rounded up to 6 decimals and never below the plan's total."""
    if not math.isfinite(bound):
        return math.inf
    return math.ceil(max(bound, total) * 1e6) / 1e6


def _not_proven(time_limit: float) -> str:
    return (
        f"the solver reached its time limit of {time_limit:g} s: this is the best plan found, "
        "not proven optimal (the bound says how much better one could be); raise --time-limit"
    )


# --------------------------------------------------------------------------- rings


def _plan_rings(
    ctx: _Context, pinned: list[int], ring_size: int, time_limit: float, max_rings: int
) -> Plan:
    import numpy as np

    from peermatch.solver.highs import enumerate_rings, solve_rings

    full = ctx.cand
    able = (ctx.teach_cap > 0) & (ctx.learn_cap > 0)
    ok = able[full.teacher] & able[full.learner]
    cand = Candidates(full.ids, full.teacher[ok], full.learner[ok], full.score[ok], full.rank[ok])
    notes: list[str] = []
    pruned = False
    k = int(cand.rank.max()) + 1 if len(cand) else 0
    rings = enumerate_rings(ctx.n, cand.teacher, cand.learner, ring_size, limit=max_rings)
    while rings is None:
        if k <= 1:
            raise PeermatchError(
                f"more than {max_rings} possible rings even with one teacher per learner; "
                "plan a smaller cohort"
            )
        k = max(1, k // 2)
        pruned = True
        sub = cand.top(k)
        rings = enumerate_rings(ctx.n, sub.teacher, sub.learner, ring_size, limit=max_rings)
        if rings is not None:
            cand = sub
    if pruned:
        notes.append(
            f"more than {max_rings} possible rings: each learner kept only its best {k} "
            "teachers; the rings are the best among those, not proven best overall"
        )
    # cand (possibly pruned) index -> full candidate index
    full_index = {
        (int(t), int(lr)): i
        for i, (t, lr) in enumerate(zip(full.teacher, full.learner, strict=True))
    }
    to_full = np.array(
        [full_index[(int(t), int(lr))] for t, lr in zip(cand.teacher, cand.learner, strict=True)],
        dtype=np.int64,
    )
    from_full = {int(f): j for j, f in enumerate(to_full)}
    on_ring = np.zeros(len(cand), dtype=bool)
    on_ring[rings.links[rings.links >= 0]] = True
    pin_idx = []
    for li in pinned:
        j = from_full.get(li)
        if j is None or not on_ring[j]:
            t, lr = full.ids[int(full.teacher[li])], full.ids[int(full.learner[li])]
            raise PeermatchError(
                f"--pin {t}:{lr}: no ring of up to {ring_size} systems contains this link "
                f"({lr} cannot teach {t} back"
                + (", directly or through a third system)" if ring_size == 3 else ")")
            )
        pin_idx.append(j)
    sol = solve_rings(
        ctx.n,
        rings,
        cand.weight(),
        pinned=np.array(pin_idx, dtype=np.int64),
        time_limit=time_limit,
    )
    chosen_rings = np.flatnonzero(sol.chosen)
    pin_set = set(pinned)
    # rings in order of their member ids (smallest id first within each)
    built: list[tuple[tuple[str, ...], list[int]]] = []
    for r in chosen_rings:
        size = int(rings.size[r])
        members = tuple(cand.ids[int(s)] for s in rings.members[r, :size])
        built.append((members, [int(to_full[x]) for x in rings.links[r, :size]]))
    built.sort()
    links: list[PlanLink] = []
    ring_rows: list[Ring] = []
    chosen_links = np.zeros(len(full), dtype=bool)
    for number, (members, link_ids) in enumerate(built, start=1):
        ring_links = [ctx.link(li, li in pin_set, number) for li in link_ids]
        links.extend(ring_links)
        ring_rows.append(Ring(number, members, math.fsum(k.score for k in ring_links)))
        chosen_links[link_ids] = True
    in_ring = np.zeros(ctx.n, dtype=bool)
    in_ring[full.teacher[chosen_links]] = True
    _, _, loads = ctx.loads(chosen_links)
    left_out = [
        _why_no_ring(ctx, cand, rings, i, ring_size) for i in range(ctx.n) if not in_ring[i]
    ]
    total = math.fsum(k.score for k in links)
    if not sol.optimal:
        notes.append(_not_proven(time_limit))
    bound = None if pruned else _bound(sol.bound, total)
    return Plan(
        links, total, bound, sol.optimal and not pruned, left_out, loads, ring_rows, notes=notes
    )


def _why_no_ring(ctx: _Context, cand: Candidates, rings: Rings, i: int, size: int) -> LeftOut:
    import numpy as np

    p = ctx.data.systems[i]
    for role in ("learn", "teach"):
        cap = (ctx.learn_cap if role == "learn" else ctx.teach_cap)[i]
        has = np.any((cand.learner if role == "learn" else cand.teacher) == i)
        full_has = np.any((ctx.cand.learner if role == "learn" else ctx.cand.teacher) == i)
        if cap == 0 or not full_has:
            base = ctx.why(i, role, ())
            return LeftOut(p.id, "ring", base.code, base.reason)
        if not has:  # only partners whose capacity is 0
            return LeftOut(
                p.id,
                "ring",
                "capacity",
                f"every system it could {'learn from' if role == 'learn' else 'teach'} "
                "has a capacity of 0",
            )
    mine = np.any(rings.members == i, axis=1)
    if not mine.any():
        back = "back" + (", directly or through a third system" if size == 3 else "")
        targets = sorted({cand.ids[int(j)] for j in cand.learner[cand.teacher == i]})
        shown = ", ".join(targets[:6]) + (
            f" and {len(targets) - 6} more" if len(targets) > 6 else ""
        )
        return LeftOut(
            p.id,
            "ring",
            "no-ring",
            f"no ring is possible: none of the systems it can teach ({shown}) can teach it {back}",
        )
    mates = sorted({cand.ids[int(s)] for s in rings.members[mine].ravel() if s >= 0 and s != i})
    shown = ", ".join(mates[:6]) + (f" and {len(mates) - 6} more" if len(mates) > 6 else "")
    return LeftOut(
        p.id,
        "ring",
        "conflict",
        f"ring conflict: every ring it could join (with {shown}) shares a system with the "
        "rings chosen, and no other choice puts more systems in rings (or as many with a "
        "higher total)",
    )
