"""The command line for units inside systems: ``systems`` as a tree, ``explain`` saying two
systems are one, ``--across`` on suggest and groups, and teach-only systems as notes in
plan, groups and gaps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cohorts import Spec, write_yaml
from conftest import invoke, run


@pytest.fixture
def family(tmp_path: Path) -> Path:
    """A system with a unit inside a unit, another system, and a teach-only one."""
    return write_yaml(
        [
            Spec("west", {"t-a": 3}, {"t-c": 2}),
            Spec("north", {"t-a": 2, "t-c": 1}, {"t-c": 3, "t-a": 1}),
            Spec("trusts", {"t-c": 3}, {"t-a": 2}, part_of="west"),
            Spec("place", {"t-c": 2}, {"t-a": 3}, part_of="trusts"),
            Spec("east", {"t-a": 1}, {}),
        ],
        tmp_path / "family",
    )


def test_systems_table_is_a_tree(family: Path) -> None:
    result = invoke("systems", "--data", str(family))
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == [
        "west",
        "trusts",
        "place",
        "north",
        "east",
    ]
    starts = [len(line) - len(line.lstrip()) for line in result.stdout.splitlines()[1:]]
    assert starts == [0, 2, 4, 0, 0]


def test_systems_machine_formats_carry_part_of(family: Path) -> None:
    csv = invoke("systems", "--data", str(family), "--format", "csv").stdout.splitlines()
    assert csv[0] == ("id,name,kind,part_of,country,population,tags,strengths,challenges,partners")
    assert [row.split(",")[:4] for row in csv[1:3]] == [
        ["west", "West", "ics", ""],
        ["trusts", "Trusts", "ics", "west"],
    ]
    doc = json.loads(invoke("systems", "--data", str(family), "--format", "json").stdout)
    assert {r["id"]: r["part_of"] for r in doc["systems"]} == {
        "west": None,
        "trusts": "west",
        "place": "trusts",
        "north": None,
        "east": None,
    }
    md = invoke("systems", "--data", str(family), "--format", "markdown").stdout.splitlines()
    assert md[0].startswith("| id | name | kind | part_of | country |")


def test_explain_says_two_systems_are_one(family: Path) -> None:
    table = invoke("explain", "trusts", "place", "--data", str(family))
    assert table.exit_code == 0
    assert "same system: both part of west; --across leaves this pair out" in table.stdout
    assert table.stderr == ""
    doc = json.loads(invoke("explain", "west", "place", "--data", str(family), "-f", "json").stdout)
    assert doc["match"]["same_system"] == "west"
    csv = invoke("explain", "west", "place", "--data", str(family), "-f", "csv")
    assert csv.stderr == "note: same system: place is part of west\n"
    other = invoke("explain", "north", "place", "--data", str(family), "-f", "json")
    assert json.loads(other.stdout)["match"]["same_system"] is None
    assert "same system" not in invoke("explain", "north", "place", "--data", str(family)).stdout


def test_suggest_across_leaves_out_pairs_within_one_system(family: Path) -> None:
    def pairs(*extra: str) -> set[tuple[str, str]]:
        out = invoke("suggest", "--data", str(family), "--top", "0", "-f", "json", *extra)
        return {(m["teacher"], m["learner"]) for m in json.loads(out.stdout)["matches"]}

    every, across = pairs(), pairs("--across")
    west = {"west", "trusts", "place"}
    within = {(t, lr) for t, lr in every if {t, lr} <= west}
    assert within >= {("trusts", "west"), ("west", "trusts"), ("west", "place")}
    assert across == every - within


def test_plan_notes_teach_only_and_strict_passes(family: Path) -> None:
    result = run("plan", "--data", str(family), "--across", "--learn", "3", "--strict", "-f", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "note: teach-only (no challenges stated): east\n"
    table = invoke("plan", "--data", str(family))
    assert "left out" not in table.stdout
    assert table.stdout.splitlines()[-1] == "teach-only (no challenges stated): east"
    doc = json.loads(invoke("plan", "--data", str(family), "-f", "json").stdout)
    assert doc["one_way"] == [
        {"system": "east", "role": "teach-only", "reason": "no challenges stated"}
    ]
    assert doc["complete"] is True and doc["settings"]["across"] is False


def test_gaps_fail_passes_with_teach_only_systems(family: Path) -> None:
    result = invoke("gaps", "--data", str(family), "--fail")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-2:] == [
        "no gaps: every challenge has a teacher and every system can teach and learn as far "
        "as its topics allow",
        "teach-only (no challenges stated): east",
    ]
    doc = json.loads(invoke("gaps", "--data", str(family), "-f", "json").stdout)
    assert doc["gaps"] == [] and doc["one_way"][0]["system"] == "east"


def test_gaps_still_reports_a_system_with_nothing_listed(tmp_path: Path) -> None:
    folder = write_yaml(
        [
            Spec("west", {"t-a": 3}, {"t-c": 2}),
            Spec("north", {"t-c": 2}, {"t-a": 3}),
            Spec("blank"),
        ],
        tmp_path / "d",
    )
    doc = json.loads(invoke("gaps", "--data", str(folder), "-f", "json").stdout)
    assert [(g["kind"], g["id"]) for g in doc["gaps"]] == [
        ("unneeded-system", "blank"),
        ("untaught-system", "blank"),
    ]


def test_groups_across_and_the_teach_only_note(family: Path) -> None:
    doc = json.loads(invoke("groups", "--data", str(family), "--across", "-f", "json").stdout)
    for g in doc["groups"]:
        members = g["teachers"] + g["learners"]
        assert (
            not {"west", "trusts", "place"} & set(members)
            or len({"west", "trusts", "place"} & set(members)) == 1
        )
    assert doc["settings"]["across"] is True
    assert doc["one_way"] == [
        {"system": "east", "role": "teach-only", "reason": "no challenges stated"}
    ]
    table = invoke("groups", "--data", str(family), "--across")
    assert table.stdout.splitlines()[-1] == "teach-only (no challenges stated): east"
    assert table.stderr == ""
    for command in ("groups", "gaps"):  # machine formats: the note on stderr
        csv = invoke(command, "--data", str(family), "-f", "csv")
        assert csv.stderr == "note: teach-only (no challenges stated): east\n"
