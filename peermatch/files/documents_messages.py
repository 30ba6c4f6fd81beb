"""The document translator's words (:mod:`.documents`): what differs between the kinds of
YAML document (:class:`DocType`), and one pydantic error said as a code of
:class:`~peermatch.core.findings.Code` and a message that says what to do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, get_args

from pydantic import BaseModel

from peermatch.core.catalogue import closest, did_you_mean
from peermatch.core.findings import Code, quote
from peermatch.files.yaml_positions import Path_


@dataclass(frozen=True)
class DocType:
    """What one kind of YAML document is, for the translator.

    The messages for the top of the file may name ``{key}``, ``{a}`` (what the top is
    instead of a mapping) and ``{swap}`` (the hint that two files are swapped).
    """

    model: type[BaseModel]
    #: the top-level list, checked entry by entry (None: the whole mapping at once)
    key: str | None = None
    #: field name -> what its value must be, said when it is not
    hints: Mapping[str, str] = field(default_factory=dict)
    #: field name -> what each item of that list must be, said for any error in it
    item_hints: Mapping[str, str] = field(default_factory=dict)
    #: one entry of ``key``'s list, for "must be a list of links" (empty: just "a list")
    entry: str = ""
    #: what a key the model does not have is called: "unknown field", "unknown weight"
    field_word: str = "field"
    #: the code of every finding about a value (None: the code of the kind of problem)
    code: Code | None = None
    #: (code, message) for a file with no data; None: an empty file is the model's defaults
    empty: tuple[Code, str] | None = (
        Code.EMPTY,
        "the file has no data; expected a mapping with a '{key}:' list",
    )
    not_mapping: tuple[Code, str] = (
        Code.TOP_LEVEL,
        "expected a mapping with a '{key}:' list at the top, not {a}",
    )
    no_key: tuple[Code, str] = (Code.MISSING_KEY, "expected a top-level '{key}:' list{swap}")
    #: the other data file, whose key found here means the two files were swapped
    swapped_with: str = ""


_CONTAINERS = ("list_type", "dict_type", "model_type", "model_attributes_type")


def say(doc_type: DocType, err: Any, loc: Path_) -> tuple[Code, str]:
    """One pydantic error at ``loc`` in words: its code and message."""
    kind = err["type"]
    given = err.get("input")
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if kind == "extra_forbidden":
        return Code.UNKNOWN_FIELD, _unknown(doc_type, loc)
    if kind == "missing":
        return Code.MISSING_FIELD, f"required field '{loc[-1]}' is missing"
    number = kind in ("int_type", "float_type") and _quoted_number(given, kind == "float_type")
    if name in doc_type.hints and kind not in _CONTAINERS:
        fix = ": remove the quotes" if number else ""
        return Code.INVALID_VALUE, f"{doc_type.hints[name]}; got {_shown(given)}{fix}"
    if number:
        return Code.WRONG_TYPE, f"got {_shown(given)}: remove the quotes"
    if name in doc_type.item_hints:
        return Code.INVALID_VALUE, f"{doc_type.item_hints[name]}; got {_shown(given)}"
    return _say_kind(doc_type, err, loc)


def _say_kind(doc_type: DocType, err: Any, loc: Path_) -> tuple[Code, str]:
    """An error no field has its own words for, said by its kind."""
    kind = err["type"]
    given = err.get("input")
    if kind == "list_type":
        of = ""
        if doc_type.entry and loc == (doc_type.key,):
            of = f" of {doc_type.entry}s ('- {_fields(doc_type)[0]}: ...')"
        return Code.WRONG_TYPE, f"must be a list{of}, got {a_value(given)}"
    if kind in _CONTAINERS:
        if doc_type.entry and len(loc) == 2 and loc[0] == doc_type.key:
            fields = ", ".join(f"{name}:" for name in _fields(doc_type)[:2])
            what = f"each {doc_type.entry} must be a mapping ({fields}, ...)"
        else:
            what = "must be a mapping (key: value)"
        return Code.WRONG_TYPE, f"{what}, got {a_value(given)}"
    if kind == "string_type":
        return Code.WRONG_TYPE, f"must be text, got {a_value(given)}; quote it if needed"
    if kind == "string_too_short":
        return Code.INVALID_VALUE, "must not be empty"
    if kind == "string_too_long":
        most = (err.get("ctx") or {}).get("max_length")
        return Code.INVALID_VALUE, "is too long" + (f" (at most {most} characters)" if most else "")
    if kind == "value_error":  # a rule of the model's own, already in words
        return Code.INVALID_VALUE, str(err["msg"]).removeprefix("Value error, ")
    bounds = _bounds(doc_type, loc) if kind in _NUMBERS else ""
    if bounds:
        return Code.INVALID_VALUE, f"must be a number {bounds}; got {_shown(given)}"
    return Code.INVALID_VALUE, f"{err['msg'].rstrip('.')}; got {_shown(given)}"


_NUMBERS = (
    "float_type",
    "finite_number",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
)
_BOUND_WORDS = {"gt": "above", "ge": "at least", "lt": "below", "le": "at most"}


def _bounds(doc_type: DocType, loc: Path_) -> str:
    """The range a number field's value must be in, in words ("above 0 and at most 1")."""
    parent = model_at(doc_type.model, loc[:-1])
    found = parent.model_fields.get(str(loc[-1])) if parent and loc else None
    words = [
        f"{_BOUND_WORDS[name]} {getattr(rule, name):g}"
        for rule in (found.metadata if found else [])
        for name in _BOUND_WORDS
        if isinstance(getattr(rule, name, None), (int, float))
    ]
    return " and ".join(words)


def _unknown(doc_type: DocType, loc: Path_) -> str:
    """ "unknown field 'x'", with the field it was perhaps meant to be, or those allowed."""
    parent = model_at(doc_type.model, loc[:-1])
    allowed = sorted(parent.model_fields) if parent else []
    near = closest(str(loc[-1]), {a: a for a in allowed}, limit=1, cutoff=80)
    hint = did_you_mean(near) or (f"; allowed: {', '.join(allowed)}" if allowed else "")
    return f"unknown {doc_type.field_word} {quote(str(loc[-1]), limit=40)}{hint}"


def _fields(doc_type: DocType) -> list[str]:
    """The fields of an entry of the key's list, in order (for an example of one)."""
    item = model_at(doc_type.model, (doc_type.key or "", 0))
    return list(item.model_fields) if item else [""]


def _quoted_number(value: Any, decimal: bool = False) -> bool:
    """Whether ``value`` is text that reads as a whole number (``"3"``), or with
    ``decimal`` any number written with digits (``"0.5"``)."""
    if not isinstance(value, str):
        return False
    digits = value.strip().lstrip("+-")
    return (digits.replace(".", "", 1) if decimal else digits).isdigit()


def model_at(model: type[BaseModel], loc: Path_) -> type[BaseModel] | None:
    """Which model describes the mapping at ``loc`` (for listing allowed fields)."""
    for part in loc:
        if isinstance(part, int):
            continue
        found = model.model_fields.get(part)
        inner = _model_in(found.annotation) if found is not None else None
        if inner is None:
            return None
        model = inner
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model inside a field's type: ``Strength`` in ``list[Strength] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        inner = _model_in(arg)
        if inner is not None:
            return inner
    return None


def a_value(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({_shown(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _shown(value: Any, limit: int = 40) -> str:
    """A short, safe rendering of a user value for a message (never the whole thing)."""
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    if value is None:
        return "null"
    text = (
        repr(value)
        if isinstance(value, str)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )
    return text if len(text) <= limit else text[: limit - 3] + "..."
