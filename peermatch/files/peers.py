"""``peers.yaml`` read and checked: through the one checked reader and the one document
translator (:mod:`.documents`), then its references resolved against the loaded data,
every problem a finding at file:line:column, with "did you mean" for topics and homes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from peermatch.core.catalogue import closest, did_you_mean
from peermatch.core.dataset import Dataset, StrengthEntry
from peermatch.core.errors import DataError
from peermatch.core.findings import Finding, Severity, quote
from peermatch.core.peers import Peer, PeerPool
from peermatch.files import models
from peermatch.files.documents import PEERS, Document, check_shape, locate, read_document
from peermatch.files.yaml_positions import Path_, Positions


def load_peers(path: str | Path, data: Dataset) -> PeerPool:
    """The checked pool of ``path``; raise :class:`DataError` listing every error."""
    findings: list[Finding] = []
    doc = read_document(Path(path), PEERS, findings)
    return _checked(doc, data, findings)


def peers_from_document(raw: Any, data: Dataset, name: str = "<peers>") -> PeerPool:
    """The pool of an already-parsed document (``{"peers": [...]}``), checked the same way."""
    findings: list[Finding] = []
    doc = check_shape(raw, Positions(), name, PEERS, findings)
    return _checked(doc, data, findings)


def _checked(doc: Document | None, data: Dataset, findings: list[Finding]) -> PeerPool:
    pool = None if doc is None else _resolve(doc, data, findings)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors or pool is None:
        raise DataError(errors or findings)
    return pool


def _resolve(doc: Document, data: Dataset, findings: list[Finding]) -> PeerPool:
    entries: list[models.Peer] = doc.model.peers
    first: dict[str, Path_] = {}
    systems = {p.id: p.id for p in data.systems}
    peers = []
    for i, person in enumerate(entries):
        path: Path_ = ("peers", i, "id")
        if person.id in first:
            line = locate(doc.positions, first[person.id])[0]
            findings.append(
                doc.at(
                    path,
                    "duplicate-id",
                    f"duplicate person id '{person.id}' (first at line {line}); ids must be unique",
                )
            )
            continue
        first[person.id] = path
        home = person.home
        if home is not None and home not in systems:
            fix = did_you_mean(closest(home, systems)) or (
                "; it must be the id of a system in the data ('peermatch systems' lists them)"
            )
            findings.append(
                doc.at(("peers", i, "home"), "unknown-system", f"unknown system {quote(home)}{fix}")
            )
            home = None
        peers.append(
            Peer(
                id=person.id,
                name=person.name,
                role=person.role,
                home=home,
                capacity=person.capacity,
                expertise=_expertise(doc, i, person, data, findings),
            )
        )
    return PeerPool(tuple(peers), doc.display)


def _expertise(
    doc: Document, i: int, person: models.Peer, data: Dataset, findings: list[Finding]
) -> dict[str, StrengthEntry]:
    out: dict[str, StrengthEntry] = {}
    seen: dict[str, Path_] = {}
    for j, item in enumerate(person.expertise):
        path: Path_ = ("peers", i, "expertise", j, "challenge")
        topic = data.catalogue.resolve(item.challenge)
        if topic is None:
            fix = did_you_mean(data.catalogue.suggest(item.challenge)) or (
                "; see 'peermatch challenges' for the topic ids"
            )
            message = f"unknown topic {quote(item.challenge)}{fix}"
            findings.append(doc.at(path, "unknown-topic", message))
        elif topic in seen:
            line = locate(doc.positions, seen[topic])[0]
            message = (
                f"topic '{topic}' is listed twice in expertise (first at line {line}); "
                "merge the two entries"
            )
            findings.append(doc.at(path, "duplicate-topic", message))
        else:
            seen[topic] = path
            out[topic] = StrengthEntry(topic, item.level, item.evidence, item.source)
    return out
