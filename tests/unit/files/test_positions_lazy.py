"""Positions are recorded compactly and unpacked only when a finding needs one."""

from __future__ import annotations

import pytest
from conftest import SMALL

from peermatch.files import loading, yaml_positions
from peermatch.files import yaml_read as yamlio


def test_a_clean_load_never_unpacks_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("positions unpacked for a clean file")

    monkeypatch.setattr(yaml_positions, "_unpack", refuse)
    assert loading.load(SMALL).systems
    assert loading.load().systems  # the shipped data


def test_unpacked_positions_match_the_document() -> None:
    text = "a:\n  - x\n  - {b: 1, c: [2, 3]}\n'': 4\nd:\ne: ''\n"
    value, pos = yamlio.parse_yaml(text, "f.yaml")
    assert value == {"a": ["x", {"b": 1, "c": [2, 3]}], "": 4, "d": None, "e": ""}
    assert pos._table is None  # nothing unpacked yet
    assert dict(pos) == {
        (): (1, 1),
        ("a",): (1, 1),  # a list in a mapping: at its key
        ("a", 0): (2, 5),
        ("a", 1): (3, 5),
        ("a", 1, "b"): (3, 9),
        ("a", 1, "c"): (3, 12),  # at its key
        ("a", 1, "c", 0): (3, 16),
        ("a", 1, "c", 1): (3, 19),
        ("",): (4, 5),
        ("d",): (5, 1),  # 'd:' with nothing: at the key
        ("e",): (6, 4),
    }
    assert pos.key_at == {
        ("a",): (1, 1),
        ("a", 1, "b"): (3, 6),
        ("a", 1, "c"): (3, 12),
        ("",): (4, 1),
        ("d",): (5, 1),
        ("e",): (6, 1),
    }
    assert len(pos) == 11 and pos.get(("nope",)) is None


def test_a_duplicate_id_still_names_the_first_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "challenges.yaml").write_text((SMALL / "challenges.yaml").read_text())
    text = (SMALL / "systems.yaml").read_text().replace("id: beta", "id: alpha")
    (tmp_path / "systems.yaml").write_text(text)
    findings = loading.validate(tmp_path)
    dup = [f for f in findings if f.code == "duplicate-id"]
    assert dup and "(first at line 2)" in dup[0].message
