"""Every pair at once: each learner's teachers ranked (:func:`rank_all`), the ``suggest``
rows (:class:`Match`), and a link's place in its learner's list.

Small cohorts loop over :func:`~peermatch.scoring.reference.score_pair`; from
:data:`FAST_FROM` profiles the score matrix (:mod:`peermatch.scoring.matrix`) picks each
learner's teachers and ``score_pair`` explains each one. Both give the same ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from peermatch.core import progress
from peermatch.core.dataset import LEVEL_NAMES, PRIORITY_NAMES, Dataset
from peermatch.core.gc_pause import paused_gc
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.scoring.reference import Breakdown, TopicCredit, score_pair

if TYPE_CHECKING:
    from peermatch.scoring.adjustments import Adjustments
    from peermatch.scoring.matrix import Cohort


@dataclass(frozen=True)
class Match:
    """One row of ``suggest``: the teacher ranked ``rank`` for this learner."""

    rank: int
    learner: str
    teacher: str
    score: float
    topics: tuple[str, ...]  # needs met on the exact topic
    two_way: bool
    related_topics: tuple[str, ...] = ()  # needs met through a related topic
    partner: bool = False
    reason: str = ""

    def as_row(self) -> dict[str, object]:
        return {
            "rank": self.rank,
            "learner": self.learner,
            "teacher": self.teacher,
            "score": self.score,
            "topics": list(self.topics),
            "two_way": self.two_way,
            "related_topics": list(self.related_topics),
            "partner": self.partner,
            "reason": self.reason,
        }


MATCH_COLUMNS = (
    "rank",
    "learner",
    "teacher",
    "score",
    "topics",
    "two_way",
    "related_topics",
    "partner",
    "reason",
)


# --------------------------------------------------------------------------- every pair


@dataclass
class Ranking:
    """For each learner, its possible teachers best first (scores > 0, exclusions removed)."""

    by_learner: dict[str, list[Breakdown]] = field(default_factory=dict)


def candidate_teachers(data: Dataset) -> dict[str, set[str]]:
    """For each learner, the systems with a strength on one of its needs or a related topic."""
    teaches = data.teachers
    out: dict[str, set[str]] = {}
    topics = data.catalogue.topics
    for p in data.systems:
        found: set[str] = set()
        for need in p.needs:
            found.update(teaches.get(need, ()))
            for near in topics[need].related:
                found.update(teaches.get(near, ()))
        found.discard(p.id)
        out[p.id] = found
    return out


#: From this many profiles on, :func:`rank_all` and :func:`suggest` score with
#: :mod:`peermatch.scoring.matrix` (numpy and scipy, vectorised). Below it the loop over pairs is
#: quicker than importing numpy and scipy (about 0.3 s), which keeps a small cohort instant.
FAST_FROM = 200

Method = Literal["auto", "reference", "fast"]


def uses_fast_path(data: Dataset, method: Method = "auto") -> bool:
    """Whether ``method`` means the vectorised path for this cohort."""
    if method == "auto":
        return len(data.systems) >= FAST_FROM
    return method == "fast"


def rank_all(
    data: Dataset,
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    new_only: bool = False,
    top: int = 0,
    min_score: float = 0.0,
    learners: Sequence[str] | None = None,
    method: Method = "auto",
    history: Adjustments | None = None,
) -> Ranking:
    """Rank each learner's teachers: scores above 0 (and at least ``min_score``), best first.

    Excluded pairs are left out, and existing partners with ``new_only``. ``top`` keeps each
    learner's first ``top`` (0 = all); ``learners`` limits the learners (default: all, by id).
    ``method`` picks the reference loop or :mod:`peermatch.scoring.matrix`; both give the same
    ranking (the tests hold them to it), and every row is a :func:`score_pair` breakdown.
    With ``history`` (:func:`peermatch.files.history.adjustments`), repeats of recent links are
    left out and lifted pairs scored up, on both paths.
    """
    with paused_gc():
        return _rank_all(data, weights, new_only, top, min_score, learners, method, history)


def _rank_all(
    data: Dataset,
    weights: Weights,
    new_only: bool,
    top: int,
    min_score: float,
    learners: Sequence[str] | None,
    method: Method,
    history: Adjustments | None = None,
) -> Ranking:
    wanted = [p.id for p in data.systems] if learners is None else sorted(set(learners))
    if uses_fast_path(data, method):
        from peermatch.scoring.matrix import Cohort

        cohort = Cohort(data, weights)
        return _ranking_fast(cohort, wanted, top, new_only, min_score, history)
    ranking = Ranking()
    candidates = candidate_teachers(data)
    with progress.step("scoring", len(wanted)) as advance:
        for learner in wanted:
            rows = []
            for teacher in sorted(candidates[learner]):
                b = score_pair(data, teacher, learner, weights, history)
                if not _kept(b, min_score, new_only):
                    continue
                rows.append(b)
            rows.sort(key=order_key)
            ranking.by_learner[learner] = rows[:top] if top > 0 else rows
            advance(1)
    return ranking


def _kept(b: Breakdown, min_score: float, new_only: bool) -> bool:
    """Whether a pair belongs in its learner's ranking."""
    return not (
        b.score <= 0 or b.score < min_score or b.excluded or b.repeat or (new_only and b.partner)
    )


def _ranking_fast(
    cohort: Cohort,
    learners: Sequence[str],
    top: int,
    new_only: bool,
    min_score: float,
    history: Adjustments | None = None,
) -> Ranking:
    """The fast path picks each learner's teachers; :func:`score_pair` explains each one.

    With ``history`` the fast path ranks without it, a little deeper, and the few pairs the
    history touches are then scored exactly: a lift only raises a pair and a repeat only
    removes one, so a pair the history leaves alone that is in a learner's adjusted top
    ``k`` is in its plain top ``k`` + (that learner's repeats); the lifted pairs are added
    explicitly. The result is the reference ranking with the history, exactly.
    """
    import numpy as np

    data, weights, ids = cohort.data, cohort.weights, cohort.ids
    rows = np.array([cohort.index[sid] for sid in learners], dtype=np.intp)
    ranking = Ranking()
    lifted: dict[str, set[str]] = {}
    deeper = top
    if history is not None:
        repeats: dict[str, int] = {}
        for _, learner in history.excluded:
            repeats[learner] = repeats.get(learner, 0) + 1
        for teacher, learner in history.factors:
            lifted.setdefault(learner, set()).add(teacher)
        if top > 0:
            deeper = top + max((repeats.get(sid, 0) for sid in learners), default=0)
    with progress.step("scoring", len(rows)) as advance:
        for ranked in cohort.ranked(
            rows, top=deeper, new_only=new_only, min_score=min_score, progress=advance
        ):
            learner = ids[ranked.learner]
            if history is None:
                ranking.by_learner[learner] = [
                    score_pair(data, ids[t], learner, weights) for t in ranked.teachers
                ]
                continue
            teachers = {ids[t] for t in ranked.teachers} | lifted.get(learner, set())
            found = [score_pair(data, t, learner, weights, history) for t in sorted(teachers)]
            kept = sorted((b for b in found if _kept(b, min_score, new_only)), key=order_key)
            ranking.by_learner[learner] = kept[:top] if top > 0 else kept
    return ranking


def order_key(b: Breakdown) -> tuple[float, bool, str]:
    """Best first: higher score, then two-way before one-way, then teacher id."""
    return (-b.score, not b.two_way, b.teacher)


def suggest(
    data: Dataset,
    *,
    top: int = 3,
    system: str | None = None,
    min_score: float = 0.0,
    new_only: bool = False,
    weights: Weights = DEFAULT_WEIGHTS,
    method: Method = "auto",
    history: Adjustments | None = None,
) -> list[Match]:
    """Ranked matches: for each learner (by id) its best ``top`` teachers (0 = all).

    With ``system``, the rows where it is the learner (its top teachers) and then the rows
    where it is the teacher (the learners it helps most, best first); ``rank`` is always the
    teacher's place in that learner's list.
    """
    with paused_gc():
        return _suggest(data, top, system, min_score, new_only, weights, method, history)


def _suggest(
    data: Dataset,
    top: int,
    system: str | None,
    min_score: float,
    new_only: bool,
    weights: Weights,
    method: Method,
    history: Adjustments | None = None,
) -> list[Match]:
    if system is None:
        ranking = rank_all(
            data,
            weights,
            new_only=new_only,
            top=top,
            min_score=min_score,
            method=method,
            history=history,
        )
        return [
            to_match(b, rank, data)
            for learner in sorted(ranking.by_learner)
            for rank, b in enumerate(ranking.by_learner[learner], start=1)
        ]
    if uses_fast_path(data, method):
        return _suggest_for_fast(data, system, top, min_score, new_only, weights, history)
    ranking = rank_all(
        data, weights, new_only=new_only, min_score=min_score, method=method, history=history
    )
    rows: list[Match] = []
    for learner in sorted(ranking.by_learner):
        for rank, b in enumerate(ranking.by_learner[learner], start=1):
            if learner == system or b.teacher == system:
                rows.append(to_match(b, rank, data))
    as_learner = [m for m in rows if m.learner == system and (top == 0 or m.rank <= top)]
    as_teacher = sorted(
        (m for m in rows if m.teacher == system), key=lambda m: (-m.score, not m.two_way, m.learner)
    )
    return as_learner + (as_teacher if top == 0 else as_teacher[:top])


def _suggest_for_fast(
    data: Dataset,
    system: str,
    top: int,
    min_score: float,
    new_only: bool,
    weights: Weights,
    history: Adjustments | None = None,
) -> list[Match]:
    """``suggest --for`` on a large cohort: the same rows, without ranking every learner."""
    from peermatch.scoring.matrix import Cohort

    cohort = Cohort(data, weights)
    mine = _ranking_fast(cohort, [system], top, new_only, min_score, history).by_learner[system]
    rows = [to_match(b, rank, data) for rank, b in enumerate(mine, start=1)]
    if history is not None:
        return rows + _teaching_with_history(cohort, system, top, min_score, new_only, history)
    for learner, rank in cohort.teaching(
        cohort.index[system], top=top, new_only=new_only, min_score=min_score
    ):
        b = score_pair(data, system, cohort.ids[learner], weights)
        rows.append(to_match(b, rank, data))
    return rows


def _teaching_with_history(
    cohort: Cohort,
    system: str,
    top: int,
    min_score: float,
    new_only: bool,
    history: Adjustments,
) -> list[Match]:
    """The learners ``system`` helps most, with the history, and its place in each ranking.

    Each place is exact: every pair the history leaves alone that ranks above ``system``
    with the history also ranks above it without (a lift only raises ``system``), so it is
    in the fast path's plain prefix up to ``system``; the pairs the history touches are
    scored one by one.
    """

    data, weights = cohort.data, cohort.weights
    me = data.system(system)
    topics = data.catalogue.topics
    reach = set(me.strengths) | {r for t in me.strengths for r in topics[t].related}
    learners = sorted({p.id for p in data.systems if p.id != system and reach & set(p.needs)})
    found = [score_pair(data, system, lr, weights, history) for lr in learners]
    kept = sorted(
        (b for b in found if _kept(b, min_score, new_only)),
        key=lambda b: (-b.score, not b.two_way, b.learner),
    )
    if top > 0:
        kept = kept[:top]
    places = places_with_history(
        cohort, [(system, b.learner) for b in kept], history, new_only, min_score
    )
    return [to_match(b, place + 1, data) for b, place in zip(kept, places, strict=True)]


def places_with_history(
    cohort: Cohort,
    pairs: Sequence[tuple[str, str]],
    history: Adjustments,
    new_only: bool = False,
    min_score: float = 0.0,
) -> list[int]:
    """Each ``(teacher, learner)``'s place (0 = first) in its learner's ranking with the
    history, exactly as the reference ranks it. Every pair must be in that ranking.

    A learner the history does not touch ranks as without it (the fast path's
    :meth:`~peermatch.scoring.matrix.Cohort.ranks_of`). Otherwise: every pair the history leaves
    alone that ranks above the teacher with the history also does without it (a lift only
    raises the teacher), so it is in the plain prefix up to the teacher; the pairs the
    history touches are scored one by one.
    """
    import numpy as np

    data, weights = cohort.data, cohort.weights
    touched: dict[str, set[str]] = {}
    for teacher, learner in (*history.excluded, *history.factors):
        touched.setdefault(learner, set()).add(teacher)
    out = [0] * len(pairs)
    # (above a pair, every pair scores at least as much: min_score changes no place)
    plain = [i for i, (_, lr) in enumerate(pairs) if lr not in touched]
    if plain:
        ts = np.array([cohort.index[pairs[i][0]] for i in plain], dtype=np.intp)
        ls = np.array([cohort.index[pairs[i][1]] for i in plain], dtype=np.intp)
        for i, place in zip(plain, cohort.ranks_of(ts, ls, new_only).tolist(), strict=True):
            out[i] = int(place)
    done = set(plain)
    for i, (teacher, learner) in enumerate(pairs):
        if i in done:
            continue
        b = score_pair(data, teacher, learner, weights, history)
        t, li = cohort.index[teacher], cohort.index[learner]
        before = int(cohort.ranks_of(np.array([t]), np.array([li]), new_only)[0])
        (prefix,) = cohort.ranked(np.array([li], dtype=np.intp), top=before + 1, new_only=new_only)
        mine = order_key(b)
        ahead = 0
        others = touched.get(learner, set())
        for q in (cohort.ids[j] for j in prefix.teachers):
            if q == teacher or q in others:
                continue
            other = score_pair(data, q, learner, weights)
            ahead += _kept(other, min_score, new_only) and order_key(other) < mine
        for q in sorted(others - {teacher}):
            other = score_pair(data, q, learner, weights, history)
            ahead += _kept(other, min_score, new_only) and order_key(other) < mine
        out[i] = ahead
    return out


def to_match(b: Breakdown, rank: int, data: Dataset) -> Match:
    direct = [c for c in b.topics if c.credit > 0 and not c.related]
    related = sorted(
        (c for c in b.topics if c.credit > 0 and c.related), key=lambda c: (-c.credit, c.need)
    )
    order = sorted(direct, key=lambda c: (-c.credit, c.need))
    return Match(
        rank=rank,
        learner=b.learner,
        teacher=b.teacher,
        score=b.score,
        topics=tuple(c.need for c in order),
        two_way=b.two_way,
        related_topics=tuple(f"{c.need}<-{c.via}" for c in sorted(related, key=lambda c: c.need)),
        partner=b.partner,
        reason=reason(b, order, related),
    )


def reason(b: Breakdown, direct: Sequence[TopicCredit], related: Iterable[TopicCredit]) -> str:
    """A short human reason: the strongest topics, coverage, and the flags."""
    parts = []
    for c in direct[:2]:
        assert c.level is not None
        parts.append(f"{LEVEL_NAMES[c.level]} on {c.need} ({PRIORITY_NAMES[c.priority]} need)")
    related = list(related)
    if related and len(parts) < 2:
        c = related[0]
        parts.append(f"related: {c.via} for {c.need}")
    met = sum(1 for c in b.topics if c.credit > 0)
    parts.append(f"meets {met} of {len(b.topics)} needs")
    if b.two_way:
        parts.append("two-way")
    if b.partner:
        parts.append("existing partner")
    if b.history_factor > 1:
        parts.append("past links rated well")
    return "; ".join(parts)
