"""A spreadsheet of people -> a checked ``peers.yaml``: the reverse of ``export-csv --peers``.

Columns (any order, header names compared loosely): ``id`` (else made from the name),
``name``, ``role``, ``home``, ``capacity``, ``expertise`` (``topic:level; ...``, topics
by id, alias or name; levels 1-3 or the words) and ``evidence_N`` / ``source_N`` for the
N-th expertise. Every problem is a finding at the cell's row and column; topics and homes
that do not resolve say "did you mean". The pool is then checked by
:func:`peermatch.files.peers.peers_from_document`, as ``peers.yaml`` would be.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from peermatch.core.catalogue import closest, did_you_mean
from peermatch.core.dataset import Dataset
from peermatch.core.errors import DataError, PeermatchError
from peermatch.core.findings import Finding, quote
from peermatch.core.numbers import CAPACITY, NumberError, whole_number
from peermatch.core.peers import PeerPool
from peermatch.files.atomic import write_atomic
from peermatch.files.formulas import unneutralise
from peermatch.files.import_cells import clean_text, header_key, slugify, split_list
from peermatch.files.models import LEVEL_WORDS
from peermatch.files.peers import peers_from_document
from peermatch.files.yaml_messages import character_message
from peermatch.files.yaml_read import refused_in_value
from peermatch.files.yaml_write import dump_yaml

PEER_COLUMNS = ("id", "name", "role", "home", "capacity", "expertise")
PEERS_FILE = "peers.yaml"


class _Rows:
    """The records with their header, and the findings made reading them."""

    def __init__(self, records: list[list[str]], display: str) -> None:
        self.display = display
        self.header = [header_key(h) for h in (records[0] if records else [])]
        self.records = records[1:]
        self.findings: list[Finding] = []

    def error(self, row: int, column: str, code: str, message: str) -> None:
        col = self.header.index(column) + 1 if column in self.header else 0
        self.findings.append(Finding(self.display, row, col, column, code, message))

    def cell(self, record: list[str], column: str) -> str:
        if column not in self.header:
            return ""
        i = self.header.index(column)
        return unneutralise(clean_text(record[i]).strip()).strip() if i < len(record) else ""

    def refuse_characters(self, row: int, record: list[str]) -> None:
        """A character the data files refuse, found at its cell, not in the YAML written."""
        for column in self.header:
            bad = refused_in_value(self.cell(record, column))
            if bad is not None:
                self.error(row, column, "control-character", character_message(bad)[0])


def parse_peers(records: list[list[str]], display: str, data: Dataset) -> PeerPool:
    """The checked pool of a CSV's records; a :class:`DataError` lists every problem."""
    rows = _Rows(records, display)
    for column in ("name", "role", "expertise"):
        if column not in rows.header:
            rows.error(1, column, "missing-column", f"no '{column}' column; see export-csv --peers")
    if rows.findings:
        raise DataError(rows.findings)
    for r, rec in enumerate(rows.records, start=2):
        rows.refuse_characters(r, rec)
    peers = [_person(rows, r, rec, data) for r, rec in enumerate(rows.records, start=2)]
    if rows.findings:
        raise DataError(rows.findings)
    return peers_from_document({"peers": [p for p in peers if p]}, data, display)


def _person(rows: _Rows, r: int, rec: list[str], data: Dataset) -> dict[str, Any]:
    if not any(cell.strip() for cell in rec):
        return {}
    name = rows.cell(rec, "name")
    person: dict[str, Any] = {"id": rows.cell(rec, "id") or slugify(name), "name": name}
    person["role"] = rows.cell(rec, "role")
    home = rows.cell(rec, "home")
    if home and home not in data.by_id:
        near = did_you_mean(closest(home, {p.id: p.id for p in data.systems}))
        rows.error(r, "home", "unknown-system", f"unknown system {quote(home)}{near}")
    elif home:
        person["home"] = home
    capacity = rows.cell(rec, "capacity")
    if capacity:
        try:
            person["capacity"] = whole_number(capacity, CAPACITY)
        except NumberError as exc:
            rows.error(r, "capacity", "invalid-value", str(exc))
    person["expertise"] = []
    for i, item in enumerate(split_list(rows.cell(rec, "expertise")), start=1):
        ref, _, level_text = item.rpartition(":")
        topic = data.catalogue.resolve(ref.strip()) if ref.strip() else None
        level = LEVEL_WORDS.get(level_text.strip().casefold()) or (
            int(level_text) if level_text.strip() in ("1", "2", "3") else None
        )
        if topic is None or level is None:
            what = f"unknown topic {quote(ref.strip())}" if topic is None and ref else ""
            fix = did_you_mean(data.catalogue.suggest(ref.strip())) if what else ""
            rows.error(
                r,
                "expertise",
                "unknown-topic" if what else "invalid-value",
                (what + fix) or f"write TOPIC:LEVEL (1-3); got {item!r}",
            )
            continue
        evidence = rows.cell(rec, f"evidence_{i}")
        if not evidence:
            rows.error(r, f"evidence_{i}", "no-evidence", f"no evidence for {topic} (evidence_{i})")
        entry = {"challenge": topic, "level": level, "evidence": evidence}
        if rows.cell(rec, f"source_{i}"):
            entry["source"] = rows.cell(rec, f"source_{i}")
        person["expertise"].append(entry)
    return person


def write_peers(pool: PeerPool, to: Path, *, force: bool) -> Path:
    """Write ``pool`` as ``to/peers.yaml`` (atomically); an existing file needs ``force``."""
    target = to / PEERS_FILE
    if to.exists() and not to.is_dir():
        raise PeermatchError(f"{to}: is not a folder; --to needs a folder")
    if target.exists() and not force:
        raise PeermatchError(f"{target} already exists; add --force to replace it")
    doc = {"peers": [_entry(p) for p in pool.peers]}
    to.mkdir(parents=True, exist_ok=True)
    write_atomic(target, dump_yaml(doc, "Written by 'peermatch import --peers'."))
    return target


def _entry(p: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id, "name": p.name, "role": p.role}
    if p.home is not None:
        out["home"] = p.home
    out["capacity"] = p.capacity
    out["expertise"] = [
        {"challenge": e.topic, "level": e.level, "evidence": e.evidence}
        | ({"source": e.source} if e.source else {})
        for e in p.expertise.values()
    ]
    return out
