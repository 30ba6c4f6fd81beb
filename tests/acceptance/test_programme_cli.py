"""`peermatch plan` for a programme people can run, through the real door: --objective,
--alternates, --keep, --diff and --rounds, with exact messages and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TEST_DATA, invoke, run

import peermatch
from peermatch.present.listing import render_json
from peermatch.present.plan import plan_listing

COHORT = str(TEST_DATA / "valid" / "cohort")
EARLIER = str(TEST_DATA / "valid" / "earlier-plan.csv")


def test_fair_json_equals_the_library() -> None:
    result = invoke("plan", "--data", COHORT, "--objective", "fair", "--format", "json")
    assert result.exit_code == 0
    data = peermatch.load(COHORT)
    assert result.stdout == render_json(plan_listing(peermatch.plan(data, objective="fair"), data))
    doc = json.loads(result.stdout)
    assert doc["min_score"] == min(k["score"] for k in doc["links"])
    assert doc["price_of_fairness"] == pytest.approx(84.015152)
    assert doc["settings"]["objective"] == "fair"


def test_fair_summary_on_a_terminal() -> None:
    result = invoke("plan", "--data", COHORT, "--objective", "fair")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-4:] == [
        "optimal: no plan has a higher lowest link score, nor with it a higher total (bound 577.1)",
        "every system teaches and learns",
        "lowest link score 48.0; each learner's best link: minimum 57.4, 10th percentile 57.4, "
        "median 71.9",
        "price of fairness: 84.0 points (12.7% of the total-optimal plan's 661.1)",
    ]


def test_alternates() -> None:
    result = invoke("plan", "--data", COHORT, "--alternates", "1", "--format", "json")
    assert json.loads(result.stdout)["alternates"] == [
        {"learner": "dorset", "teacher": "frimley", "score": 34.125, "spare": False},
        {"learner": "nenc", "teacher": "frimley", "score": 31.888888888888886, "spare": False},
        {
            "learner": "surrey-heartlands",
            "teacher": "dorset",
            "score": 42.35795454545455,
            "spare": True,
        },
        {"learner": "west-yorkshire", "teacher": "canterbury", "score": 18.125, "spare": True},
    ]


def test_rounds_add_a_last_column() -> None:
    result = invoke("plan", "--data", COHORT, "--rounds", "2", "--format", "csv")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert (
        lines[0] == "learner,teacher,topic,score,other_topics,two_way,partner,pinned,reason,round"
    )
    assert [line.rsplit(",", 1)[1] for line in lines[1:]] == ["1"] * 8 + ["2"] * 6
    assert result.stderr.splitlines()[0] == (
        "left out: canterbury (learn): learns in round 1 but not in round 2: it can learn from "
        "only 1 system(s), and a pair is planned in one round only"
    )
    # without --rounds the columns stay as they were
    plain = invoke("plan", "--data", COHORT, "--format", "csv").stdout.splitlines()[0]
    assert plain == "learner,teacher,topic,score,other_topics,two_way,partner,pinned,reason"


def test_keep_and_diff_on_the_shipped_data(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = invoke(
        "plan", "--keep", EARLIER, "--diff", EARLIER, "--format", "json", "--output", str(out)
    )
    assert result.exit_code == 0
    doc = json.loads(out.read_text())
    assert doc["not_kept"] == [
        {
            "learner": "dorset",
            "teacher": "lsc",
            "code": "no-longer-needed",
            "reason": "camhs-waiting-times is no longer among dorset's challenges",
        },
        {
            "learner": "east-surrey",
            "teacher": "wakefield",
            "code": "capacity",
            "reason": "east-surrey now learns in at most 2 link(s)",
        },
        {
            "learner": "frimley",
            "teacher": "old-ics",
            "code": "system-gone",
            "reason": "old-ics is no longer in the data",
        },
    ]
    changes = doc["changes"]
    assert [(k["learner"], k["teacher"]) for k in changes["removed"]] == [
        ("dorset", "lsc"),
        ("east-surrey", "wakefield"),
        ("frimley", "old-ics"),
    ]
    assert len(changes["kept"]) == 5 and len(changes["added"]) == len(doc["links"]) - 5
    assert "not kept: frimley <- old-ics: old-ics is no longer in the data" in result.stderr
    assert (
        f"changes against {EARLIER}: {len(changes['added'])} added, 3 removed, 5 kept"
        in result.stderr
    )


def test_keep_its_own_json(tmp_path: Path) -> None:
    first = tmp_path / "first.json"
    invoke("plan", "--data", COHORT, "--format", "json", "--output", str(first))
    again = invoke("plan", "--data", COHORT, "--keep", str(first), "--diff", str(first))
    assert again.exit_code == 0
    assert f"changes against {first}: 0 added, 0 removed, 10 kept" in again.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("--objective", "fair", "--ring-size", "3"),
            2,
            "usage error: --objective fair plans links, not rings: drop --ring-size or "
            "--objective fair",
        ),
        (
            ("--rounds", "2", "--ring-size", "2"),
            2,
            "usage error: --rounds plans links, not rings: drop --ring-size or --rounds",
        ),
        (
            ("--rounds", "2", "--objective", "fair"),
            2,
            "usage error: --objective fair plans one round: drop --rounds or --objective fair",
        ),
        (
            ("--keep", "missing.json"),
            1,
            "missing.json: no such file; write it with "
            "'peermatch plan --format json --output FILE'",
        ),
    ],
)
def test_errors_are_one_line(args: tuple[str, ...], code: int, message: str) -> None:
    result = invoke("plan", "--data", COHORT, *args)
    assert result.exit_code == code
    assert result.stderr.strip() == message
    assert result.stdout == ""


def test_bad_earlier_plan(tmp_path: Path) -> None:
    bad = tmp_path / "old.csv"
    bad.write_text("learner,teacher,topic,score\nnenc,dorset,discharge,lots\n")
    result = invoke("plan", "--data", COHORT, "--diff", str(bad))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{bad}:2: score: not a number: 'lots'"


def test_rounds_through_a_subprocess() -> None:
    done = run("plan", "--data", COHORT, "--rounds", "3", "--alternates", "1", "--format", "json")
    assert done.returncode == 0
    doc = json.loads(done.stdout)
    assert {k["round"] for k in doc["links"]} == {1, 2, 3}
    assert doc["settings"]["rounds"] == 3 and "alternates" in doc
