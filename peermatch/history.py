"""Follow-up: what came of past links, so next year's matches avoid repeats and lift the
teachers whose links worked.

``history.yaml`` lists the links a programme made, with the year and, once known, how
well each went::

    links:
      - teacher: nenc                   # system ids, as in systems.yaml
        learner: gloucestershire
        topic: ambulance-handover       # catalogue id or alias
        year: 2024
        outcome: 4                      # 1 (did not help) .. 5 (transformed practice); optional
        note: Two site visits and a joint handover audit.   # optional

What it changes (``--history FILE`` on ``suggest``, ``explain`` and ``plan``):

* **Repeats are left out.** The year being planned is ``--year``, or the newest year in the
  file plus one. A teacher -> learner pair linked in a year ``y`` with
  ``planning year - y <= window`` (``--window``, default 2) is not suggested or planned
  again; the reverse direction is a different link and stays. ``explain`` says why.
* **Proven teachers are lifted.** A teacher's *record* on a topic is the mean outcome of its
  rated past links on it (any learner, any year), read as ``(mean - 3) / 2`` clamped to
  0..1: 3 or below earns nothing, 4 half, 5 all. A pair's *history factor* is
  ``1 + history_lift x`` the best record among the learner's needs that the teacher has a
  strength on (``history_lift`` is in :mod:`peermatch.weights`, 0.125 by default). Poor
  outcomes are not penalised: they simply earn no lift.

:func:`adjustments` computes both per pair, so the reference scorer and a vectorised path
apply the same few numbers: a factor for the handful of lifted pairs and a set of
excluded pairs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from peermatch.catalogue import closest, did_you_mean, normalise
from peermatch.errors import DataError
from peermatch.findings import Finding, format_path
from peermatch.loading import Dataset, locate
from peermatch.weights import DEFAULT_WEIGHTS, Weights

DEFAULT_WINDOW = 2
MIN_YEAR, MAX_YEAR = 1900, 2200

Pair = tuple[str, str]  # (teacher, learner)

_Ref = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=200)]
_Text = Annotated[str, StringConstraints(strict=True, min_length=1)]


class _LinkModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    teacher: _Ref
    learner: _Ref
    topic: _Ref
    year: Annotated[int, Field(strict=True, ge=MIN_YEAR, le=MAX_YEAR)]
    outcome: Annotated[int, Field(strict=True, ge=1, le=5)] | None = None
    note: _Text | None = None


class _HistoryModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    links: list[_LinkModel]


@dataclass(frozen=True)
class PastLink:
    """One link a past programme made, with references resolved to ids."""

    teacher: str
    learner: str
    topic: str
    year: int
    outcome: int | None
    note: str | None
    line: int


@dataclass
class History:
    links: list[PastLink]
    file: str = ""

    @property
    def newest_year(self) -> int | None:
        return max((link.year for link in self.links), default=None)


# --------------------------------------------------------------------------- reading


def load_history(path: str | Path, data: Dataset) -> History:
    """Read and check ``history.yaml`` against the loaded data; raise listing every error."""
    history, findings = _read(path, data)
    if findings or history is None:
        raise DataError(findings)
    return history


def validate_history(path: str | Path, data: Dataset) -> list[Finding]:
    """Every problem in a history file, in file order (empty when it is valid)."""
    return _read(path, data)[1]


_HINTS = {
    "year": f"must be a year from {MIN_YEAR} to {MAX_YEAR}, e.g. 2024",
    "outcome": "must be a whole number from 1 (did not help) to 5 (transformed practice), "
    "or left out if not rated yet",
}


def _read(path: str | Path, data: Dataset) -> tuple[History | None, list[Finding]]:
    from peermatch.yamlio import parse_yaml, read_text

    display = str(path)
    try:
        raw, positions = parse_yaml(read_text(Path(path), display), display)
    except DataError as exc:
        return None, list(exc.findings)

    def at(loc: tuple[str | int, ...], code: str, message: str) -> Finding:
        line, col = locate(positions, loc)
        return Finding(display, line, col, format_path(loc), code, message)

    if not isinstance(raw, dict) or "links" not in raw:
        what = "the file is empty" if raw is None else "there is no top-level 'links:' list"
        return None, [
            Finding(
                display,
                1,
                1,
                "",
                "missing-key",
                f"{what}; a history file is 'links:' followed by one entry per past "
                "link: teacher, learner, topic, year and (once rated) outcome",
            )
        ]
    try:
        model = _HistoryModel.model_validate(raw)
    except ValidationError as exc:
        return None, [_translate(err, at) for err in exc.errors(include_url=False)]

    findings: list[Finding] = []
    names = {p.id: p.id for p in data.systems} | {normalise(p.name): p.id for p in data.systems}
    links: list[PastLink] = []
    first: dict[tuple[str, str, str, int], int] = {}
    for i, item in enumerate(model.links):
        ok = True
        ids = {}
        for role in ("teacher", "learner"):
            ref = getattr(item, role)
            if ref in data.by_id:
                ids[role] = ref
                continue
            ok = False
            near = closest(ref, names)
            hint = did_you_mean(near) or "; see 'peermatch systems' for the ids"
            findings.append(
                at(
                    ("links", i, role),
                    "unknown-system",
                    f"unknown system '{ref}'{hint} "
                    "(if it has left the programme, remove its links)",
                )
            )
        topic = data.catalogue.resolve(item.topic)
        if topic is None:
            ok = False
            hint = did_you_mean(data.catalogue.suggest(item.topic)) or (
                "; see 'peermatch challenges' for the topic ids"
            )
            findings.append(
                at(("links", i, "topic"), "unknown-topic", f"unknown topic '{item.topic}'{hint}")
            )
        if not ok:
            continue
        if ids["teacher"] == ids["learner"]:
            findings.append(
                at(("links", i, "learner"), "self-reference", "a system cannot teach itself")
            )
            continue
        assert topic is not None
        line = locate(positions, ("links", i))[0]
        key = (ids["teacher"], ids["learner"], topic, item.year)
        if key in first:
            findings.append(
                at(
                    ("links", i),
                    "duplicate-link",
                    f"the same link ({key[0]} -> {key[1]} on {topic} in {item.year}) is "
                    f"already at line {first[key]}; merge the two entries",
                )
            )
            continue
        first[key] = line
        links.append(PastLink(*key, item.outcome, item.note, line))
    return (None if findings else History(links, display)), findings


def _translate(err: Any, at: Any) -> Finding:
    loc = tuple(err["loc"])
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = sorted(_LinkModel.model_fields if len(loc) > 1 else _HistoryModel.model_fields)
        near = closest(str(loc[-1]), {a: a for a in allowed}, limit=1, cutoff=80)
        hint = did_you_mean(near) or f"; allowed: {', '.join(allowed)}"
        finding: Finding = at(loc, "unknown-field", f"unknown field '{loc[-1]}'{hint}")
    elif kind == "missing":
        finding = at(loc[:-1], "missing-field", f"required field '{loc[-1]}' is missing")
    elif name in _HINTS and kind not in ("list_type", "model_type"):
        finding = at(loc, "invalid-value", f"{_HINTS[name]}; got {err.get('input')!r}")
    elif kind == "list_type":
        finding = at(loc, "wrong-type", "must be a list of links ('- teacher: ...')")
    elif kind in ("model_type", "dict_type"):
        finding = at(loc, "wrong-type", "each link must be a mapping (teacher:, learner:, ...)")
    elif kind == "string_type":
        finding = at(loc, "wrong-type", "must be text; quote it if needed")
    else:
        finding = at(loc, "invalid-value", str(err["msg"]).rstrip("."))
    return finding


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
        from peermatch.errors import UsageError

        raise UsageError(f"{history.file}: the history has no links; give the year with --year")
    return newest + 1


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
    excluded: dict[Pair, list[PastLink]] = defaultdict(list)
    for link in history.links:
        if planning - link.year <= window:
            excluded[(link.teacher, link.learner)].append(link)
    by_teacher: dict[str, list[Record]] = defaultdict(list)
    for (teacher, _), record in records(history).items():
        if record.strength > 0:
            by_teacher[teacher].append(record)
    needed_by: dict[str, list[str]] = defaultdict(list)
    for p in data.systems:
        for topic in p.needs:
            needed_by[topic].append(p.id)
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
