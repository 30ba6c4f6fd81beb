"""The safe YAML reader: YAML 1.2 scalars, positions, and what it refuses."""

from __future__ import annotations

import pytest
import yaml

from peermatch.core.errors import DataError
from peermatch.files.yaml_read import parse_yaml, resolve_plain


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_yaml(text, "f.yaml")


def pure(text: str):  # type: ignore[no-untyped-def]
    return parse_yaml(text, "f.yaml", make_parser=yaml.SafeLoader)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("NO", "NO"),
        ("on", "on"),
        ("yes", "yes"),
        ("2024-01-02", "2024-01-02"),
        ("~", None),
        ("null", None),
        ("", None),
        ("true", True),
        ("False", False),
        ("12", 12),
        ("-3", -3),
        ("0o17", 15),
        ("0x1F", 31),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("012", 12),
        ("1_000", "1_000"),
        ("3:30", "3:30"),
        ("0b101", "0b101"),
    ],
)
def test_yaml_12_core_schema(text: str, value: object) -> None:
    assert resolve_plain(text) == value
    assert type(resolve_plain(text)) is type(value)


def test_quoted_scalars_stay_text() -> None:
    data, _ = parse("a: '3'\nb: \"true\"\n")
    assert data == {"a": "3", "b": "true"}


def test_positions_point_at_values_and_keys() -> None:
    text = "systems:\n  - id: x\n    strengths:\n      - level: 3\n"
    data, pos = parse(text)
    assert data == {"systems": [{"id": "x", "strengths": [{"level": 3}]}]}
    assert pos[("systems", 0, "id")] == (2, 9)
    assert pos[("systems", 0, "strengths")] == (3, 5)  # a container: its key
    assert pos[("systems", 0, "strengths", 0, "level")] == (4, 16)


def test_bom_is_allowed_by_read_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from peermatch.files.checked_read import read_text

    f = tmp_path / "a.yaml"
    f.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert parse(read_text(f, "a.yaml"))[0] == {"a": 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: 1\na: 2\n",
            "f.yaml:2:1: duplicate key 'a' (first at line 1); each key may appear "
            "once in a mapping",
        ),
        (
            "a: &x [1]\nb: *x\n",
            "f.yaml:1:4: anchors (&name) are not allowed; write each value out in full",
        ),
        (
            "a: !!python/object:os.system x\n",
            "f.yaml:1:4: YAML tags such as !!python/object or !name are not allowed; "
            "remove the tag",
        ),
        ("1: a\n", "f.yaml:1:1: keys must be text, not a number; quote the key"),
        (
            "a:\n\t- b\n",
            "f.yaml:2:1: a tab character; YAML is indented with spaces, so replace the tab "
            'with spaces (inside double quotes "\\t" writes a tab)',
        ),
        (
            "a: 1\n---\nb: 2\n",
            "f.yaml:2:1: more than one YAML document (---) in this file; "
            "keep one document per file",
        ),
        (
            "[" * 100 + "]" * 100,
            "f.yaml:1:65: nesting deeper than 64 levels; the data format is much flatter",
        ),
        ("? [a]\n: b\n", "f.yaml:1:3: keys must be text, not a list or mapping"),
    ],
)
def test_refusals_name_the_line(text: str, message: str) -> None:
    for parser in (parse, pure):
        with pytest.raises(DataError) as info:
            parser(text)
        assert str(info.value) == message


def test_empty_and_comment_only_give_none() -> None:
    assert parse("") == (None, {})
    assert parse("# just a comment\n") == (None, {})


def test_c_and_pure_parsers_agree() -> None:
    text = "systems:\n  - {id: a, tags: [x, y]}\n  - id: b\n    population: 12\n"
    assert parse(text) == pure(text)


@pytest.mark.parametrize(
    "text",
    [
        "systems: " + "[" * 2000 + "]" * 2000,  # past libyaml 0.2.6's own flow limit (1000)
        "systems: " + "{a: " * 1500 + "1" + "}" * 1500,
        "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 1200)),  # block nesting
    ],
)
def test_deep_nesting_is_ours_whichever_parser(text: str) -> None:
    """libyaml's own nesting limit never shows through: the finding, its code and its place
    are the ones our limit gives, from the C and the pure-Python parser alike."""
    found = []
    for parser in (parse, pure):
        with pytest.raises(DataError) as info:
            parser(text)
        (finding,) = info.value.findings
        assert finding.code == "too-deep"
        assert "nesting deeper than 64 levels" in finding.message
        found.append(str(info.value))
    assert found[0] == found[1]


def test_a_parser_with_a_lower_limit_of_its_own_still_gives_too_deep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Should even the pure-Python parser refuse nesting before our limit does (a future
    PyYAML), its place is reported as our finding."""

    class Refuses(yaml.SafeLoader):
        def get_event(self):  # type: ignore[no-untyped-def]
            raise yaml.scanner.ScannerError(
                "while increasing flow level",
                None,
                "exceeded maximum nesting depth",
                yaml.Mark("f.yaml", 30, 0, 29, None, None),
            )

    monkeypatch.setattr(yaml, "SafeLoader", Refuses)
    with pytest.raises(DataError) as info:
        parse_yaml("[[[]]]", "f.yaml", make_parser=Refuses)
    (finding,) = info.value.findings
    assert (finding.code, finding.line, finding.column) == ("too-deep", 1, 30)
