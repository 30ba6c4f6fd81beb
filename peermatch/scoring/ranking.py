"""Every pair at once: each learner's teachers ranked (:func:`rank_all`), the ``suggest``
rows (:class:`Match`), and a link's place in its learner's list.

Small cohorts loop over :func:`~peermatch.scoring.reference.score_pair`; from
:data:`FAST_FROM` profiles the score matrix (:mod:`peermatch.scoring.matrix`) picks each
learner's teachers and ``score_pair`` explains each one. Both give the same ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from peermatch.core import progress
from peermatch.core.dataset import LEVEL_NAMES, PRIORITY_NAMES, Dataset
from peermatch.core.gc_pause import paused_gc
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.scoring.match import Match
from peermatch.scoring.reference import (
    Breakdown,
    TopicCredit,
    kept_in_ranking,
    order_key,
    score_pair,
)

if TYPE_CHECKING:
    from peermatch.scoring.adjustments import Adjustments
    from peermatch.scoring.memo import Memo


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
#: With ``suggest(system=...)``: only the rows where it learns, or where it teaches.
Role = Literal["learner", "teacher"]


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
    adjustments: Adjustments | None = None,
    across: bool = False,
) -> Ranking:
    """Rank each learner's teachers: scores above 0 (and at least ``min_score``), best first.

    Excluded pairs are left out, existing partners with ``new_only``, and pairs within one
    system family (:meth:`~peermatch.core.dataset.Dataset.same_system`) with ``across``.
    ``top`` keeps each learner's first ``top`` (0 = all); ``learners`` limits the learners
    (default: all, by id).
    ``method`` picks the reference loop or :mod:`peermatch.scoring.matrix`; both give the same
    ranking (the tests hold them to it), and every row is a :func:`score_pair` breakdown.
    With ``adjustments`` (what a history changes:
    :func:`peermatch.scoring.adjustments.adjustments`), repeats of recent links are left out
    and lifted pairs scored up, on both paths.
    """
    with paused_gc():
        return _rank_all(
            data, weights, new_only, top, min_score, learners, method, adjustments, across
        )


def _rank_all(
    data: Dataset,
    weights: Weights,
    new_only: bool,
    top: int,
    min_score: float,
    learners: Sequence[str] | None,
    method: Method,
    adjustments: Adjustments | None = None,
    across: bool = False,
) -> Ranking:
    wanted = [p.id for p in data.systems] if learners is None else sorted(set(learners))
    if uses_fast_path(data, method):
        from peermatch.scoring.matrix import Cohort
        from peermatch.scoring.overlay import HistoryOverlay

        overlay = HistoryOverlay(Cohort(data, weights, across=across), adjustments)
        return Ranking(overlay.ranking(wanted, top=top, new_only=new_only, min_score=min_score))
    ranking = Ranking()
    candidates = candidate_teachers(data)
    with progress.step("scoring", len(wanted)) as advance:
        for learner in wanted:
            rows = []
            for teacher in sorted(candidates[learner]):
                b = score_pair(data, teacher, learner, weights, adjustments)
                if not kept_in_ranking(b, min_score, new_only, across):
                    continue
                rows.append(b)
            rows.sort(key=order_key)
            ranking.by_learner[learner] = rows[:top] if top > 0 else rows
            advance(1)
    return ranking


def suggest(
    data: Dataset,
    *,
    top: int = 3,
    system: str | None = None,
    min_score: float = 0.0,
    new_only: bool = False,
    weights: Weights = DEFAULT_WEIGHTS,
    method: Method = "auto",
    adjustments: Adjustments | None = None,
    topics: Sequence[str] | None = None,
    role: Role | None = None,
    across: bool = False,
    memo: Memo | None = None,
) -> list[Match]:
    """Ranked matches: for each learner (by id) its best ``top`` teachers (0 = all).

    With ``system``, the rows where it is the learner (its top teachers) and then the rows
    where it is the teacher (the learners it helps most, best first); ``rank`` is always the
    teacher's place in that learner's list. ``role`` keeps one of the two.
    With ``topics``, only those needs are considered (:meth:`Dataset.with_needs_only`): a
    score is then the share of the learner's needs on those topics that the teacher covers.
    ``across`` leaves out pairs within one system family, as :func:`rank_all` does.
    With ``memo``, the rows of a large cohort are kept for the next run with the same
    inputs, and taken from there (:mod:`peermatch.scoring.memo`).
    """
    if role is not None and system is None:
        raise ValueError("role needs a system")
    if topics is not None:
        data = data.with_needs_only(topics)
    if system is None and _memoised(memo, data, top, method):
        assert memo is not None
        return list(
            iter_suggest(
                data,
                top=top,
                min_score=min_score,
                new_only=new_only,
                weights=weights,
                method=method,
                adjustments=adjustments,
                across=across,
                memo=memo,
            )
        )
    with paused_gc():
        rows = _suggest(
            data, top, system, min_score, new_only, weights, method, adjustments, across
        )
    if role == "learner":
        return [m for m in rows if m.learner == system]
    if role == "teacher":
        return [m for m in rows if m.teacher == system]
    return rows


def _suggest(
    data: Dataset,
    top: int,
    system: str | None,
    min_score: float,
    new_only: bool,
    weights: Weights,
    method: Method,
    adjustments: Adjustments | None = None,
    across: bool = False,
) -> list[Match]:
    if system is None:
        ranking = rank_all(
            data,
            weights,
            new_only=new_only,
            top=top,
            min_score=min_score,
            method=method,
            adjustments=adjustments,
            across=across,
        )
        return [
            to_match(b, rank, data)
            for learner in sorted(ranking.by_learner)
            for rank, b in enumerate(ranking.by_learner[learner], start=1)
        ]
    if uses_fast_path(data, method):
        return _suggest_for_fast(
            data, system, top, min_score, new_only, weights, adjustments, across
        )
    ranking = rank_all(
        data,
        weights,
        new_only=new_only,
        min_score=min_score,
        method=method,
        adjustments=adjustments,
        across=across,
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


#: Learners ranked at a time when matches are streamed (:func:`iter_suggest`).
STREAM_CHUNK = 64


def iter_suggest(
    data: Dataset,
    *,
    top: int = 3,
    min_score: float = 0.0,
    new_only: bool = False,
    weights: Weights = DEFAULT_WEIGHTS,
    method: Method = "auto",
    adjustments: Adjustments | None = None,
    topics: Sequence[str] | None = None,
    across: bool = False,
    memo: Memo | None = None,
) -> Iterator[Match]:
    """The rows of :func:`suggest` without ``system``, in the same order, made a few
    learners at a time: memory stays bounded however many rows there are (``--top 0``).
    With ``memo``, as :func:`suggest`."""
    if topics is not None:
        data = data.with_needs_only(topics)

    def made() -> Iterator[Match]:
        return _streamed(data, top, min_score, new_only, weights, method, adjustments, across)

    if _memoised(memo, data, top, method):
        assert memo is not None
        options = ("suggest", top, min_score, new_only, across)
        return memo.matches(data, weights, adjustments, options, made)
    return made()


def _memoised(memo: Memo | None, data: Dataset, top: int, method: Method) -> bool:
    """Whether rows are worth keeping: a large cohort (the vectorised path), rows bounded."""
    return memo is not None and top > 0 and uses_fast_path(data, method)


def _streamed(
    data: Dataset,
    top: int,
    min_score: float,
    new_only: bool,
    weights: Weights,
    method: Method,
    adjustments: Adjustments | None,
    across: bool,
) -> Iterator[Match]:
    learners = [p.id for p in data.systems]  # the dataset keeps them by id
    if uses_fast_path(data, method):
        from peermatch.scoring.matrix import Cohort
        from peermatch.scoring.overlay import HistoryOverlay

        overlay = HistoryOverlay(Cohort(data, weights, across=across), adjustments)
    for start in range(0, len(learners), STREAM_CHUNK):
        chunk = learners[start : start + STREAM_CHUNK]
        with paused_gc():
            if uses_fast_path(data, method):
                by_learner = overlay.ranking(chunk, top=top, new_only=new_only, min_score=min_score)
            else:
                by_learner = rank_all(
                    data,
                    weights,
                    new_only=new_only,
                    top=top,
                    min_score=min_score,
                    learners=chunk,
                    method=method,
                    adjustments=adjustments,
                    across=across,
                ).by_learner
            rows = [
                to_match(b, rank, data)
                for learner in sorted(by_learner)
                for rank, b in enumerate(by_learner[learner], start=1)
            ]
        yield from rows


def _suggest_for_fast(
    data: Dataset,
    system: str,
    top: int,
    min_score: float,
    new_only: bool,
    weights: Weights,
    adjustments: Adjustments | None = None,
    across: bool = False,
) -> list[Match]:
    """``suggest --for`` on a large cohort: the same rows, without ranking every learner."""
    from peermatch.scoring.matrix import Cohort
    from peermatch.scoring.overlay import HistoryOverlay

    overlay = HistoryOverlay(Cohort(data, weights, across=across), adjustments)
    mine = overlay.ranking([system], top=top, new_only=new_only, min_score=min_score)[system]
    rows = [to_match(b, rank, data) for rank, b in enumerate(mine, start=1)]
    teaching = overlay.teaching(system, top=top, new_only=new_only, min_score=min_score)
    return rows + [to_match(b, rank, data) for b, rank in teaching]


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
