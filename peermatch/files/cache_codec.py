"""A checked :class:`Dataset` as plain lists, strings and numbers (JSON), and back.

The cache (:mod:`peermatch.files.cache`) stores what this module encodes. Decoding checks the
whole structure, every field's type included, and raises :class:`CacheFormatError` on the
first thing out of place: an entry that decodes is a dataset peermatch could have built, and
anything else is a miss, never a wrong answer or a traceback. No pydantic, no PyYAML.
"""

from __future__ import annotations

from typing import Any

from peermatch.core.catalogue import Catalogue, Topic
from peermatch.core.dataset import Dataset, NeedEntry, Profile, StrengthEntry
from peermatch.core.findings import Finding, Severity


class CacheFormatError(ValueError):
    """A cache entry that is not a dataset this version of peermatch wrote."""


# --------------------------------------------------------------------------- entries


def encode_entry(dataset: Dataset) -> bytes:
    """The bytes of a cache entry's body: :func:`encode` as compact UTF-8 JSON."""
    import json

    return json.dumps(encode(dataset), ensure_ascii=False, separators=(",", ":")).encode()


def decode_entry(body: bytes) -> Dataset | None:
    """The dataset in an entry's body, or ``None`` if it is not one (never raises)."""
    import json

    try:
        return decode(json.loads(body))
    except (ValueError, RecursionError, TypeError):  # JSON, UTF-8 and CacheFormatError
        return None


# --------------------------------------------------------------------------- encoding


def encode(dataset: Dataset) -> dict[str, Any]:
    """``dataset`` as one JSON-ready object (lists in file order; sets sorted)."""
    return {
        "systems_file": dataset.systems_file,
        "challenges_file": dataset.challenges_file,
        "topics": [
            [t.id, t.name, t.area, list(t.aliases), list(t.related), t.description]
            for t in dataset.catalogue
        ],
        "systems": [_encode_profile(p) for p in dataset.systems],
        "warnings": [
            [f.file, f.line, f.column, f.path, f.code, f.message] for f in dataset.warnings
        ],
        "file_order": list(dataset.file_order),
    }


def _encode_profile(p: Profile) -> list[Any]:
    return [
        p.id,
        p.name,
        p.kind,
        p.country,
        p.population,
        list(p.tags),
        p.teach_capacity,
        p.learn_capacity,
        sorted(p.partners),
        sorted(p.exclude),
        [[s.topic, s.level, s.evidence, s.source] for s in p.strengths.values()],
        [[n.topic, n.priority, n.note, n.source] for n in p.needs.values()],
        p.part_of,
    ]


# --------------------------------------------------------------------------- decoding


def decode(raw: Any) -> Dataset:
    """The :class:`Dataset` that :func:`encode` made ``raw`` from; checks every field."""
    body = _dict(
        raw, ("systems_file", "challenges_file", "topics", "systems", "warnings", "file_order")
    )
    topics: dict[str, Topic] = {}
    for item in _list(body["topics"]):
        t = _row(item, 6)
        topic = Topic(_str(t[0]), _str(t[1]), _str(t[2]), _strs(t[3]), _strs(t[4]), _opt_str(t[5]))
        if topic.id in topics:
            raise CacheFormatError(f"topic {topic.id} twice")
        topics[topic.id] = topic
    profiles = [_decode_profile(item, topics) for item in _list(body["systems"])]
    ids = [p.id for p in profiles]
    if ids != sorted(set(ids)):
        raise CacheFormatError("systems not sorted by id, or an id twice")
    known = set(ids)
    for p in profiles:
        if not (p.partners | p.exclude | {p.part_of or p.id}) <= known:
            raise CacheFormatError(f"{p.id} names a system the entry lacks")
    if not {r for t in topics.values() for r in t.related} <= set(topics):
        raise CacheFormatError("a related topic the catalogue lacks")
    file_order = _strs(body["file_order"])
    if file_order and sorted(file_order) != ids:
        raise CacheFormatError("the file order is not an order of the systems")
    warnings = []
    for item in _list(body["warnings"]):
        w = _row(item, 6)
        warnings.append(
            Finding(
                _str(w[0]), _int(w[1]), _int(w[2]), _str(w[3]), _str(w[4]), _str(w[5]),
                Severity.WARNING,
            )
        )  # fmt: skip
    return Dataset(
        systems=profiles,
        catalogue=Catalogue(topics),
        systems_file=_str(body["systems_file"]),
        challenges_file=_str(body["challenges_file"]),
        warnings=warnings,
        file_order=file_order,
    )


def _decode_profile(item: Any, topics: dict[str, Topic]) -> Profile:
    p = _row(item, 13)
    strengths: dict[str, StrengthEntry] = {}
    for entry in _list(p[10]):
        s = _row(entry, 4)
        topic = _topic(s[0], topics)
        strengths[topic] = StrengthEntry(topic, _level(s[1]), _str(s[2]), _opt_str(s[3]))
    needs: dict[str, NeedEntry] = {}
    for entry in _list(p[11]):
        n = _row(entry, 4)
        topic = _topic(n[0], topics)
        needs[topic] = NeedEntry(topic, _level(n[1]), _opt_str(n[2]), _opt_str(n[3]))
    if len(strengths) != len(p[10]) or len(needs) != len(p[11]):
        raise CacheFormatError("a topic twice in one list")
    return Profile(
        id=_str(p[0]),
        name=_str(p[1]),
        kind=_str(p[2]),
        country=_opt_str(p[3]),
        population=_opt_int(p[4]),
        tags=_strs(p[5]),
        teach_capacity=_opt_int(p[6]),
        learn_capacity=_opt_int(p[7]),
        partners=frozenset(_strs(p[8])),
        exclude=frozenset(_strs(p[9])),
        strengths=strengths,
        needs=needs,
        part_of=_opt_str(p[12]),
    )


# --------------------------------------------------------------------------- field checks


def _dict(value: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    if type(value) is not dict or set(value) != set(keys):
        raise CacheFormatError(f"expected an object with {', '.join(keys)}")
    return value


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise CacheFormatError("expected a list")
    return value


def _row(value: Any, size: int) -> list[Any]:
    if type(value) is not list or len(value) != size:
        raise CacheFormatError(f"expected a row of {size}")
    return value


def _str(value: Any) -> str:
    if type(value) is not str:
        raise CacheFormatError("expected a string")
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(_str(v) for v in _list(value))


def _int(value: Any) -> int:
    if type(value) is not int:
        raise CacheFormatError("expected a whole number")
    return value


def _opt_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _level(value: Any) -> int:
    if _int(value) not in (1, 2, 3):
        raise CacheFormatError("a level or priority outside 1..3")
    return int(value)


def _topic(value: Any, topics: dict[str, Topic]) -> str:
    if _str(value) not in topics:
        raise CacheFormatError("a reference to a topic the catalogue lacks")
    return str(value)
