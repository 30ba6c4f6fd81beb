"""Profiles as a listing in the import layout: the CSV that 'peermatch import' reads back."""

from __future__ import annotations

from typing import Any

from peermatch.core.dataset import Dataset
from peermatch.core.peers import PeerPool
from peermatch.files.import_cells import BASE_COLUMNS
from peermatch.files.import_peers import PEER_COLUMNS
from peermatch.present.listing import Listing

# --------------------------------------------------------------------------- exporting


def export_listing(data: Dataset | None, *, template: bool = False) -> Listing:
    """Profiles in the import layout (CSV), one row per system; ``template``: header only."""
    systems = [] if data is None or template else data.systems
    n_strengths = max((len(p.strengths) for p in systems), default=1)
    n_needs = max((len(p.needs) for p in systems), default=1)
    columns = list(BASE_COLUMNS)
    for i in range(1, n_strengths + 1):
        columns += [f"evidence_{i}", f"source_{i}"]
    for i in range(1, n_needs + 1):
        columns += [f"note_{i}", f"need_source_{i}"]
    rows = []
    for p in systems:
        row: dict[str, Any] = {
            "id": p.id,
            "name": p.name,
            "kind": p.kind,
            "part_of": p.part_of,
            "country": p.country,
            "population": p.population,
            "tags": "; ".join(p.tags),
            "capacity_teach": p.teach_capacity,
            "capacity_learn": p.learn_capacity,
            "partners": "; ".join(sorted(p.partners)),
            "exclude": "; ".join(sorted(p.exclude)),
            "strengths": "; ".join(f"{s.topic}:{s.level}" for s in p.strengths.values()),
            "challenges": "; ".join(f"{n.topic}:{n.priority}" for n in p.needs.values()),
        }
        for i, s in enumerate(p.strengths.values(), start=1):
            row[f"evidence_{i}"] = s.evidence
            row[f"source_{i}"] = s.source
        for i, n in enumerate(p.needs.values(), start=1):
            row[f"note_{i}"] = n.note
            row[f"need_source_{i}"] = n.source
        rows.append(row)
    return Listing(key="systems", rows=rows, columns=columns)


def peers_export_listing(pool: PeerPool) -> Listing:
    """A pool of people in the layout 'peermatch import --peers' reads, one row a person."""
    n = max((len(p.expertise) for p in pool.peers), default=1)
    columns = list(PEER_COLUMNS)
    for i in range(1, n + 1):
        columns += [f"evidence_{i}", f"source_{i}"]
    rows = []
    for p in pool.peers:
        row: dict[str, Any] = {
            "id": p.id,
            "name": p.name,
            "role": p.role,
            "home": p.home,
            "capacity": p.capacity,
            "expertise": "; ".join(f"{e.topic}:{e.level}" for e in p.expertise.values()),
        }
        for i, e in enumerate(p.expertise.values(), start=1):
            row[f"evidence_{i}"] = e.evidence
            row[f"source_{i}"] = e.source
        rows.append(row)
    return Listing(key="peers", rows=rows, columns=columns)
