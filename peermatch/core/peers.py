"""A pool of people for peer review teams (``peers.yaml``), references resolved.

Built by :mod:`peermatch.files.peers`; :mod:`peermatch.planning.teams` makes teams of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from peermatch.core.dataset import StrengthEntry


@dataclass(frozen=True)
class Peer:
    """One person: a role, the system they work in (if any) and their expertise."""

    id: str
    name: str
    role: str
    home: str | None  # a system id
    capacity: int
    expertise: dict[str, StrengthEntry]  # topic id -> entry, in file order


@dataclass(frozen=True)
class PeerPool:
    """The people of one ``peers.yaml``, in file order."""

    peers: tuple[Peer, ...]
    file: str = ""
