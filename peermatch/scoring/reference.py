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

This module is the reference definition; :mod:`peermatch.scoring.matrix` computes the same
numbers for large cohorts, and the tests hold the two to exact equality.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from peermatch.core.dataset import Dataset, Profile
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights

if TYPE_CHECKING:
    from peermatch.scoring.adjustments import Adjustments


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
    #: the top-level system both are part of (one may be it), or None: ``--across``
    #: leaves such a pair out, as an exclusion is
    same_system: str | None = None

    @property
    def contributing(self) -> tuple[TopicCredit, ...]:
        return tuple(t for t in self.topics if t.credit > 0)


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


def total(values: Iterable[float]) -> float:
    """Sum from 0, left to right, in the given order.

    Not ``sum()``: from Python 3.12 it compensates rounding, so with weights that are not
    binary fractions its last bit would depend on the Python version. A plain left-to-right
    sum is the same everywhere, and is what :mod:`peermatch.scoring.matrix` reproduces.
    """
    out = 0.0
    for v in values:
        out += v
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
    adjustments: Adjustments | None = None,
) -> Breakdown:
    """The full breakdown of the pair ``teacher -> learner`` (the reference definition).

    With ``adjustments`` (what a history changes:
    :func:`peermatch.scoring.adjustments.adjustments`), the score is multiplied by the
    pair's history factor and capped at 100, and a pair that repeats a recent link is
    marked ``repeat``.
    """
    t, lr = data.system(teacher), data.system(learner)
    credits = topic_credits(t, lr, data, weights)
    points = total(c.points for c in credits)
    earned = total(c.credit for c in credits)
    base = earned / points if points > 0 and teacher != learner else 0.0
    context = context_of(t, lr, weights)
    partner = lr.id in t.partners or t.id in lr.partners
    pf = weights.partner_factor if partner else 1.0
    score = 100.0 * base * context.factor * pf if base > 0 else 0.0
    hf = adjustments.factor(t.id, lr.id) if adjustments is not None else 1.0
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
        repeat=adjustments is not None and adjustments.is_excluded(t.id, lr.id),
        same_system=data.same_system(t.id, lr.id),
    )


def kept_in_ranking(b: Breakdown, min_score: float, new_only: bool, across: bool = False) -> bool:
    """Whether a pair belongs in its learner's ranking (``across``: not within one system)."""
    return not (
        b.score <= 0
        or b.score < min_score
        or b.excluded
        or b.repeat
        or (new_only and b.partner)
        or (across and b.same_system is not None)
    )


def order_key(b: Breakdown) -> tuple[float, bool, str]:
    """Best first: higher score, then two-way before one-way, then teacher id."""
    return (-b.score, not b.two_way, b.teacher)


def explain(
    data: Dataset,
    teacher: str,
    learner: str,
    weights: Weights = DEFAULT_WEIGHTS,
    adjustments: Adjustments | None = None,
) -> Breakdown:
    """The full breakdown of one match (same as :func:`score_pair`)."""
    return score_pair(data, teacher, learner, weights, adjustments)
