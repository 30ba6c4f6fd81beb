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
  strength on (``history_lift`` is in :mod:`peermatch.core.weights`, 0.125 by default). Poor
  outcomes are not penalised: they simply earn no lift.

:func:`adjustments` computes both per pair, so the reference scorer and a vectorised path
apply the same few numbers: a factor for the handful of lifted pairs and a set of
excluded pairs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from peermatch.core.catalogue import closest, did_you_mean, normalise
from peermatch.core.dataset import Dataset
from peermatch.core.errors import DataError
from peermatch.core.findings import Finding, format_path
from peermatch.files.documents import locate

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
    from peermatch.files.checked_read import read_text
    from peermatch.files.yaml_read import parse_yaml

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

    links, findings = _resolve(model, data, at, lambda i: locate(positions, ("links", i))[0])
    return (None if findings else History(links, display)), findings


Locator = Callable[[tuple[str | int, ...], str, str], Finding]


def _resolve(
    model: _HistoryModel, data: Dataset, at: Locator, line_of: Callable[[int], int]
) -> tuple[list[PastLink], list[Finding]]:
    """The links with their references resolved, and a finding for each that cannot be."""
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
        line = line_of(i)
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
    return links, findings


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
