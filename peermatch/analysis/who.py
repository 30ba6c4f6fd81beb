"""Who can teach a topic, or who needs it, asked in anyone's words (``peermatch who``).

:func:`understand` reads a query (an id, name, alias or free text) as one catalogue topic with
the resolver (:meth:`Catalogue.resolver`); :func:`who` lists the systems that teach it, those
that teach it only through a related topic marked as such, or (``learners=True``) the systems
that need it. With ``system``, each row carries the pair's score from
:func:`peermatch.scoring.reference.score_pair` (context and history included) and the rows
are ranked by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peermatch.core.dataset import LEVEL_NAMES, PRIORITY_NAMES, Dataset
from peermatch.core.errors import PeermatchError
from peermatch.core.findings import quote
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.scoring.reference import score_pair

if TYPE_CHECKING:
    from peermatch.core.catalogue import Catalogue
    from peermatch.core.resolution import Resolution
    from peermatch.scoring.adjustments import Adjustments


@dataclass(frozen=True)
class TopicHit:
    """A topic the query may mean, and the resolver's 0-100 score for it."""

    id: str
    name: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "score": self.score}


@dataclass(frozen=True)
class WhoRow:
    """One system that teaches (or needs) the topic."""

    system: str
    level: str | None  # a teacher's level on the topic (or the related topic it teaches)
    priority: str | None  # a learner's priority
    related: bool  # teaches it only through a related topic
    via: str  # the topic the strength (or need) is on
    score: float | None  # the pair's score with ``system`` named; None otherwise
    evidence: str | None
    source: str | None
    rank_key: tuple[Any, ...]


@dataclass(frozen=True)
class WhoResult:
    query: str
    topic: TopicHit
    how: str  # "exact" or the resolver's method
    alternatives: tuple[TopicHit, ...]
    learners: bool  # the rows are the systems that need the topic
    system: str | None  # the system the rows are ranked for
    rows: tuple[WhoRow, ...]


def understand(catalogue: Catalogue, query: str) -> Resolution:
    """The resolver's reading of ``query``; an exact id, name or alias needs no matrices."""
    from peermatch.core.resolution import Resolution

    exact = catalogue.exact(query)
    if exact is not None:
        return Resolution(query, exact, 100.0, (), "exact")
    return catalogue.resolver().resolve(query)


def nearest_text(catalogue: Catalogue, r: Resolution) -> str:
    """The nearest topics of a reading, for a message: ``frailty (27.3), ageing-well (17.7)``."""
    near = [f"{tid} ({score:.1f})" for tid, score in r.ranked() if score > 0]
    return ", ".join(near) if near else "none; see 'peermatch challenges' for the topics"


def who(
    data: Dataset,
    query: str,
    *,
    system: str | None = None,
    learners: bool = False,
    weights: Weights = DEFAULT_WEIGHTS,
    adjustments: Adjustments | None = None,
) -> WhoResult:
    """The topic ``query`` means and the systems that teach it (or need it, ``learners``).

    Raises :class:`PeermatchError` (exit 1) naming the nearest topics when no topic fits.
    """
    cat = data.catalogue
    r = understand(cat, query)
    if r.topic is None:
        raise PeermatchError(
            f"no topic matches {quote(query)} well enough; nearest: {nearest_text(cat, r)}; "
            "ask with a topic id, or in other words"
        )
    hit = TopicHit(r.topic, cat.topics[r.topic].name, r.score)
    alternatives = tuple(TopicHit(t, cat.topics[t].name, s) for t, s in r.alternatives)
    rows = (
        _learners(data, r.topic, system, weights, adjustments)
        if learners
        else _teachers(data, r.topic, system, weights, adjustments)
    )
    ranked = sorted(rows, key=lambda row: row.rank_key)
    return WhoResult(query, hit, r.how, alternatives, learners, system, tuple(ranked))


def _pair(
    data: Dataset,
    teacher: str | None,
    learner: str | None,
    weights: Weights,
    adjustments: Adjustments | None,
) -> tuple[bool, float | None]:
    """Whether a row stays, and the pair's score when both ends are known: a system is not
    its own teacher, and an excluded pair or a recent repeat (with a history) is left out."""
    if teacher is None or learner is None:
        return True, None
    if teacher == learner:
        return False, None
    b = score_pair(data, teacher, learner, weights, adjustments)
    return not (b.excluded or b.repeat), b.score


def _teachers(
    data: Dataset,
    topic: str,
    learner: str | None,
    weights: Weights,
    adjustments: Adjustments | None,
) -> list[WhoRow]:
    """Each system with a strength on ``topic``, else its best strength on a related topic."""
    found: dict[str, tuple[bool, str]] = dict.fromkeys(data.teachers_of(topic), (False, topic))
    for near in sorted(data.catalogue.topics[topic].related):
        for teacher in data.teachers_of(near):
            best = found.get(teacher)
            level = data.system(teacher).strengths[near].level
            if best is None or (best[0] and level > data.system(teacher).strengths[best[1]].level):
                found[teacher] = (True, near)
    rows = []
    for teacher, (related, via) in found.items():
        kept, score = _pair(data, teacher, learner, weights, adjustments)
        if not kept:
            continue
        s = data.system(teacher).strengths[via]
        key = (-(score or 0.0), related, -s.level, teacher)
        rows.append(
            WhoRow(
                teacher, LEVEL_NAMES[s.level], None, related, via, score, s.evidence, s.source, key
            )
        )
    return rows


def _learners(
    data: Dataset,
    topic: str,
    teacher: str | None,
    weights: Weights,
    adjustments: Adjustments | None,
) -> list[WhoRow]:
    """Each system with ``topic`` among its challenges (scored for ``teacher`` if named)."""
    rows = []
    for learner in data.needers_of(topic):
        kept, score = _pair(data, teacher, learner, weights, adjustments)
        if not kept:
            continue
        n = data.system(learner).needs[topic]
        key = (-(score or 0.0), -n.priority, learner)
        rows.append(
            WhoRow(
                learner,
                None,
                PRIORITY_NAMES[n.priority],
                False,
                topic,
                score,
                n.note,
                n.source,
                key,
            )
        )
    return rows
