"""Loading and validating the two files, with every problem located."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TEST_DATA

import peermatch
from peermatch.core.errors import DataError, PeermatchError

HAND = TEST_DATA / "valid" / "handworked"


def write(folder: Path, systems: str, challenges: str | None = None) -> Path:
    (folder / "systems.yaml").write_text(systems, encoding="utf-8")
    (folder / "challenges.yaml").write_text(
        challenges if challenges is not None else (HAND / "challenges.yaml").read_text(),
        encoding="utf-8",
    )
    return folder


def errors_of(folder: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        peermatch.load(folder)
    return [str(f).replace(str(folder) + "/", "") for f in info.value.findings]


def test_handworked_loads_with_aliases_resolved() -> None:
    data = peermatch.load(HAND)
    assert [p.id for p in data.systems] == ["east", "north", "south", "west"]
    south = data.system("south")
    assert list(south.needs) == ["topic-a", "topic-c"]  # "The A Topic" is an alias
    assert data.catalogue.topics["topic-b"].related == ("topic-a",)  # symmetric
    assert data.warnings == []  # east has no strengths: learn-only, which is normal


def test_explicit_files_override_data_dir() -> None:
    data = peermatch.load(systems=HAND / "systems.yaml", challenges=HAND / "challenges.yaml")
    assert len(data.systems) == 4


def test_level_must_be_1_2_or_3(tmp_path: Path) -> None:
    write(
        tmp_path,
        "systems:\n  - id: a\n    name: A\n    kind: ics\n    strengths:\n"
        "      - challenge: topic-a\n        level: yes\n        evidence: x\n",
    )
    assert errors_of(tmp_path) == [
        "systems.yaml:7:16: systems[0].strengths[0].level: must be 1, 2 or 3 "
        "(1 emerging, 2 established, 3 exemplar); got 'yes'"
    ]


def test_quoted_number_is_not_a_number(tmp_path: Path) -> None:
    write(
        tmp_path,
        "systems:\n  - id: a\n    name: A\n    kind: ics\n    challenges:\n"
        "      - challenge: topic-a\n        priority: '3'\n",
    )
    assert errors_of(tmp_path) == [
        "systems.yaml:7:19: systems[0].challenges[0].priority: must be 1, 2 or 3 "
        "(1 low, 2 medium, 3 high); got '3': remove the quotes"
    ]


def test_levels_and_priorities_may_be_words(tmp_path: Path) -> None:
    """As in a spreadsheet: ``level: established`` and ``priority: high`` read as 2 and 3."""
    write(
        tmp_path,
        "systems:\n  - id: a\n    name: A\n    kind: ics\n    strengths:\n"
        "      - challenge: topic-a\n        level: established\n        evidence: x\n"
        "    challenges:\n      - challenge: topic-b\n        priority: high\n",
    )
    a = peermatch.load(tmp_path).system("a")
    assert (a.strengths["topic-a"].level, a.needs["topic-b"].priority) == (2, 3)


def test_a_word_level_is_lowercase_as_the_schema_says(tmp_path: Path) -> None:
    write(
        tmp_path,
        "systems:\n  - id: a\n    name: A\n    kind: ics\n    strengths:\n"
        "      - challenge: topic-a\n        level: Exemplary\n        evidence: x\n",
    )
    assert errors_of(tmp_path) == [
        "systems.yaml:7:16: systems[0].strengths[0].level: must be 1, 2 or 3 "
        "(1 emerging, 2 established, 3 exemplar); got 'Exemplary'"
    ]


def test_schema_errors_and_unknown_topics_come_in_one_pass(tmp_path: Path) -> None:
    write(
        tmp_path,
        "systems:\n  - id: a\n    name: A\n    kind: ics\n    strengths:\n"
        "      - challenge: topic-a\n        level: '3'\n        evidence: x\n"
        "      - challenge: topic-zz\n        level: 1\n        evidence: x\n",
    )
    assert errors_of(tmp_path) == [
        "systems.yaml:7:16: systems[0].strengths[0].level: must be 1, 2 or 3 "
        "(1 emerging, 2 established, 3 exemplar); got '3': remove the quotes",
        "systems.yaml:9:20: systems[0].strengths[1].challenge: unknown topic 'topic-zz'; "
        "did you mean topic-a, topic-b or topic-c?",
    ]


def test_unknown_topic_suggests_the_closest(tmp_path: Path) -> None:
    write(
        tmp_path,
        "systems:\n  - id: a\n    name: A\n    kind: ics\n    challenges:\n"
        "      - challenge: topic-aa\n",
    )
    [message] = errors_of(tmp_path)
    assert message.startswith(
        "systems.yaml:6:20: systems[0].challenges[0].challenge: "
        "unknown topic 'topic-aa'; did you mean topic-a"
    )


def test_every_problem_is_collected(tmp_path: Path) -> None:
    write(
        tmp_path,
        (
            "systems:\n"
            "  - id: A\n    name: A\n    kind: hospital\n"
            "  - id: b\n    name: B\n    kind: ics\n    colour: red\n"
        ),
    )
    assert errors_of(tmp_path) == [
        "systems.yaml:2:9: systems[0].id: must be a slug: lowercase letters, digits and single "
        "hyphens, e.g. 'north-east'; got 'A'",
        "systems.yaml:4:11: systems[0].kind: must be one of: ics, trust, provider-collaborative, "
        "place, pcn, council, national-body, international, partnership, vcse; got 'hospital'",
        "systems.yaml:8:5: systems[1].colour: unknown field 'colour'; allowed: capacity, "
        "challenges, country, exclude, id, kind, name, part_of, partners, population, strengths, "
        "tags",
    ]


def test_cross_file_checks(tmp_path: Path) -> None:
    write(
        tmp_path,
        (
            "systems:\n"
            "  - id: a\n    name: A\n    kind: ics\n    partners: [bb, a]\n"
            "    strengths:\n"
            "      - {challenge: topic-a, level: 1, evidence: x}\n"
            "      - {challenge: the a topic, level: 2, evidence: y}\n"
            "  - id: b\n    name: B\n    kind: ics\n"
            "  - id: a\n    name: A again\n    kind: ics\n"
        ),
    )
    assert errors_of(tmp_path) == [
        "systems.yaml:5:16: systems[0].partners[0]: unknown system 'bb'; did you mean b?",
        "systems.yaml:5:20: systems[0].partners[1]: system 'a' cannot list itself in partners",
        "systems.yaml:8:21: systems[0].strengths[1].challenge: topic 'topic-a' is listed twice "
        "in strengths (first at line 7); merge the two entries",
        "systems.yaml:12:9: systems[2].id: duplicate system id 'a' (first at line 2); "
        "ids must be unique",
    ]


def test_empty_file_and_wrong_top_level(tmp_path: Path) -> None:
    write(tmp_path, "# nothing yet\n", "- a\n- b\n")
    assert errors_of(tmp_path) == [
        "challenges.yaml:1:1: expected a mapping with a 'challenges:' list at the top, not a list",
        "systems.yaml:1:1: the file has no data; expected a mapping with a 'systems:' list",
    ]


def test_swapped_files_are_spotted(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        peermatch.load(systems=HAND / "challenges.yaml", challenges=HAND / "systems.yaml")
    assert "are --systems and --challenges swapped?" in str(info.value)


def test_missing_folder_and_file(tmp_path: Path) -> None:
    with pytest.raises(PeermatchError, match="does not exist; --data needs a folder"):
        peermatch.load(tmp_path / "nope")
    with pytest.raises(DataError, match=r"systems\.yaml: no such file"):
        peermatch.load(tmp_path)


def test_validate_returns_warnings_without_raising() -> None:
    findings = peermatch.validate(HAND)
    assert findings == []  # a learn-only system is normal, not a warning


def test_related_unknown_and_alias_clash(tmp_path: Path) -> None:
    write(
        tmp_path,
        "systems: []\n",
        (
            "challenges:\n"
            "  - {id: topic-a, name: A, area: x, related: [topic-z]}\n"
            "  - {id: topic-b, name: B, area: x, aliases: [topic-a]}\n"
        ),
    )
    findings = [
        str(f).replace(str(tmp_path) + "/", "")
        for f in peermatch.validate(tmp_path)
        if f.code != "unused-topic"
    ]
    assert findings[0] == (
        "challenges.yaml:2:47: challenges[0].related[0]: unknown related "
        "topic 'topic-z'; did you mean topic-a or topic-b?"
    )
    assert "alias 'topic-a' is also the id of 'topic-a'" in findings[1]


def test_part_of_names_the_containing_system(tmp_path: Path) -> None:
    write(
        tmp_path,
        "systems:\n"
        "  - id: top\n    name: Top\n    kind: ics\n"
        "  - id: unit\n    name: Unit\n    kind: place\n    part_of: top\n"
        "  - id: leaf\n    name: Leaf\n    kind: pcn\n    part_of: unit\n",
    )
    data = peermatch.load(tmp_path)
    assert [data.system(sid).part_of for sid in ("top", "unit", "leaf")] == [None, "top", "unit"]


def test_part_of_errors_name_the_place(tmp_path: Path) -> None:
    write(
        tmp_path,
        "systems:\n"
        "  - id: a\n    name: A\n    kind: ics\n    part_of: b\n"
        "  - id: b\n    name: B\n    kind: ics\n    part_of: a\n"
        "  - id: c\n    name: C\n    kind: pcn\n    part_of: c\n"
        "  - id: d\n    name: D\n    kind: pcn\n    part_of: bb\n",
    )
    assert errors_of(tmp_path) == [
        "systems.yaml:5:14: systems[0].part_of: part_of goes round in a cycle: a -> b -> a; "
        "a system cannot contain itself",
        "systems.yaml:13:14: systems[2].part_of: system 'c' cannot be part of itself",
        "systems.yaml:17:14: systems[3].part_of: unknown system 'bb'; did you mean b?",
    ]


def test_an_exemplar_figure_may_be_a_word_like_halved(tmp_path: Path) -> None:
    write(
        tmp_path,
        "systems:\n"
        "  - id: a\n    name: A\n    kind: ics\n    strengths:\n"
        "      - {challenge: topic-a, level: 3, evidence: Halved emergency admissions.}\n"
        "      - {challenge: topic-b, level: 3, evidence: Cut delays a great deal.}\n"
        "    challenges:\n      - challenge: topic-c\n      - challenge: topic-d\n",
    )
    findings = peermatch.validate(tmp_path)
    assert [(f.code, f.path) for f in findings] == [
        ("exemplar-without-figure", "systems[0].strengths[1].evidence")
    ]
