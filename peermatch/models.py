"""The two data files as pydantic models: the contract of ../DESIGN.md, strictly checked.

These models describe the files exactly as written (``challenge:`` may be an alias);
:mod:`peermatch.loading` resolves references and builds the :class:`~peermatch.loading.Dataset`
the rest of the library works with. ``peermatch schema`` is generated from them.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[str, StringConstraints(strict=True, pattern=SLUG_PATTERN, max_length=100)]
Text = Annotated[str, StringConstraints(strict=True, strip_whitespace=False, min_length=1)]
Ref = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=200)]
Level = Annotated[int, Field(strict=True, ge=1, le=3)]
Priority = Annotated[int, Field(strict=True, ge=1, le=3)]
Count = Annotated[int, Field(strict=True, ge=0, le=1000)]


Kind = Literal[
    "ics",
    "trust",
    "provider-collaborative",
    "place",
    "pcn",
    "council",
    "national-body",
    "international",
]
KINDS: tuple[str, ...] = get_args(Kind)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Challenge(_Strict):
    """One improvement topic of the catalogue."""

    id: Slug
    name: Text
    area: Slug
    aliases: list[Text] = Field(default_factory=list)
    related: list[Ref] = Field(default_factory=list)
    description: Text | None = None


class ChallengesFile(_Strict):
    challenges: list[Challenge]


class Strength(_Strict):
    """Something a system can teach: a topic, how far along it is, and the evidence."""

    challenge: Ref
    level: Level
    evidence: Text
    source: Text | None = None


class Need(_Strict):
    """Something a system wants to learn: a topic and how pressing it is."""

    challenge: Ref
    priority: Priority = 2
    note: Text | None = None


class Capacity(_Strict):
    """The most links a system takes in a plan, as teacher and as learner."""

    teach: Count | None = None
    learn: Count | None = None


class System(_Strict):
    """One profile: an ICS, trust, collaborative, place, PCN, council, national body..."""

    id: Slug
    name: Text
    kind: Kind
    country: Text | None = None
    population: Annotated[int, Field(strict=True, ge=0)] | None = None
    tags: list[Slug] = Field(default_factory=list)
    capacity: Capacity = Field(default_factory=Capacity)
    partners: list[Ref] = Field(default_factory=list)
    exclude: list[Ref] = Field(default_factory=list)
    strengths: list[Strength] = Field(default_factory=list)
    challenges: list[Need] = Field(default_factory=list)


class SystemsFile(_Strict):
    systems: list[System]
