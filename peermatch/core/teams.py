"""The result of ``teams``: a team for each host, and how sure the solver is of the total.

Built by :mod:`peermatch.planning.teams`; rendered by :mod:`peermatch.present.teams`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TeamMember:
    """One member of a host's team: a system or a person, and the host's needs it brings."""

    member: str
    role: str
    topics: tuple[str, ...]  # the host's needs it has credit on, in the host's order

    def as_row(self) -> dict[str, Any]:
        return {"member": self.member, "role": self.role, "topics": list(self.topics)}


@dataclass(frozen=True)
class HostTeam:
    """A host's team, its coverage (0..100) and, when it is short, why."""

    host: str
    coverage: float
    members: tuple[TeamMember, ...]
    uncovered: tuple[str, ...]  # the host's needs nobody on the team has credit on
    reason: str | None = None  # why it is short of the size or of the role mix

    @property
    def full(self) -> bool:
        return self.reason is None

    def as_row(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "coverage": self.coverage,
            "members": [m.as_row() for m in self.members],
            "uncovered": list(self.uncovered),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Teams:
    """Every host's team; ``total`` is the sum of coverage, ``bound`` no teams beat it."""

    teams: tuple[HostTeam, ...]
    total: float
    bound: float
    optimal: bool
    size: int
    settings: dict[str, Any]

    @property
    def short(self) -> tuple[HostTeam, ...]:
        """The hosts that could not get a full team (size or role mix)."""
        return tuple(t for t in self.teams if not t.full)
