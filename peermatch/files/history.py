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

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from peermatch.core.catalogue import closest, did_you_mean, normalise
from peermatch.core.dataset import Dataset
from peermatch.core.errors import DataError
from peermatch.core.findings import Code, Finding
from peermatch.files.documents import DocType, Document, locate, read_document

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

_OUTLINE = (
    "a history file is 'links:' followed by one entry per past link: "
    "teacher, learner, topic, year and (once rated) outcome"
)

#: The history file for the document translator: its model and its words.
HISTORY = DocType(
    _HistoryModel,
    "links",
    hints={
        "year": f"must be a year from {MIN_YEAR} to {MAX_YEAR}, e.g. 2024",
        "outcome": "must be a whole number from 1 (did not help) to 5 (transformed practice), "
        "or left out if not rated yet",
    },
    entry="link",
    empty=(Code.MISSING_KEY, "the file is empty; " + _OUTLINE),
    not_mapping=(Code.MISSING_KEY, "there is no top-level 'links:' list; " + _OUTLINE),
    no_key=(Code.MISSING_KEY, "there is no top-level 'links:' list; " + _OUTLINE),
)


def load_history(path: str | Path, data: Dataset) -> History:
    """Read and check ``history.yaml`` against the loaded data; raise listing every error."""
    history, findings = _read(path, data)
    if findings or history is None:
        raise DataError(findings)
    return history


def validate_history(path: str | Path, data: Dataset) -> list[Finding]:
    """Every problem in a history file, in file order (empty when it is valid)."""
    return _read(path, data)[1]


def _read(path: str | Path, data: Dataset) -> tuple[History | None, list[Finding]]:
    findings: list[Finding] = []
    doc = read_document(path, HISTORY, findings, hint="check the path given to --history")
    if doc is None:
        return None, findings
    links = _resolve(doc, data, findings)
    return (None if findings else History(links, doc.display)), findings


def _resolve(doc: Document, data: Dataset, findings: list[Finding]) -> list[PastLink]:
    """The links with their references resolved; a finding for each that cannot be."""
    names = {p.id: p.id for p in data.systems} | {normalise(p.name): p.id for p in data.systems}
    links: list[PastLink] = []
    first: dict[tuple[str, str, str, int], int] = {}
    for i, item in enumerate(doc.model.links):
        ids = [_system(doc, data, names, i, role, findings) for role in ("teacher", "learner")]
        topic = _topic(doc, data, i, item.topic, findings)
        if None in ids or topic is None:
            continue
        teacher, learner = ids[0] or "", ids[1] or ""
        if teacher == learner:
            findings.append(
                doc.at(("links", i, "learner"), "self-reference", "a system cannot teach itself")
            )
            continue
        line = locate(doc.positions, ("links", i))[0]
        key = (teacher, learner, topic, item.year)
        if key in first:
            findings.append(
                doc.at(
                    ("links", i),
                    "duplicate-link",
                    f"the same link ({teacher} -> {learner} on {topic} in {item.year}) is "
                    f"already at line {first[key]}; merge the two entries",
                )
            )
            continue
        first[key] = line
        links.append(PastLink(*key, item.outcome, item.note, line))
    return links


def _system(
    doc: Document, data: Dataset, names: dict[str, str], i: int, role: str, out: list[Finding]
) -> str | None:
    """The id of link ``i``'s teacher or learner, or None (with a finding) if it has none."""
    ref: str = getattr(doc.model.links[i], role)
    if ref in data.by_id:
        return ref
    hint = did_you_mean(closest(ref, names)) or "; see 'peermatch systems' for the ids"
    message = f"unknown system '{ref}'{hint} (if it has left the programme, remove its links)"
    out.append(doc.at(("links", i, role), "unknown-system", message))
    return None


def _topic(doc: Document, data: Dataset, i: int, ref: str, out: list[Finding]) -> str | None:
    """The catalogue id of link ``i``'s topic, or None (with a finding) if it has none."""
    topic = data.catalogue.resolve(ref)
    if topic is None:
        hint = did_you_mean(data.catalogue.suggest(ref)) or (
            "; see 'peermatch challenges' for the topic ids"
        )
        out.append(doc.at(("links", i, "topic"), "unknown-topic", f"unknown topic '{ref}'{hint}"))
    return topic
