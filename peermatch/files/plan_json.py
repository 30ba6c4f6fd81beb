"""The plan's JSON (or CSV), read back: what ``peermatch plan --format json`` writes (the
listing of :mod:`peermatch.present.plan`), checked against a model and the data and turned
into the same :class:`~peermatch.core.plan.Plan` that ``plan()`` returns, so the report draws one
model whichever way the plan came.

A plan file is input like the data files: it is read by the one safe reader, parsed with
numbers bounded, checked against :class:`PlanFile` (pydantic), and every problem is a
finding at its JSON path (``plan.json::$.links[3].score: ...``). The file may be hand-made:
only each link's ``teacher, learner, topic, score`` are required; everything else has the
plan's defaults.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError

from peermatch.core.dataset import Dataset, OneWay
from peermatch.core.errors import DataError
from peermatch.core.findings import Finding, Severity
from peermatch.core.plan import LeftOut, Plan, PlanLink, Ring

#: Ranges (docs/hardening.md, *Numbers*): a score is a percentage of a learner's weighted
#: needs (0-100); a total or bound is a sum of scores (0-10**8).
Id = Annotated[StrictStr, Field(min_length=1, max_length=200)]
Text = Annotated[StrictStr, Field(max_length=100_000)]

#: JSON nesting deeper than this is refused before it is parsed (the plan's JSON is 3 deep).
MAX_DEPTH = 32
#: Digits an integer in a plan file may have (a ring number, a count, a score's integer part).
MAX_DIGITS = 20

_HINT = "write it with 'peermatch plan --format json --output FILE'"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LinkIn(_Model):
    """One row under ``links``."""

    learner: Id
    teacher: Id
    topic: Id
    score: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
    ring: Annotated[int, Field(ge=1, le=10**6)] | None = None
    round: Annotated[int, Field(ge=1, le=10**6)] | None = None
    other_topics: list[Annotated[StrictStr, Field(max_length=500)]] = []
    two_way: StrictBool = False
    partner: StrictBool = False
    pinned: StrictBool = False
    reason: Text = ""


class LeftOutIn(_Model):
    system: Id
    role: Annotated[StrictStr, Field(max_length=20)] = ""
    code: Annotated[StrictStr, Field(max_length=40)] = ""
    reason: Text = ""


class OneWayIn(_Model):
    system: Id
    role: Annotated[StrictStr, Field(max_length=20)] = ""
    reason: Text = ""


class RingIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    systems: list[Id]
    score: Annotated[float, Field(ge=0, le=1e8, allow_inf_nan=False)] = 0.0


class PlanFile(BaseModel):
    """The plan's JSON: ``links`` required, the summary fields optional, others ignored."""

    model_config = ConfigDict(extra="ignore", strict=True)

    version: Annotated[int, Field(ge=1, le=1)] = 1
    links: list[LinkIn]
    total: Annotated[float, Field(ge=0, le=1e8, allow_inf_nan=False)] | None = None
    bound: Annotated[float, Field(ge=0, le=1e8, allow_inf_nan=False)] | None = None
    optimal: StrictBool = False
    left_out: list[LeftOutIn] = []
    one_way: list[OneWayIn] = []
    rings: list[RingIn] | None = None


def read_plan(path: str | Path, data: Dataset, *, lenient: bool = False) -> Plan:
    """Read the JSON (or CSV) that ``peermatch plan`` writes, checked against ``data``.

    A file whose name ends in ``.csv`` (or, not ``.json``, whose text does not start like
    JSON) is read as the plan's CSV: its rows alone. With ``lenient`` a link may name a
    system or topic the data no longer has (``plan --keep`` says why it cannot be kept).
    """
    model, findings = check_plan(path, data, lenient=lenient)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors or model is None:
        raise DataError(errors or findings)
    return _plan_from(model)


def check_plan(
    path: str | Path, data: Dataset, *, lenient: bool = False
) -> tuple[PlanFile | None, list[Finding]]:
    """Every problem with the plan file at ``path``: its reading, its shape, its references.

    Returns the model (``None`` when the file cannot be read or has the wrong shape) and
    the findings, each at its JSON path (a CSV's own problems at their line).
    """
    display = str(path)
    try:
        doc = parse_plan_file(path, display)
        model = PlanFile.model_validate(doc)
    except DataError as exc:
        return None, list(exc.findings)
    except ValidationError as exc:
        return None, _translate(exc, display)
    return model, _references(model, data, display, lenient=lenient)


def parse_plan_file(path: str | Path, display: str) -> Any:
    """The plan's JSON value in ``path`` (a CSV as ``{"links": [...]}``), read safely:
    bounded size, depth and numbers."""
    from peermatch.files.checked_read import read_bytes

    suffix = Path(path).suffix.lower()
    what = "plan CSV" if suffix == ".csv" else "plan JSON"
    raw = read_bytes(Path(path), display, what=what, hint=_HINT)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(display, "$", f"not UTF-8 (byte 0x{raw[exc.start]:02x}); {_HINT}") from None
    if suffix == ".csv" or (suffix != ".json" and not text.lstrip().startswith(("{", "["))):
        return _csv_doc(text, display)
    return parse_plan_json(text, display)


def parse_plan_json(text: str, display: str) -> Any:
    """The JSON value in ``text``: bounded depth and numbers."""
    if _depth(text) > MAX_DEPTH:
        raise _fail(display, "$", f"nested deeper than {MAX_DEPTH} levels; {_HINT}")
    try:
        return json.loads(
            text, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_no_constant
        )
    except json.JSONDecodeError as exc:
        raise _fail(
            display, "$", f"not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); {_HINT}"
        ) from None
    except ValueError as exc:  # from the hooks below
        raise _fail(display, "$", f"{exc}; {_HINT}") from None


def _csv_doc(text: str, display: str) -> dict[str, Any]:
    """The plan's CSV as the JSON's shape: ``{"links": [...]}`` (scores and rounds as
    numbers); the model then checks it like the JSON."""
    import csv
    import io

    def fail(message: str, line: int) -> DataError:
        return DataError([Finding(display, line, 0, "", "plan", message)])

    reader = csv.DictReader(io.StringIO(text))
    needed = ("learner", "teacher", "topic", "score")
    missing = [c for c in needed if c not in (reader.fieldnames or ())]
    if missing:
        raise fail(
            f"not a plan's JSON or CSV: no column {', '.join(missing)}; write it with "
            "'peermatch plan --format json' (or csv)",
            1,
        )
    links: list[dict[str, Any]] = []
    try:
        for row in reader:
            try:
                score: Any = _finite_float(row["score"] or "")
            except (TypeError, ValueError):
                raise fail(f"score: not a number: {row['score']!r}", reader.line_num) from None
            links.append({**{k: row[k] for k in needed[:3]}, "score": score})
            if row.get("round"):
                try:
                    links[-1]["round"] = _bounded_int(str(row["round"]).strip())
                except ValueError:
                    raise fail(
                        f"round: not a whole number: {row['round']!r}", reader.line_num
                    ) from None
    except csv.Error as exc:
        raise fail(f"not a plan's CSV: {exc}", reader.line_num) from None
    return {"links": links}


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings (a cheap bound before parsing)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number of {len(text.lstrip('-')):,} digits is out of range")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


def _no_constant(text: str) -> float:
    raise ValueError(f"{text} is not a number JSON allows")


def _fail(display: str, where: str, message: str) -> DataError:
    return DataError([Finding(display, 0, 0, where, "plan", message)])


def json_path(loc: tuple[str | int, ...]) -> str:
    """``("links", 3, "score")`` -> ``$.links[3].score``."""
    out = "$"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _translate(exc: ValidationError, display: str) -> list[Finding]:
    findings = []
    for error in exc.errors(include_url=False)[:200]:
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
        kind = error["type"]
        if not loc and kind in ("model_type", "dict_type"):
            message = f"the top level must be an object with a 'links' list; {_HINT}"
        elif kind == "missing":
            message = f"missing; {_HINT}"
        elif kind == "extra_forbidden":
            message = "not a field of the plan's JSON; remove it"
        else:
            value = error.get("input")
            shown = (
                repr(value) if isinstance(value, (str, int, float, bool)) else type(value).__name__
            )
            message = f"{error['msg'].lower()} (got {shown[:60]})"
        findings.append(Finding(display, 0, 0, json_path(loc), "plan", message))
    return findings


#: Unknown systems and topics named in the message about a plan made from other data.
SHOWN_STRANGERS = 3


def _other_data(strangers: list[str]) -> str:
    """One message for every reference to a system or topic the data does not have."""
    shown = ", ".join(strangers[:SHOWN_STRANGERS])
    more = len(strangers) - SHOWN_STRANGERS
    return (
        f"{len(strangers)} system or topic reference(s) not in the data ({shown}"
        + (f" and {more} more" if more > 0 else "")
        + "); was the plan made from other data? Pass the same --data to both commands"
    )


def _strangers(model: PlanFile, data: Dataset) -> list[str]:
    """Every reference to a system or topic ``data`` does not have, at its JSON path."""
    out: list[str] = []
    for i, link in enumerate(model.links):
        out += [
            f"$.links[{i}].{role} {getattr(link, role)!r}"
            for role in ("teacher", "learner")
            if getattr(link, role) not in data.by_id
        ]
        if link.topic not in data.catalogue.topics:
            out.append(f"$.links[{i}].topic {link.topic!r}")
    systems = [("left_out", i, x.system) for i, x in enumerate(model.left_out)]
    systems += [("one_way", i, x.system) for i, x in enumerate(model.one_way)]
    out += [f"$.{key}[{i}].system {sid!r}" for key, i, sid in systems if sid not in data.by_id]
    out += [
        f"$.rings[{i}].systems[{j}] {sid!r}"
        for i, ring in enumerate(model.rings or [])
        for j, sid in enumerate(ring.systems)
        if sid not in data.by_id
    ]
    return out


def _references(
    model: PlanFile, data: Dataset, display: str, *, lenient: bool = False
) -> list[Finding]:
    """What the data says about the plan: links name its systems and topics (one finding for
    them all: the whole plan is from elsewhere; not asked when ``lenient``), no self-link, no
    link twice (in one round)."""
    out: list[Finding] = []

    def add(where: str, message: str) -> None:
        out.append(Finding(display, 0, 0, where, "plan", message))

    strangers = [] if lenient else _strangers(model, data)
    if strangers:  # --keep and --diff: links to systems or topics gone are reported later
        add("$", _other_data(strangers))
    seen: set[tuple[str, str, int | None]] = set()
    for i, link in enumerate(model.links):
        if link.teacher == link.learner:
            add(
                f"$.links[{i}]",
                f"{link.teacher!r} is linked to itself; a system cannot teach itself",
            )
        key = (link.teacher, link.learner, link.round)
        if key in seen:
            add(f"$.links[{i}]", f"the link {link.teacher} -> {link.learner} is listed twice")
        seen.add(key)
    return out


def _plan_from(model: PlanFile) -> Plan:
    links = [
        PlanLink(
            teacher=r.teacher,
            learner=r.learner,
            topic=r.topic,
            score=float(r.score),
            two_way=r.two_way,
            partner=r.partner,
            pinned=r.pinned,
            ring=r.ring,
            round=r.round,
            other_topics=tuple(r.other_topics),
            reason=r.reason,
        )
        for r in model.links
    ]
    rings = [
        Ring(i, tuple(r.systems), float(r.score)) for i, r in enumerate(model.rings or [], start=1)
    ]
    left_out = [LeftOut(x.system, x.role, x.code, x.reason) for x in model.left_out]
    one_way = [OneWay(x.system, x.role, x.reason) for x in model.one_way]
    return Plan(
        links=links,
        # not given: the report leaves it out
        total=math.nan if model.total is None else float(model.total),
        bound=None if model.bound is None else float(model.bound),
        optimal=model.optimal,
        left_out=left_out,
        loads=[],
        rings=rings if model.rings else None,
        one_way=one_way,
    )
