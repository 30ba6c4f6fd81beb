"""JSON Schema (draft-07) of the data files and peers.yaml, generated from
:mod:`peermatch.files.models`.

Editors (VS Code with the YAML extension, any yaml-language-server client) validate and
complete ``systems.yaml`` and ``challenges.yaml`` as you type with these schemas. The
committed copies in ``schemas/`` are what the shipped data's modeline points at; a test
keeps them equal to :func:`schema_text`.

The schema checks the shape (fields, types, ranges, slugs). What needs both files or the
whole file (references resolve, ids are unique, no tabs or YAML tags) is for
``peermatch validate``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

DRAFT_07 = "http://json-schema.org/draft-07/schema#"


class Which(StrEnum):
    """Which file's schema: one of the two, or ``both`` (a schema either file satisfies)."""

    systems = "systems"
    challenges = "challenges"
    peers = "peers"
    both = "both"


def _model(name: str) -> type[BaseModel]:
    """The file's model, imported here so that ``peermatch --help`` never builds pydantic's."""
    from peermatch.files import models

    files: dict[str, type[BaseModel]] = {
        "systems": models.SystemsFile,
        "challenges": models.ChallengesFile,
        "peers": models.PeersFile,
    }
    return files[name]


_TITLES = {
    "systems": "peermatch systems.yaml",
    "challenges": "peermatch challenges.yaml",
    "peers": "peermatch peers.yaml",
    "both": "peermatch data file (systems.yaml or challenges.yaml)",
}


def json_schema(which: Which | str = Which.both) -> dict[str, Any]:
    """The draft-07 JSON Schema of ``systems.yaml``, ``challenges.yaml`` or either."""
    which = Which(which)
    if which is Which.both:
        definitions: dict[str, Any] = {}
        choices = []
        for name in ("systems", "challenges"):
            model = _model(name)
            one = _draft07(model)
            definitions.update(one.pop("definitions", {}))
            definitions[model.__name__] = one
            choices.append({"$ref": f"#/definitions/{model.__name__}"})
        doc: dict[str, Any] = {
            "$schema": DRAFT_07,
            "title": _TITLES["both"],
            "description": "Either peermatch data file; see 'peermatch schema systems' and "
            "'peermatch schema challenges' for one file.",
            "oneOf": choices,
            "definitions": dict(sorted(definitions.items())),
        }
        return doc
    doc = _draft07(_model(which.value))
    head = {"$schema": DRAFT_07, "title": _TITLES[which.value], "description": doc["description"]}
    return {**head, **{k: v for k, v in doc.items() if k not in head}}


def schema_text(which: Which | str = Which.both) -> str:
    """:func:`json_schema` as the exact text of the committed ``schemas/*.schema.json``."""
    import json  # here: the CLI imports this module on every start

    return json.dumps(json_schema(which), indent=2, ensure_ascii=False) + "\n"


def _draft07(model: type[BaseModel]) -> dict[str, Any]:
    """Pydantic's schema (draft 2020-12 style) in draft-07 terms: ``definitions``, not ``$defs``."""
    raw = model.model_json_schema(ref_template="#/definitions/{model}", mode="validation")
    defs = raw.pop("$defs", None)
    if defs:
        raw["definitions"] = dict(sorted(defs.items()))
    tidy: dict[str, Any] = _tidy(raw)
    return tidy


def _tidy(node: Any) -> Any:
    """Drop pydantic's per-field titles ("Id", "Name"): editors show the description instead.

    A "title" key is dropped only where it is a field's title (a string beside a schema's
    other keywords), never a property that happens to be named "title".
    """
    if isinstance(node, list):
        return [_tidy(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: _tidy_field(sub) for name, sub in value.items()}
        else:
            out[key] = _tidy(value)
    return out


def _tidy_field(node: Any) -> Any:
    node = _tidy(node)
    if isinstance(node, dict) and isinstance(node.get("title"), str) and "description" in node:
        node = {k: v for k, v in node.items() if k != "title"}
    return node
