"""The command line, through typer's CliRunner and a real subprocess: exact messages and codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import TEST_DATA, invoke, run

import peermatch
from peermatch.present.listing import render_json
from peermatch.present.listings import matches_listing

HAND = str(TEST_DATA / "valid" / "handworked")


def test_suggest_csv_columns_and_rounding() -> None:
    result = invoke("suggest", "--data", HAND, "--format", "csv", "--top", "1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "rank,learner,teacher,score,topics,two_way,related_topics,partner,reason",
        "1,east,south,74.2,topic-d,no,topic-a<-topic-b,no,exemplar on topic-d (medium need); "
        "related: topic-b for topic-a; meets 2 of 2 needs",
        "1,north,south,91.4,topic-b; topic-d,yes,,yes,established on topic-b (high need); "
        "exemplar on topic-d (low need); meets 2 of 2 needs; two-way; existing partner",
        "1,south,north,85.3,topic-a; topic-c,yes,,yes,exemplar on topic-a (medium need); "
        "emerging on topic-c (medium need); meets 2 of 2 needs; two-way; existing partner",
        "1,west,north,80.9,topic-c; topic-a,yes,,no,emerging on topic-c (high need); "
        "exemplar on topic-a (low need); meets 2 of 2 needs; two-way",
    ]


def test_json_equals_the_library_result(tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    result = invoke("suggest", "--data", HAND, "-f", "json", "-o", str(out), "--top", "0")
    assert result.exit_code == 0
    assert result.stdout == ""
    data = peermatch.load(HAND)
    assert out.read_text() == render_json(matches_listing(peermatch.suggest(data, top=0)))
    doc = json.loads(out.read_text())
    assert doc["version"] == 1
    assert list(doc["matches"][0])[:6] == [
        "rank",
        "learner",
        "teacher",
        "score",
        "topics",
        "two_way",
    ]


def test_markdown_escapes_and_aligns() -> None:
    result = invoke("suggest", "--data", HAND, "-f", "markdown", "--top", "1")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| rank | learner | teacher | score | topics | two_way |")
    assert lines[1].startswith("| ---: | --- | --- | ---: | --- | --- |")


def test_for_accepts_a_name_fuzzily() -> None:
    result = invoke("suggest", "--data", HAND, "--for", "South ICS", "-f", "csv")
    assert result.exit_code == 0
    assert [line.split(",")[1:3] for line in result.stdout.splitlines()[1:]] == [
        ["south", "north"],
        ["north", "south"],
        ["east", "south"],
    ]
    assert invoke("suggest", "--data", HAND, "--for", "wets trust", "-f", "csv").exit_code == 0


def test_unknown_system_suggests() -> None:
    result = invoke("suggest", "--data", HAND, "--for", "sooth trust")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "usage error: --for: unknown system 'sooth trust'; did you mean west, south or east?\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["suggest", "--for", "nowhere"],
            "usage error: --for: unknown system 'nowhere'; see 'peermatch systems' for the ids\n",
        ),
        (
            ["explain", "nort", "sooth"],
            "note: taking 'nort' to mean north (North ICS)\n"
            "usage error: LEARNER: unknown system 'sooth'; did you mean south or north?\n",
        ),
        (
            ["explain", "north", "north"],
            "usage error: TEACHER and LEARNER are both north: a system cannot teach itself\n",
        ),
        (
            ["plan", "--pin", "nort:sooth"],
            "note: taking 'nort' to mean north (North ICS)\n"
            "usage error: --pin nort:sooth: unknown system 'sooth'; did you mean south or north?\n",
        ),
    ],
)
def test_a_system_named_on_the_command_line_is_usage(args: list[str], message: str) -> None:
    """Naming a system the data does not have is wrong usage (2), never a data error (1)."""
    result = invoke(*args, "--data", HAND)
    assert (result.exit_code, result.stderr, result.stdout) == (2, message, "")


def test_a_clear_typo_is_taken_with_a_note() -> None:
    result = invoke("suggest", "--data", HAND, "--for", "nort", "-f", "csv")
    assert result.exit_code == 0
    assert result.stderr == "note: taking 'nort' to mean north (North ICS)\n"


def test_explain_accounts_for_the_score() -> None:
    result = invoke("explain", "south", "east", "--data", HAND)
    assert result.exit_code == 0
    assert (
        "score = 100 x earned / points x context x partner = 100 x 2.375 / 3 x 0.9375 x 1"
        " = 74.2" in result.stdout
    )
    assert "topic-a  low            1  topic-b  established  yes       0.375" in result.stdout


def test_explain_json_has_every_factor() -> None:
    result = invoke("explain", "north", "south", "--data", HAND, "-f", "json")
    doc = json.loads(result.stdout)
    assert (
        doc["match"]["score"] == peermatch.score_pair(peermatch.load(HAND), "north", "south").score
    )
    assert set(doc["context"]) == {"kind", "country", "size", "tags", "similarity", "factor"}
    assert [t["topic"] for t in doc["topics"]] == ["topic-a", "topic-c"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["suggest", "--top", "-1"], "Invalid value for '--top'"),
        (["plan", "--rounds", "101"], "Invalid value for '--rounds'"),
        (["plan", "--alternates", "1000001"], "Invalid value for '--alternates'"),
        (["teams", "--per-member", "1001"], "Invalid value for '--per-member'"),
        (["suggest", "--format", "xml"], "Invalid value for '--format'"),
        (["suggest", "--bogus"], "No such option: --bogus"),
        (["plan-it"], "No such command 'plan-it'"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = invoke(*args, "--data", HAND) if args[0] != "plan-it" else invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_data_exits_1_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "systems.yaml").write_text(
        "systems:\n  - id: a\n    name: A\n    kind: ics\n"
        "    challenges:\n      - challenge: topic-q\n"
    )
    (tmp_path / "challenges.yaml").write_text(
        (TEST_DATA / "valid" / "handworked" / "challenges.yaml").read_text()
    )
    out = tmp_path / "out.csv"
    out.write_text("keep me")
    result = invoke("suggest", "--data", str(tmp_path), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{tmp_path}/systems.yaml:6:20: systems[0].challenges[0].challenge: "
        "unknown topic 'topic-q'; did you mean"
    )
    assert out.read_text() == "keep me"


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    with pytest.raises(peermatch.PeermatchError):
        invoke("--debug", "suggest", "--data", str(tmp_path / "missing"))


def test_validate_ok_warnings_and_strict() -> None:
    # handworked's 'east' has no strengths: a learn-only system is normal, not a warning
    ok = invoke("validate", "--data", HAND)
    assert ok.exit_code == 0
    assert ok.stdout.splitlines()[-1].endswith(": no problems found")
    strict = invoke("validate", "--strict", "--data", HAND)
    assert strict.exit_code == 0
    doc = json.loads(invoke("validate", "--data", HAND, "-f", "json").stdout)
    assert doc["findings"] == []
    assert doc["valid"] is True
    assert (doc["errors"], doc["warnings"]) == (0, 0)
    warned = invoke("validate", "--strict", "--data", TEST_DATA / "valid" / "warnings")
    assert warned.exit_code == 1
    assert warned.stdout.splitlines()[-1] == "FAILED: 0 error(s), 5 warning(s)"


def test_systems_and_challenges_list() -> None:
    systems = json.loads(invoke("systems", "--data", HAND, "-f", "json").stdout)
    # file order (parents before their units): this file has no part_of
    assert [s["id"] for s in systems["systems"]] == ["north", "south", "west", "east"]
    topics = invoke("challenges", "--data", HAND, "-f", "csv").stdout.splitlines()
    assert topics[0] == "id,name,area,aliases,related,teachers,learners,description"
    assert topics[1] == "topic-a,Topic A,area-x,the a topic,topic-b,1,3,"


def test_env_var_names_the_data_folder() -> None:
    result = invoke("systems", "-f", "csv", env={"PEERMATCH_DATA": HAND})
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 5


def test_output_file_is_atomic_and_ordinary(tmp_path: Path) -> None:
    out = tmp_path / "matches.csv"
    assert invoke("suggest", "--data", HAND, "-f", "csv", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("rank,learner")
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["matches.csv"]


def test_output_into_a_missing_folder_fails_cleanly(tmp_path: Path) -> None:
    result = invoke("suggest", "--data", HAND, "-o", str(tmp_path / "no" / "x.csv"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {tmp_path}/no/x.csv: the folder {tmp_path}/no does not exist; create it first\n"
    )


# --------------------------------------------------------------------------- real subprocess


def test_subprocess_suggest_is_byte_identical_across_runs() -> None:
    first = run("suggest", "--data", HAND, "-f", "json", "--top", "0")
    second = run("suggest", "--data", HAND, "-f", "json", "--top", "0")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stderr == ""


def test_subprocess_error_has_no_traceback(tmp_path: Path) -> None:
    proc = run("validate", "--data", str(tmp_path))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"{tmp_path}/challenges.yaml: no such file; check the path or --data" in proc.stdout


def test_subprocess_table_is_plain_when_piped() -> None:
    proc = run("suggest", "--data", HAND, env={"NO_COLOR": "1"})
    assert proc.returncode == 0
    assert "\x1b[" not in proc.stdout
    assert proc.stdout.splitlines()[0].split() == [
        "rank",
        "learner",
        "teacher",
        "score",
        "topics",
        "two",
        "way",
        "reason",
    ]
