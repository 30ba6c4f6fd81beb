"""A plan file is input too: the model, findings at the JSON path, and ``validate --plan``.

Each case in tests/data/invalid-plan/<case>/ is a broken ``plan.json`` with the exact
findings (``expected.txt``) that ``validate --plan`` prints for it against the SMALL data;
``report --plan`` refuses it with the same lines and no traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SMALL, TEST_DATA, invoke

import peermatch
from peermatch.core.errors import DataError
from peermatch.files.plan_json import check_plan, json_path, read_plan

CORPUS = TEST_DATA / "invalid-plan"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def test_the_corpus_covers_the_testers_eleven_and_more() -> None:
    assert len(CASES) >= 15
    assert all((CORPUS / c / "expected.txt").is_file() for c in CASES)


@pytest.mark.parametrize("case", CASES)
def test_validate_plan_lists_each_finding_at_its_json_path(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CORPUS / case)
    expected = (CORPUS / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    result = invoke("validate", "--data", str(SMALL), "--plan", "plan.json")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:-1] == expected
    assert lines[-1].startswith(f"FAILED: {len(expected)} error(s)")
    assert all(line.startswith("plan.json::$") for line in expected)


@pytest.mark.parametrize("case", CASES)
def test_report_refuses_a_malformed_plan_in_one_line_a_problem(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CORPUS / case)
    expected = (CORPUS / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    result = invoke("report", "--data", str(SMALL), "--plan", "plan.json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == expected
    assert "Traceback" not in result.stderr


def test_a_plan_written_by_plan_reads_back_and_validates(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    assert invoke("plan", "--data", str(SMALL), "--format", "json", "-o", str(out)).exit_code == 0
    result = invoke("validate", "--data", str(SMALL), "--plan", str(out))
    assert result.exit_code == 0
    assert result.stdout == (
        f"OK: {SMALL}/systems.yaml and {SMALL}/challenges.yaml and {out}: no problems found\n"
    )
    plan = read_plan(out, peermatch.load(SMALL))
    assert [(x.teacher, x.learner) for x in plan.links] == [("beta", "alpha"), ("alpha", "beta")]


def test_check_plan_returns_no_model_for_the_wrong_shape(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"links": "none"}))
    model, findings = check_plan(path, peermatch.load(SMALL))
    assert model is None
    assert [f.path for f in findings] == ["$.links"]
    with pytest.raises(DataError):
        read_plan(path, peermatch.load(SMALL))


def test_json_path_names_keys_and_indexes() -> None:
    assert json_path(("links", 3, "score")) == "$.links[3].score"
    assert json_path(()) == "$"


def test_a_plan_that_is_a_device_is_read_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    monkeypatch.setenv("PEERMATCH_MAX_BYTES", "1000")
    result = invoke("report", "--data", str(SMALL), "--plan", "/dev/zero")
    assert result.exit_code == 1
    assert result.stderr == (
        "/dev/zero: the file is larger than the limit of 1,000 bytes; "
        "raise it with the environment variable PEERMATCH_MAX_BYTES\n"
    )


def test_a_plan_csv_is_checked_by_the_same_model(tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    assert invoke("plan", "--data", str(SMALL), "--format", "csv", "-o", str(out)).exit_code == 0
    assert invoke("validate", "--data", str(SMALL), "--plan", str(out)).exit_code == 0
    out.write_text("learner,teacher,topic,score\nalpha,beta,camhs,1e400\n", encoding="utf-8")
    result = invoke("validate", "--data", str(SMALL), "--plan", str(out))
    assert result.exit_code == 1
    assert f"{out}:2: score: not a number: '1e400'" in result.stdout
    out.write_text("learner,teacher,topic,score\nalpha,alpha,camhs,101\n", encoding="utf-8")
    model, findings = check_plan(out, peermatch.load(SMALL))
    assert model is None
    assert [(f.path, f.code) for f in findings] == [("$.links[0].score", "plan")]


def test_other_data_is_one_finding_and_lenient_reads_it(tmp_path: Path) -> None:
    links = [
        {"teacher": f"gone-{i}", "learner": "alpha", "topic": "camhs", "score": 1.0}
        for i in range(5)
    ]
    out = tmp_path / "plan.json"
    out.write_text(json.dumps({"links": links}), encoding="utf-8")
    data = peermatch.load(SMALL)
    _, findings = check_plan(out, data)
    assert len(findings) == 1
    assert findings[0].message.startswith(
        "5 system or topic reference(s) not in the data ($.links[0].teacher 'gone-0', "
        "$.links[1].teacher 'gone-1', $.links[2].teacher 'gone-2' and 2 more)"
    )
    assert len(read_plan(out, data, lenient=True).links) == 5


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"pins": "a second-best pair"},
        {"ring_size": 3},
        {"rounds": 2},
    ],
    ids=["plain", "pinned", "rings", "rounds"],
)
def test_every_plan_written_reads_back_as_it_was(
    tmp_path: Path, options: dict[str, object]
) -> None:
    """The plan's writer (the listing's JSON) and its reader (read_plan) are one format:
    each link reads back equal, field by field, and the summary fields the reader takes."""
    from peermatch.planning.api import plan
    from peermatch.present.listing import render_json
    from peermatch.present.plan import plan_listing

    data = peermatch.load()
    if "pins" in options:
        second = peermatch.suggest(data, top=2)[1]
        options = {"pins": [(second.teacher, second.learner)]}
    made = plan(data, **options)  # type: ignore[arg-type]
    assert "pins" not in options or sum(k.pinned for k in made.links) == 1
    out = tmp_path / "plan.json"
    out.write_text(render_json(plan_listing(made, data)), encoding="utf-8")
    back = read_plan(out, data)
    assert back.links == made.links
    assert (back.total, back.bound, back.optimal) == (made.total, made.bound, made.optimal)
    assert back.left_out == made.left_out and back.one_way == made.one_way
    assert back.rings == made.rings
