"""The document translator: a YAML document read (:mod:`.checked_read`,
:mod:`.yaml_read`) and checked against its pydantic model, each pydantic error translated
into a finding at the value's file, line and column. The history and weights files use its
:func:`locate` too; their messages are their own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from peermatch.core import progress
from peermatch.core.catalogue import (
    closest,
    did_you_mean,
)
from peermatch.core.errors import DataError
from peermatch.core.findings import Finding, Severity, format_path, quote
from peermatch.files import models
from peermatch.files.checked_read import read_text
from peermatch.files.yaml_positions import Path_, Positions
from peermatch.files.yaml_read import parse_yaml

#: At most this many shape findings (wrong types, unknown fields...) per file; a file that
#: is wrong everywhere says how many more there are instead of listing a million lines.
MAX_SHAPE_FINDINGS = 200


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
    path: Path,
    model: type[BaseModel],
    key: str,
    findings: list[Finding],
    rejected: list[Document] | None = None,
) -> Document | None:
    """The document checked against ``model``, or None (with findings) if it is not.

    ``rejected`` receives a document that parsed but failed its shape (with ``raw``), so
    that the checks across files can still look at what they can (unknown topics).
    """
    display = str(path)
    try:
        text = read_text(path, display)
        with progress.step(f"reading {path.name}", len(text)) as advance:
            raw, positions = parse_yaml(text, display, progress=advance)
    except DataError as exc:
        findings.extend(exc.findings)
        return None
    with progress.step(f"checking {path.name}"):
        return check_shape(raw, positions, display, model, key, findings, rejected)


def check_shape(
    raw: Any,
    positions: Positions,
    display: str,
    model: type[BaseModel],
    key: str,
    findings: list[Finding],
    rejected: list[Document] | None = None,
) -> Document | None:
    """Validate one parsed document against its model; add findings; the doc if it passed."""
    if raw is None:
        findings.append(
            Finding(
                display,
                1,
                1,
                "",
                "empty",
                f"the file has no data; expected a mapping with a '{key}:' list",
            )
        )
        return None
    if not isinstance(raw, dict):
        line, col = positions.get((), (1, 1))
        findings.append(
            Finding(
                display,
                line,
                col,
                "",
                "top-level",
                f"expected a mapping with a '{key}:' list at the top, not {_a(raw)}",
            )
        )
        return None
    if key not in raw:
        other = "challenges" if key == "systems" else "systems"
        hint = (
            f"; this looks like the {other} file: are --systems and --challenges swapped?"
            if other in raw
            else ""
        )
        findings.append(
            Finding(display, 1, 1, "", "missing-key", f"expected a top-level '{key}:' list{hint}")
        )
        return None
    doc = Document(display, None, positions)
    shape = _validate_shape(doc, model, _ITEM_MODELS[key], key, raw)
    if isinstance(shape, list):
        findings.extend(shape)
        if rejected is not None:
            rejected.append(Document(display, None, positions, raw))
        return None
    doc.model = shape
    return doc


_ITEM_MODELS: dict[str, type[BaseModel]] = {
    "systems": models.System,
    "challenges": models.Challenge,
    "peers": models.Peer,
}


def _validate_shape(
    doc: Document,
    model: type[BaseModel],
    item_model: type[BaseModel],
    key: str,
    raw: dict[str, Any],
) -> BaseModel | list[Finding]:
    """Validate ``raw`` against ``model``: the model, or at most MAX_SHAPE_FINDINGS findings.

    The entries of the ``key`` list are validated one by one, so that a file wrong in a
    million places costs a few hundred findings, not a million.
    """
    items = raw.get(key)
    if not isinstance(items, list):
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            return list(_translate(doc, exc, raw))[:MAX_SHAPE_FINDINGS]
    findings: list[Finding] = []
    try:
        model.model_validate({**raw, key: []})
    except ValidationError as exc:
        findings.extend(_translate(doc, exc, raw))
    valid: list[BaseModel] = []
    for i, item in enumerate(items):
        try:
            valid.append(item_model.model_validate(item))
        except ValidationError as exc:
            findings.extend(_translate(doc, exc, raw, prefix=(key, i)))
            if len(findings) > MAX_SHAPE_FINDINGS:
                del findings[MAX_SHAPE_FINDINGS:]
                findings.append(
                    Finding(
                        doc.display,
                        0,
                        0,
                        "",
                        "too-many-problems",
                        f"more than {MAX_SHAPE_FINDINGS} problems in this file; "
                        f"the first {MAX_SHAPE_FINDINGS} are listed, fix those first",
                    )
                )
                break
    if findings:
        return findings
    return model.model_validate({**raw, key: valid})


_FIELD_HINTS = {
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


def _translate(
    doc: Document, exc: ValidationError, raw: Any, prefix: Path_ = ()
) -> Iterator[Finding]:
    """Turn pydantic's errors into findings with positions and plain-English messages."""
    for err in exc.errors(include_url=False):
        loc: Path_ = (*prefix, *err["loc"])
        kind = err["type"]
        given = err.get("input")
        name = next((p for p in reversed(loc) if isinstance(p, str)), "")
        if kind == "extra_forbidden":
            parent = _model_at(doc, loc[:-1], raw)
            allowed = sorted(parent.model_fields) if parent else []
            near = closest(str(loc[-1]), {a: a for a in allowed}, limit=1, cutoff=80)
            hint = did_you_mean(near) or (f"; allowed: {', '.join(allowed)}" if allowed else "")
            field = quote(str(loc[-1]), limit=40)
            yield doc.at(loc, "unknown-field", f"unknown field {field}{hint}", key=True)
        elif kind == "missing":
            yield doc.at(loc[:-1], "missing-field", f"required field '{loc[-1]}' is missing")
        elif name in _FIELD_HINTS and kind not in ("list_type", "dict_type", "model_type"):
            fix = ": remove the quotes" if kind == "int_type" and _quoted_number(given) else ""
            yield doc.at(loc, "invalid-value", f"{_FIELD_HINTS[name]}; got {_shown(given)}{fix}")
        elif kind == "int_type" and _quoted_number(given):
            yield doc.at(loc, "wrong-type", f"got {_shown(given)}: remove the quotes")
        elif name in ("tags",) or (len(loc) >= 2 and loc[-2] == "tags"):
            yield doc.at(
                loc,
                "invalid-value",
                f"tags must be slugs (lowercase letters, digits, hyphens); got {_shown(given)}",
            )
        elif kind in ("list_type",):
            yield doc.at(loc, "wrong-type", f"must be a list, got {_a(given)}")
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            yield doc.at(loc, "wrong-type", f"must be a mapping (key: value), got {_a(given)}")
        elif kind in ("string_type",):
            yield doc.at(loc, "wrong-type", f"must be text, got {_a(given)}; quote it if needed")
        elif kind in ("string_too_short",):
            yield doc.at(loc, "invalid-value", "must not be empty")
        elif kind in ("string_too_long",):
            yield doc.at(loc, "invalid-value", "is too long")
        else:
            yield doc.at(loc, "invalid-value", f"{err['msg'].rstrip('.')}; got {_shown(given)}")


def _quoted_number(value: Any) -> bool:
    """Whether ``value`` is text that reads as a whole number, such as ``"3"``."""
    return isinstance(value, str) and value.strip().lstrip("+-").isdigit()


def _model_at(doc: Document, loc: Path_, raw: Any) -> type[BaseModel] | None:
    """Which model describes the mapping at ``loc`` (for listing allowed fields)."""
    names = [p for p in loc if isinstance(p, str)]
    table: dict[tuple[str, ...], type[BaseModel]] = {
        (): models.SystemsFile if "systems" in raw else models.ChallengesFile,
        ("systems",): models.System,
        ("challenges",): models.Challenge
        if "challenges" in raw and "systems" not in raw
        else models.ChallengesFile,
        ("systems", "strengths"): models.Strength,
        ("systems", "challenges"): models.Need,
        ("systems", "capacity"): models.Capacity,
    }
    return table.get(tuple(names))


def _a(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({_shown(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _shown(value: Any, limit: int = 40) -> str:
    """A short, safe rendering of a user value for a message (never the whole thing)."""
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = (
        repr(value)
        if isinstance(value, str)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )
    return text if len(text) <= limit else text[: limit - 3] + "..."
