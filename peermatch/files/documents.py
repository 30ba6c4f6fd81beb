"""The document translator: a YAML document read (:mod:`.checked_read`,
:mod:`.yaml_read`) and checked against its pydantic model, each pydantic error translated
into a finding at the value's file, line and column, with a code of
:class:`~peermatch.core.findings.Code` and what to do.

Every YAML file goes through it: systems, challenges and peers (their :class:`DocType`\\ s
are below), the history file (:mod:`.history`) and the weights file (:mod:`.weights`). A
:class:`DocType` says what differs between them: the model, the top-level list, the words
for a field's values and the messages for a file that is empty or not a mapping.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from peermatch.core import progress
from peermatch.core.errors import DataError
from peermatch.core.findings import Code, Finding, Severity, format_path
from peermatch.files import models
from peermatch.files.checked_read import read_text
from peermatch.files.documents_messages import DocType as DocType  # re-exported
from peermatch.files.documents_messages import a_value, model_at, say
from peermatch.files.yaml_positions import Path_, Positions
from peermatch.files.yaml_read import parse_yaml

#: At most this many shape findings (wrong types, unknown fields...) per file; a file that
#: is wrong everywhere says how many more there are instead of listing a million lines.
MAX_SHAPE_FINDINGS = 200


_DATA_HINTS = {
    "level": "must be 1, 2 or 3 (1 emerging, 2 established, 3 exemplar)",
    "priority": "must be 1, 2 or 3 (1 low, 2 medium, 3 high)",
    "id": "must be a slug: lowercase letters, digits and single hyphens, e.g. 'north-east'",
    "area": "must be a slug: lowercase letters, digits and single hyphens, e.g. 'mental-health'",
    "kind": "must be one of: " + ", ".join(models.KINDS),
    "teach": "must be a whole number from 0 to 1000",
    "learn": "must be a whole number from 0 to 1000",
    "population": "must be a whole number of people from 0 to 10,000,000,000, e.g. 250000 "
    "(no commas or quotes)",
    "role": "must be a slug: lowercase letters, digits and single hyphens, e.g. 'officer'",
    "capacity": "must be a whole number of teams from 0 to 1000",
}
_TAGS = {"tags": "tags must be slugs (lowercase letters, digits, hyphens)"}

SYSTEMS = DocType(models.SystemsFile, "systems", _DATA_HINTS, _TAGS, swapped_with="challenges")
CHALLENGES = DocType(
    models.ChallengesFile, "challenges", _DATA_HINTS, _TAGS, swapped_with="systems"
)
PEERS = DocType(models.PeersFile, "peers", _DATA_HINTS, _TAGS)


@dataclass
class Document:
    display: str
    model: Any
    positions: Positions
    #: the parsed values, kept for a document whose shape failed (``model`` is then None)
    raw: Any = None

    def at(
        self,
        path: Path_,
        code: str,
        message: str,
        severity: Severity = Severity.ERROR,
        *,
        key: bool = False,
    ) -> Finding:
        """A finding at ``path``'s value (or, with ``key``, at its key)."""
        pos = self.positions.key_at.get(path) if key else None
        line, col = pos or locate(self.positions, path)
        return Finding(self.display, line, col, format_path(path), code, message, severity)


def locate(positions: Positions, path: Path_) -> tuple[int, int]:
    """The position of ``path``, or of its nearest ancestor that has one."""
    for end in range(len(path), -1, -1):
        pos = positions.get(path[:end])
        if pos is not None:
            return pos
    return (1, 1)


def read_document(
    path: str | Path,
    doc_type: DocType,
    findings: list[Finding],
    rejected: list[Document] | None = None,
    *,
    hint: str | None = None,
) -> Document | None:
    """The document checked against ``doc_type``, or None (with findings) if it is not.

    ``rejected`` receives a document that parsed but failed its shape (with ``raw``), so
    that the checks across files can still look at what they can (unknown topics).
    ``hint`` says what to do when the file cannot be read (see :func:`.read_text`).
    """
    display, path = str(path), Path(path)
    try:
        text = read_text(path, display) if hint is None else read_text(path, display, hint=hint)
        with progress.step(f"reading {path.name}", len(text)) as advance:
            raw, positions = parse_yaml(text, display, progress=advance)
    except DataError as exc:
        findings.extend(exc.findings)
        return None
    with progress.step(f"checking {path.name}"):
        return check_shape(raw, positions, display, doc_type, findings, rejected)


def check_shape(
    raw: Any,
    positions: Positions,
    display: str,
    doc_type: DocType,
    findings: list[Finding],
    rejected: list[Document] | None = None,
) -> Document | None:
    """Validate one parsed document against its model; add findings; the doc if it passed."""
    if raw is None and doc_type.empty is None:
        raw = {}
    top = _top_problem(raw, positions, display, doc_type)
    if top is not None:
        findings.append(top)
        return None
    doc = Document(display, None, positions)
    shape = _validate_shape(doc, doc_type, raw)
    if isinstance(shape, list):
        findings.extend(shape)
        if rejected is not None:
            rejected.append(Document(display, None, positions, raw))
        return None
    doc.model = shape
    return doc


def _top_problem(raw: Any, positions: Positions, display: str, doc_type: DocType) -> Finding | None:
    """The finding for a file that is empty, not a mapping or without its key; else None."""
    key = doc_type.key
    if raw is None and doc_type.empty is not None:
        code, message = doc_type.empty
        line, col = 1, 1
    elif not isinstance(raw, dict):
        code, message = doc_type.not_mapping
        line, col = positions.get((), (1, 1))
    elif key is not None and key not in raw:
        code, message = doc_type.no_key
        line, col = 1, 1
    else:
        return None
    other = doc_type.swapped_with
    swap = (
        f"; this looks like the {other} file: are --systems and --challenges swapped?"
        if other and isinstance(raw, dict) and other in raw
        else ""
    )
    text = message.format(key=key, a=a_value(raw), swap=swap)
    return Finding(display, line, col, "", str(code), text)


def _validate_shape(doc: Document, doc_type: DocType, raw: dict[str, Any]) -> Any:
    """Validate ``raw`` against the model: the model, or at most MAX_SHAPE_FINDINGS findings.

    The entries of the ``key`` list are validated one by one, so that a file wrong in a
    million places costs a few hundred findings, not a million.
    """
    model, key = doc_type.model, doc_type.key
    items = raw.get(key) if key is not None else None
    item_model = model_at(model, (key, 0)) if key is not None else None
    if key is None or item_model is None or not isinstance(items, list):
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            return list(_translate(doc, doc_type, exc))[:MAX_SHAPE_FINDINGS]
    findings: list[Finding] = []
    try:
        model.model_validate({**raw, key: []})
    except ValidationError as exc:
        findings.extend(_translate(doc, doc_type, exc))
    valid: list[BaseModel] = []
    for i, item in enumerate(items):
        try:
            valid.append(item_model.model_validate(item))
        except ValidationError as exc:
            findings.extend(_translate(doc, doc_type, exc, prefix=(key, i)))
            if len(findings) > MAX_SHAPE_FINDINGS:
                del findings[MAX_SHAPE_FINDINGS:]
                findings.append(
                    Finding(
                        doc.display,
                        0,
                        0,
                        "",
                        str(Code.TOO_MANY_PROBLEMS),
                        f"more than {MAX_SHAPE_FINDINGS} problems in this file; "
                        f"the first {MAX_SHAPE_FINDINGS} are listed, fix those first",
                    )
                )
                break
    if findings:
        return findings
    return model.model_validate({**raw, key: valid})


def _translate(
    doc: Document, doc_type: DocType, exc: ValidationError, prefix: Path_ = ()
) -> Iterator[Finding]:
    """Turn pydantic's errors into findings with positions, codes and what to do."""
    for err in exc.errors(include_url=False):
        loc: Path_ = (*prefix, *err["loc"])
        code, message = say(doc_type, err, loc)
        if code is Code.MISSING_FIELD:  # at the mapping that lacks it
            yield doc.at(loc[:-1], str(doc_type.code or code), message)
        else:  # an unknown field at its key, anything else at its value
            at_key = code is Code.UNKNOWN_FIELD
            yield doc.at(loc, str(doc_type.code or code), message, key=at_key)
