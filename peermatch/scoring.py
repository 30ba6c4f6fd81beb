"""Who can teach whom, and how well: the score of one teacher -> learner pair.

The definition (the README's "How a match is scored" walks through an example):

* Each of the learner's needs is worth points by its priority (low 1, medium 2, high 3).
* A teacher with a strength on that exact topic earns the points less a small shortfall
  for its level (exemplar 0, established 0.25, emerging 0.5). Because the shortfall is
  subtracted, not multiplied, raising a covered need's priority can only raise the score.
* Otherwise, a strength on a *related* topic earns ``related_factor`` (0.5) of that, marked
  as related; the best related strength counts.
* ``base`` = points earned / points the learner's needs are worth (0..1).
* Context similarity ``sim`` (0..1) averages kind, country, size and tags; it scales the
  score by ``1 - context_weight + context_weight * sim`` (0.9..1 by default).
* Existing partners are multiplied by ``partner_factor`` (1, no penalty, by default).
* ``score = 100 * base * context * partner``: a percentage of the learner's weighted needs.

This module is the reference definition; :mod:`peermatch.fastscore` computes the same
numbers for large cohorts, and the tests hold the two to exact equality.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from peermatch.loading import LEVEL_NAMES, PRIORITY_NAMES, Dataset, Profile
from peermatch.weights import DEFAULT_WEIGHTS, Weights

if TYPE_CHECKING:
    from peermatch.history import Adjustments


@dataclass(frozen=True)
class TopicCredit:
    """How one of the learner's needs is met by the teacher."""

    need: str  # the learner's topic
    priority: int
    points: float  # what the need is worth
    via: str | None  # the teacher's topic that meets it (== need unless related)
    level: int | None
    related: bool
    credit: float  # points earned
    evidence: str | None = None
    source: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Context:
    kind: float
    country: float
    size: float
    tags: float
    similarity: float
    factor: float


@dataclass(frozen=True)
class Breakdown:
    """Everything that went into one pair's score; ``explain`` prints it."""

    teacher: str
    learner: str
    topics: tuple[TopicCredit, ...]
    points: float
    earned: float
    base: float
    context: Context
    partner: bool
    partner_factor: float
    score: float
    two_way: bool
    excluded: bool
    #: with ``--history``: the lift for a teacher whose past links on one of the learner's
    #: needs were rated well (1 = none), and whether the pair repeats a recent link
    history_factor: float = 1.0
    repeat: bool = False

    @property
    def contributing(self) -> tuple[TopicCredit, ...]:
        return tuple(t for t in self.topics if t.credit > 0)


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


# --------------------------------------------------------------------------- one pair


def topic_credits(
    teacher: Profile, learner: Profile, data: Dataset, weights: Weights = DEFAULT_WEIGHTS
) -> list[TopicCredit]:
    """One :class:`TopicCredit` per learner need, in the learner's order."""
    out = []
    related_of = data.catalogue.topics
    for need in learner.needs.values():
        points = weights.priority.of(need.priority)
        strength = teacher.strengths.get(need.topic)
        if strength is not None:
            credit = points - weights.level_shortfall.of(strength.level)
            out.append(
                TopicCredit(
                    need.topic,
                    need.priority,
                    points,
                    need.topic,
                    strength.level,
                    False,
                    credit,
                    strength.evidence,
                    strength.source,
                    need.note,
                )
            )
            continue
        best: TopicCredit | None = None
        for near in related_of[need.topic].related:  # sorted ids: ties go to the first
            st = teacher.strengths.get(near)
            if st is None:
                continue
            credit = weights.related_factor * (points - weights.level_shortfall.of(st.level))
            if best is None or credit > best.credit:
                best = TopicCredit(
                    need.topic,
                    need.priority,
                    points,
                    near,
                    st.level,
                    True,
                    credit,
                    st.evidence,
                    st.source,
                    need.note,
                )
        out.append(
            best
            or TopicCredit(
                need.topic, need.priority, points, None, None, False, 0.0, note=need.note
            )
        )
    return out


def context_of(teacher: Profile, learner: Profile, weights: Weights = DEFAULT_WEIGHTS) -> Context:
    """How alike two systems are (0..1 per part), and the factor that applies to the score."""
    kind = 1.0 if teacher.kind == learner.kind else 0.0
    if teacher.country and learner.country:
        country = 1.0 if teacher.country.casefold() == learner.country.casefold() else 0.0
    else:
        country = 0.5
    if teacher.population and learner.population:
        lo, hi = sorted((teacher.population, learner.population))
        size = lo / hi
    else:
        size = 0.5
    if teacher.tags and learner.tags:
        a, b = set(teacher.tags), set(learner.tags)
        tags = len(a & b) / len(a | b)
    else:
        tags = 0.5
    cw = weights.context
    total = cw.kind + cw.country + cw.size + cw.tags
    sim = (
        (cw.kind * kind + cw.country * country + cw.size * size + cw.tags * tags) / total
        if total > 0
        else 1.0
    )
    factor = (1.0 - weights.context_weight) + weights.context_weight * sim
    return Context(kind, country, size, tags, sim, factor)


def can_teach(teacher: Profile, learner: Profile, data: Dataset) -> bool:
    """Whether ``teacher`` meets any of ``learner``'s needs, directly or through a related topic."""
    topics = data.catalogue.topics
    for need in learner.needs:
        if need in teacher.strengths:
            return True
        if any(r in teacher.strengths for r in topics[need].related):
            return True
    return False


def score_pair(
    data: Dataset,
    teacher: str,
    learner: str,
    weights: Weights = DEFAULT_WEIGHTS,
    history: Adjustments | None = None,
) -> Breakdown:
    """The full breakdown of the pair ``teacher -> learner`` (the reference definition).

    With ``history`` (:func:`peermatch.history.adjustments`), the score is multiplied by the
    pair's history factor and capped at 100, and a pair that repeats a recent link is
    marked ``repeat``.
    """
    t, lr = data.system(teacher), data.system(learner)
    credits = topic_credits(t, lr, data, weights)
    points = sum(c.points for c in credits)
    earned = sum(c.credit for c in credits)
    base = earned / points if points > 0 and teacher != learner else 0.0
    context = context_of(t, lr, weights)
    partner = lr.id in t.partners or t.id in lr.partners
    pf = weights.partner_factor if partner else 1.0
    score = 100.0 * base * context.factor * pf if base > 0 else 0.0
    hf = history.factor(t.id, lr.id) if history is not None else 1.0
    if hf != 1.0 and score > 0:
        score = min(100.0, score * hf)
    return Breakdown(
        teacher=t.id,
        learner=lr.id,
        topics=tuple(credits),
        points=points,
        earned=earned,
        base=base,
        context=context,
        partner=partner,
        partner_factor=pf,
        score=score,
        two_way=base > 0 and can_teach(lr, t, data),
        excluded=lr.id in t.exclude or t.id in lr.exclude,
        history_factor=hf,
        repeat=history is not None and history.is_excluded(t.id, lr.id),
    )


# --------------------------------------------------------------------------- every pair


@dataclass
class Ranking:
    """For each learner, its possible teachers best first (scores > 0, exclusions removed)."""

    by_learner: dict[str, list[Breakdown]] = field(default_factory=dict)


def candidate_teachers(data: Dataset) -> dict[str, set[str]]:
    """For each learner, the systems with a strength on one of its needs or a related topic."""
    teaches: dict[str, set[str]] = {}
    for p in data.systems:
        for topic in p.strengths:
            teaches.setdefault(topic, set()).add(p.id)
    out: dict[str, set[str]] = {}
    topics = data.catalogue.topics
    for p in data.systems:
        found: set[str] = set()
        for need in p.needs:
            found |= teaches.get(need, set())
            for near in topics[need].related:
                found |= teaches.get(near, set())
        found.discard(p.id)
        out[p.id] = found
    return out


def rank_all(
    data: Dataset,
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    new_only: bool = False,
    history: Adjustments | None = None,
) -> Ranking:
    """Score every pair that can score above zero; rank each learner's teachers.

    With ``history``, repeats of recent links are left out and lifted pairs scored up.
    """
    ranking = Ranking()
    candidates = candidate_teachers(data)
    for learner in data.systems:
        rows = []
        for teacher in sorted(candidates[learner.id]):
            b = score_pair(data, teacher, learner.id, weights, history)
            if b.score <= 0 or b.excluded or b.repeat or (new_only and b.partner):
                continue
            rows.append(b)
        rows.sort(key=order_key)
        ranking.by_learner[learner.id] = rows
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
    history: Adjustments | None = None,
) -> list[Match]:
    """Ranked matches: for each learner (by id) its best ``top`` teachers (0 = all).

    With ``system``, the rows where it is the learner (its top teachers) and then the rows
    where it is the teacher (the learners it helps most, best first); ``rank`` is always the
    teacher's place in that learner's list.
    """
    ranking = rank_all(data, weights, new_only=new_only, history=history)
    rows: list[Match] = []
    for learner in sorted(ranking.by_learner):
        kept = [b for b in ranking.by_learner[learner] if b.score >= min_score]
        for rank, b in enumerate(kept, start=1):
            rows.append(to_match(b, rank, data))
    if system is None:
        return [m for m in rows if top == 0 or m.rank <= top]
    as_learner = [m for m in rows if m.learner == system and (top == 0 or m.rank <= top)]
    as_teacher = sorted(
        (m for m in rows if m.teacher == system), key=lambda m: (-m.score, not m.two_way, m.learner)
    )
    return as_learner + (as_teacher if top == 0 else as_teacher[:top])


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


def explain(
    data: Dataset,
    teacher: str,
    learner: str,
    weights: Weights = DEFAULT_WEIGHTS,
    history: Adjustments | None = None,
) -> Breakdown:
    """The full breakdown of one match (same as :func:`score_pair`)."""
    return score_pair(data, teacher, learner, weights, history)
