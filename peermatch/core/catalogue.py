"""The topic catalogue: resolving what people write to one topic id, and suggesting fixes."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from peermatch.core.glossary import exact_labels, fold

if TYPE_CHECKING:
    from peermatch.core.resolve import Resolver


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    area: str
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # resolved ids, symmetric, sorted
    description: str | None = None


@dataclass
class Catalogue:
    """Topics by id, with case-insensitive lookup by id or alias."""

    topics: dict[str, Topic]
    _lookup: dict[str, str] = field(default_factory=dict, repr=False)
    _resolver: Resolver | None = field(default=None, repr=False, compare=False)
    _exact: dict[str, str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self._lookup:
            self._lookup = build_lookup(self.topics.values())

    def resolve(self, ref: str) -> str | None:
        """The topic id that ``ref`` names (an id or alias, any case), or ``None``."""
        return self._lookup.get(normalise(ref))

    def suggest(self, ref: str, limit: int = 3) -> list[str]:
        """Topic ids closest to an unknown ``ref`` by meaning (the resolver), best first.

        Only ever a suggestion ("did you mean"): a reference resolves exactly or not at all."""
        ranked = self.resolver().resolve(ref).ranked()
        return [tid for tid, score in ranked if score > 0][:limit]

    def exact(self, text: str) -> str | None:
        """The topic ``text`` names exactly: an id, name or alias, ignoring case, spacing and
        punctuation (the resolver's exact hits, without loading its matrices)."""
        if self._exact is None:
            self._exact = exact_labels(self.topics.values())
        return self._exact.get(fold(text))

    def resolver(self) -> Resolver:
        """The free-text resolver over these topics, built on first use, then cached.

        Meaning only ever suggests: a data file's references go through :meth:`resolve`."""
        if self._resolver is None:
            from peermatch.core.resolve import Resolver

            self._resolver = Resolver(self.topics.values())
        return self._resolver

    def __iter__(self) -> Iterator[Topic]:
        return iter(self.topics.values())

    def __len__(self) -> int:
        return len(self.topics)


def normalise(text: str) -> str:
    """How names, ids and aliases are compared: NFC (a precomposed and a decomposed "é" are
    the same), case-folded, blanks collapsed."""
    return " ".join(
        unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold()).split()
    )


#: Letters from other scripts that look like Latin ones (Cyrillic, Greek), for
#: :func:`skeleton`: a short table of the usual suspects, not the whole Unicode list.
_CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁһӏԛԝвкмнтαεικνορτυχ",
    "aeopcyxijsdhlqwbkmhtaeiknoptux",
)


def skeleton(text: str) -> str:
    """What ``text`` looks like: NFKC, case-folded, blanks collapsed, look-alike letters
    from other scripts mapped to Latin. Two names with one skeleton are confusable."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.translate(_CONFUSABLES).split())


def build_lookup(topics: Iterable[Topic]) -> dict[str, str]:
    """Map each normalised id and alias to its topic id; ids win over aliases."""
    lookup: dict[str, str] = {}
    topics = list(topics)
    for topic in topics:
        for alias in topic.aliases:
            lookup.setdefault(normalise(alias), topic.id)
    for topic in topics:
        lookup[normalise(topic.id)] = topic.id
    return lookup


def closest(
    ref: str, choices: dict[str, str], *, limit: int = 3, cutoff: float = 60.0
) -> list[str]:
    """Fuzzy-match ``ref`` against the keys of ``choices``; return distinct values, best first.

    Uses rapidfuzz's WRatio on normalised text; ties break by the value's name so the
    answer is deterministic.
    """
    if not choices:
        return []
    return [value for value, _ in ranked_matches(ref, choices, cutoff)[:limit]]


def ranked_matches(text: str, choices: dict[str, str], cutoff: float) -> list[tuple[str, float]]:
    """Each value of ``choices`` whose key fuzzily matches ``text`` at ``cutoff`` or better,
    with its best score: best first, ties by value (rapidfuzz WRatio on normalised text)."""
    from rapidfuzz import fuzz, process, utils

    hits = process.extract(
        normalise(text),
        list(choices),
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=None,
        score_cutoff=cutoff,
    )
    best: dict[str, float] = {}
    for key, score, _ in hits:
        value = choices[key]
        best[value] = max(best.get(value, 0.0), float(score))
    return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))


def did_you_mean(options: Sequence[str]) -> str:
    if not options:
        return ""
    if len(options) == 1:
        return f"; did you mean {options[0]}?"
    return "; did you mean " + ", ".join(options[:-1]) + f" or {options[-1]}?"
