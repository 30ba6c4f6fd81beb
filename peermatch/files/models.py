"""The data files as pydantic models (systems, challenges, peers): the contract of
../DESIGN.md, strictly checked.

These models describe the files exactly as written (``challenge:`` may be an alias);
:mod:`peermatch.files.loading` resolves references and builds the
:class:`~peermatch.core.dataset.Dataset` the rest of the library works with.
``peermatch schema`` is generated from them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from peermatch.core.defaults import DEFAULT_PEER_CAPACITY
from peermatch.core.numbers import CAPACITY, POPULATION

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[str, StringConstraints(strict=True, pattern=SLUG_PATTERN, max_length=100)]
Text = Annotated[str, StringConstraints(strict=True, strip_whitespace=False, min_length=1)]
REF_MAX = 200
Ref = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=REF_MAX)]
#: The words a level or a priority may be written as, in YAML as in a spreadsheet
LEVEL_WORDS = {"emerging": 1, "established": 2, "exemplar": 3}
PRIORITY_WORDS = {"low": 1, "medium": 2, "high": 3}


def _as_number(words: dict[str, int]) -> Callable[[Any], Any]:
    """A word of ``words`` as its number; anything else as given, to be checked.

    Lowercase exactly, as the JSON Schema says, so that an editor and the loader agree.
    """

    def convert(value: Any) -> Any:
        return words.get(value, value) if isinstance(value, str) else value

    return convert


def _number_or_word(words: dict[str, int]) -> WithJsonSchema:
    return WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 3}, {"enum": list(words)}]}
    )


Level = Annotated[
    int,
    BeforeValidator(_as_number(LEVEL_WORDS)),
    Field(strict=True, ge=1, le=3),
    _number_or_word(LEVEL_WORDS),
]
Priority = Annotated[
    int,
    BeforeValidator(_as_number(PRIORITY_WORDS)),
    Field(strict=True, ge=1, le=3),
    _number_or_word(PRIORITY_WORDS),
]
Count = Annotated[int, Field(strict=True, ge=CAPACITY[0], le=CAPACITY[1])]
Population = Annotated[int, Field(strict=True, ge=POPULATION[0], le=POPULATION[1])]


Kind = Literal[
    "ics",
    "trust",
    "provider-collaborative",
    "place",
    "pcn",
    "council",
    "national-body",
    "international",
    "partnership",
    "vcse",
]
KINDS: tuple[str, ...] = get_args(Kind)


def _no_items() -> list[Any]:
    """An empty list, as ``default_factory=list`` gives; pydantic reads a factory's
    signature, and ``list``'s, a builtin's, is parsed from text by the tokenizer, whose
    first use compiles its patterns (3-5 ms of every first run)."""
    return []


class _Strict(BaseModel):
    # defer_build: each file's model is built when a file of its kind is first checked,
    # with the models inside it, once (not each model on its own at import, and not
    # PeersFile's at all when no peers.yaml is read)
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class Challenge(_Strict):
    """One improvement topic of the catalogue."""

    id: Slug = Field(
        description="Unique slug: lowercase letters, digits and hyphens, e.g. ambulance-handover."
    )
    name: Text = Field(description="The topic's name, e.g. Ambulance handover delays.")
    area: Slug = Field(description="A grouping slug, e.g. urgent-and-emergency-care.")
    aliases: list[Text] = Field(
        default_factory=_no_items,
        description="Other names a strength or challenge may use for this topic "
        "(matched ignoring case).",
    )
    related: list[Ref] = Field(
        default_factory=_no_items,
        description="Near topics (ids or aliases) that earn partial credit; "
        "listing on either side relates both ways.",
    )
    description: Text | None = Field(
        default=None, description="One or two sentences in our own words."
    )


class ChallengesFile(_Strict):
    """challenges.yaml: the catalogue of improvement topics."""

    challenges: list[Challenge] = Field(description="The topics, one entry each.")


class Strength(_Strict):
    """Something a system can teach: a topic, how far along it is, and the evidence."""

    challenge: Ref = Field(description="A topic id or alias from challenges.yaml.")
    level: Level = Field(
        description="1 emerging, 2 established, 3 exemplar (measured results; give the "
        "figures); the number or the word."
    )
    evidence: Text = Field(
        description="What they did and what it achieved, in our own words, with figures."
    )
    source: Text | None = Field(default=None, description="Where the evidence comes from.")


class Need(_Strict):
    """Something a system wants to learn: a topic and how pressing it is."""

    challenge: Ref = Field(description="A topic id or alias from challenges.yaml.")
    priority: Priority = Field(
        default=2, description="1 low, 2 medium, 3 high; the number or the word."
    )
    note: Text | None = Field(default=None, description="Optional context.")
    source: Text | None = Field(default=None, description="Where the evidence comes from.")


class Capacity(_Strict):
    """The most links a system takes in a plan, as teacher and as learner."""

    teach: Count | None = Field(
        default=None, description="Most learners this system teaches in a plan."
    )
    learn: Count | None = Field(
        default=None, description="Most teachers this system learns from in a plan."
    )


class System(_Strict):
    """One profile: an ICS, trust, collaborative, place, PCN, council, national body..."""

    id: Slug = Field(
        description="Unique slug: lowercase letters, digits and hyphens, e.g. north-east."
    )
    name: Text = Field(description="The system's name, e.g. North East and North Cumbria.")
    kind: Kind = Field(description="What sort of system this is.")
    part_of: Ref | None = Field(
        default=None, description="the id of the system this one is a unit of"
    )
    country: Text | None = Field(default=None, description="e.g. England, Scotland, Wales.")
    population: Annotated[int, Field(strict=True, ge=POPULATION[0], le=POPULATION[1])] | None = (
        Field(default=None, description="People served, a whole number, e.g. 3000000.")
    )
    tags: list[Slug] = Field(
        default_factory=_no_items, description="Context tags (slugs), e.g. [large, rural]."
    )
    capacity: Capacity = Field(
        default_factory=Capacity, description="The most links in a plan: {teach: 3, learn: 2}."
    )
    partners: list[Ref] = Field(
        default_factory=_no_items, description="Ids of existing or past learning partners."
    )
    exclude: list[Ref] = Field(
        default_factory=_no_items, description="Ids of systems never to pair with this one."
    )
    strengths: list[Strength] = Field(
        default_factory=_no_items, description="What this system can teach."
    )
    challenges: list[Need] = Field(
        default_factory=_no_items, description="What this system wants to learn."
    )


class SystemsFile(_Strict):
    """systems.yaml: one profile per system."""

    systems: list[System] = Field(description="The profiles, one entry each.")


class Peer(_Strict):
    """One person in a pool of peer reviewers."""

    id: Slug = Field(
        description="Unique slug: lowercase letters, digits and hyphens, e.g. jo-smith."
    )
    name: Text = Field(description="The person's name, e.g. Jo Smith.")
    role: Slug = Field(
        description="A free word for the role: member, officer, clinician, lived-experience ..."
    )
    home: Ref | None = Field(
        default=None,
        description="The id of the system they work in (no team for it, its family, its "
        "partners or exclusions).",
    )
    capacity: Count = Field(
        default=DEFAULT_PEER_CAPACITY, description="Teams a year this person can join."
    )
    expertise: list[Strength] = Field(
        default_factory=_no_items, description="What this person can bring, like a strength."
    )


class PeersFile(_Strict):
    """peers.yaml: the people peer review teams are made of."""

    peers: list[Peer] = Field(description="The people, one entry each.")
