"""What a history of past links changes, per (teacher, learner) pair: repeats left out,
proven teachers lifted (the rules are in :mod:`peermatch.files.history`'s docstring).

:func:`adjustments` computes both per pair, so the reference scorer and the score matrix
apply the same few numbers: a factor for the handful of lifted pairs and a set of excluded
pairs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from peermatch.core.dataset import Dataset
from peermatch.core.defaults import DEFAULT_WINDOW
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.files.history import History, Pair, PastLink

# --------------------------------------------------------------------------- effect on scores


@dataclass(frozen=True)
class Record:
    """A teacher's past links on one topic: how many were rated and their mean outcome."""

    topic: str
    rated: int
    mean: float

    @property
    def strength(self) -> float:
        """The record read as 0..1: ``(mean - 3) / 2``, clamped."""
        return min(1.0, max(0.0, (self.mean - 3.0) / 2.0))


@dataclass(frozen=True)
class Adjustments:
    """What a history changes, per (teacher, learner) pair.

    ``factors`` holds only the pairs lifted above 1; ``excluded`` the pairs that would
    repeat a link from within the window (with those links). ``lifts`` says which record
    earned each factor.
    """

    year: int
    window: int
    factors: dict[Pair, float] = field(default_factory=dict)
    excluded: dict[Pair, tuple[PastLink, ...]] = field(default_factory=dict)
    lifts: dict[Pair, Record] = field(default_factory=dict)
    file: str = ""

    def factor(self, teacher: str, learner: str) -> float:
        return self.factors.get((teacher, learner), 1.0)

    def is_excluded(self, teacher: str, learner: str) -> bool:
        return (teacher, learner) in self.excluded


def records(history: History) -> dict[tuple[str, str], Record]:
    """Each (teacher, topic)'s record over its rated past links."""
    outcomes: dict[tuple[str, str], list[int]] = defaultdict(list)
    for link in history.links:
        if link.outcome is not None:
            outcomes[(link.teacher, link.topic)].append(link.outcome)
    return {
        key: Record(key[1], len(values), sum(values) / len(values))
        for key, values in sorted(outcomes.items())
    }


def planning_year(history: History, year: int | None) -> int:
    if year is not None:
        return year
    newest = history.newest_year
    if newest is None:
        from peermatch.core.errors import UsageError

        raise UsageError(f"{history.file}: the history has no links; give the year with --year")
    return newest + 1


def _refuse_future(history: History, planning: int) -> None:
    """A link dated after the planning year is an error, never silently a recent repeat."""
    future = [link for link in history.links if link.year > planning]
    if future:
        from peermatch.core.errors import DataError
        from peermatch.core.findings import Finding

        raise DataError(
            [
                Finding(
                    history.file,
                    link.line,
                    0,
                    "",
                    "invalid-value",
                    f"the link {link.teacher} -> {link.learner} is dated {link.year}, after "
                    f"the planning year {planning}; correct the year, or plan a later year "
                    "with --year",
                )
                for link in future
            ]
        )


def adjustments(
    history: History,
    data: Dataset,
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    year: int | None = None,
    window: int = DEFAULT_WINDOW,
) -> Adjustments:
    """The history's effect: excluded repeat pairs and lifted pairs (module docstring)."""
    planning = planning_year(history, year)
    _refuse_future(history, planning)
    excluded: dict[Pair, list[PastLink]] = defaultdict(list)
    for link in history.links:
        if planning - link.year <= window:
            excluded[(link.teacher, link.learner)].append(link)
    by_teacher: dict[str, list[Record]] = defaultdict(list)
    for (teacher, _), record in records(history).items():
        if record.strength > 0:
            by_teacher[teacher].append(record)
    needed_by = data.needers
    best: dict[Pair, Record] = {}
    if weights.history_lift > 0:
        for teacher, recs in sorted(by_teacher.items()):
            profile = data.by_id.get(teacher)
            if profile is None:
                continue
            for record in recs:
                if record.topic not in profile.strengths:
                    continue  # no longer listed as a strength: nothing to lift
                for learner in needed_by.get(record.topic, ()):
                    pair = (teacher, learner)
                    held = best.get(pair)
                    if learner != teacher and (
                        held is None
                        or (-record.strength, record.topic) < (-held.strength, held.topic)
                    ):
                        best[pair] = record
    factors = {
        pair: 1.0 + weights.history_lift * record.strength for pair, record in sorted(best.items())
    }
    return Adjustments(
        year=planning,
        window=window,
        factors=factors,
        excluded={pair: tuple(links) for pair, links in sorted(excluded.items())},
        lifts=dict(sorted(best.items())),
        file=history.file,
    )


# --------------------------------------------------------------------------- explaining


def explain_data(adj: Adjustments, teacher: str, learner: str) -> dict[str, Any]:
    """The history's part in one pair, for ``explain --format json``."""
    record = adj.lifts.get((teacher, learner))
    return {
        "file": adj.file,
        "year": adj.year,
        "window": adj.window,
        "factor": adj.factor(teacher, learner),
        "record": None
        if record is None
        else {"topic": record.topic, "rated_links": record.rated, "mean_outcome": record.mean},
        "repeats": [
            {"topic": link.topic, "year": link.year, "outcome": link.outcome, "line": link.line}
            for link in adj.excluded.get((teacher, learner), ())
        ],
    }


def explain_lines(adj: Adjustments, teacher: str, learner: str, weights: Weights) -> list[str]:
    """What the history did to one pair, in words, for ``explain``."""
    lines = [f"history: {adj.file}, planning {adj.year}, repeat window {adj.window} year(s)"]
    record = adj.lifts.get((teacher, learner))
    if record is None:
        lines.append(
            f"- no lift: {teacher} has no past link rated 4 or 5 on a topic {learner} needs"
        )
    else:
        lines.append(
            f"- lift x{adj.factor(teacher, learner):g} = 1 + history_lift "
            f"{weights.history_lift:g} x record {record.strength:g}: {teacher}'s "
            f"{record.rated} rated past link(s) on {record.topic} averaged "
            f"{record.mean:.2g} of 5 (record = (mean - 3) / 2, from 0 to 1)"
        )
    for link in adj.excluded.get((teacher, learner), ()):
        rated = f"rated {link.outcome}" if link.outcome is not None else "not rated"
        lines.append(
            f"- repeat: {teacher} already taught {learner} on {link.topic} in {link.year} "
            f"({rated}; {adj.file}:{link.line}), within {adj.window} year(s) of {adj.year}: "
            "suggest and plan leave this pair out"
        )
    return lines
