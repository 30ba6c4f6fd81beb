"""The plan's JSON (or CSV), read back: what ``peermatch plan --format json`` writes (the listing of
:mod:`peermatch.present.plan`), checked against the data and turned into the same
:class:`~peermatch.core.plan.Plan` that ``plan()`` returns, so the report draws one
model whichever way the plan came.

The file may be hand-made: only each link's ``teacher, learner, topic, score`` are
required; everything else has the plan's defaults.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from peermatch.core.dataset import Dataset, OneWay
from peermatch.core.errors import DataError
from peermatch.core.findings import Finding
from peermatch.core.plan import LeftOut, Plan, PlanLink, Ring


def read_plan(path: str | Path, data: Dataset, *, lenient: bool = False) -> Plan:
    """Read the JSON (or CSV) that ``peermatch plan`` writes, checked against ``data``.

    A file whose name ends in ``.csv`` (or, not ``.json``, whose text does not start like
    JSON) is read as the plan's CSV: its rows alone. With ``lenient`` a link may name a
    system or topic the data no longer has (``plan --keep`` says why it cannot be kept).
    """
    display = str(path)

    def fail(message: str, line: int = 0) -> DataError:
        return DataError([Finding(display, line, 0, "", "plan", message)])

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise fail(
            "no such file; write it with 'peermatch plan --format json --output FILE'"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read the file: {exc}") from None
    suffix = Path(path).suffix.lower()
    if suffix == ".csv" or (suffix != ".json" and not text.lstrip().startswith(("{", "["))):
        doc = _csv_doc(text, fail)
    else:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise fail(
                f"not JSON (line {exc.lineno}): write it with 'peermatch plan --format json'"
            ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("links"), list):
        raise fail("no 'links' list: write it with 'peermatch plan --format json'")
    problems, strangers = [], []
    for i, row in enumerate(doc["links"]):
        if not isinstance(row, dict) or not {"teacher", "learner", "topic", "score"} <= set(row):
            problems.append(f"links[{i}]: needs teacher, learner, topic and score")
            continue
        if _number(row["score"]) is None:
            problems.append(f"links[{i}].score: not a number: {row['score']!r}")
        if lenient:  # --keep and --diff: links to systems or topics gone are reported later
            continue
        strangers += [
            f"links[{i}].{role} {row[role]!r}"
            for role in ("teacher", "learner")
            if row[role] not in data.by_id
        ]
        if row["topic"] not in data.catalogue.topics:
            strangers.append(f"links[{i}].topic {row['topic']!r}")
    if strangers:  # one message, not one a link: the whole plan is from elsewhere
        problems.insert(0, _other_data(strangers))
    if problems:
        raise DataError([Finding(display, 0, 0, "", "plan", p) for p in problems])
    return _plan_from(doc)


#: Unknown systems and topics named in the message about a plan made from other data.
SHOWN_STRANGERS = 3


def _other_data(strangers: list[str]) -> str:
    """One message for every link naming a system or topic the data does not have."""
    shown = ", ".join(strangers[:SHOWN_STRANGERS])
    more = len(strangers) - SHOWN_STRANGERS
    return (
        f"{len(strangers)} system or topic reference(s) not in the data ({shown}"
        + (f" and {more} more" if more > 0 else "")
        + "); was the plan made from other data? Pass the same --data to both commands"
    )


def _csv_doc(text: str, fail: Callable[[str, int], DataError]) -> dict[str, Any]:
    """The plan's CSV as the JSON's shape: ``{"links": [...]}`` (scores as numbers)."""
    import csv
    import io

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
    for row in reader:
        try:
            score: Any = float(row["score"])
        except (TypeError, ValueError):
            raise fail(f"score: not a number: {row['score']!r}", reader.line_num) from None
        links.append({**{k: row[k] for k in needed[:3]}, "score": score})
        if row.get("round"):
            links[-1]["round"] = row["round"]
    return {"links": links}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _plan_from(doc: dict[str, Any]) -> Plan:
    links = [
        PlanLink(
            teacher=str(r["teacher"]),
            learner=str(r["learner"]),
            topic=str(r["topic"]),
            score=float(r["score"]),
            two_way=bool(r.get("two_way", False)),
            ring=int(r["ring"]) if r.get("ring") is not None else None,
            round=int(r["round"]) if r.get("round") is not None else None,
            other_topics=tuple(str(t) for t in r.get("other_topics") or ()),
            reason=str(r.get("reason") or ""),
        )
        for r in doc["links"]
    ]
    rings = [
        Ring(i, tuple(str(s) for s in r.get("systems", [])), _number(r.get("score")) or 0.0)
        for i, r in enumerate(doc.get("rings") or [], start=1)
        if isinstance(r, dict)
    ]
    left_out = [
        LeftOut(
            str(x["system"]),
            str(x.get("role", "")),
            str(x.get("code", "")),
            str(x.get("reason", "")),
        )
        for x in doc.get("left_out") or []
    ]
    one_way = [
        OneWay(str(x["system"]), str(x.get("role", "")), str(x.get("reason", "")))
        for x in doc.get("one_way") or []
        if isinstance(x, dict) and "system" in x
    ]
    total = _number(doc.get("total"))
    return Plan(
        links=links,
        total=math.nan if total is None else total,  # not given: the report leaves it out
        bound=_number(doc.get("bound")),
        optimal=doc.get("optimal") is True,
        left_out=left_out,
        loads=[],
        rings=rings if doc.get("rings") else None,
        one_way=one_way,
    )
