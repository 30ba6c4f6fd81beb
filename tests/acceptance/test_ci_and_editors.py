"""validate --strict, -q/-v, GitHub annotations, the pre-commit hook and the JSON Schema."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml
from conftest import REPO, SMALL, TEST_DATA, invoke, run

from peermatch.cli.console import hoist_verbosity
from peermatch.core.findings import CODES, Finding, Severity
from peermatch.files import loading
from peermatch.files.schema import Which, json_schema, schema_text
from peermatch.files.yaml_read import parse_yaml
from peermatch.present import annotations as ci

WARNINGS = TEST_DATA / "valid" / "warnings"
BROKEN = TEST_DATA / "invalid" / "unknown-partner"
#: the corpus case holds only the broken systems file; the catalogue comes from SMALL
BROKEN_ARGS = (
    "--systems",
    str(BROKEN / "systems.yaml"),
    "--challenges",
    str(SMALL / "challenges.yaml"),
)
STRICT_CODES = [
    "alias-clash",
    "empty-profile",
    "exemplar-without-figure",
    "one-sided-partner",
    "unused-topic",
]


# --------------------------------------------------------------------------- validate --strict


def test_warnings_pass_without_strict_and_fail_with_it():
    plain = invoke("validate", "--data", str(WARNINGS))
    assert plain.exit_code == 0
    assert plain.stdout.splitlines()[-1] == (
        "OK: 0 error(s), 5 warning(s); --strict fails on warnings"
    )
    strict = invoke("validate", "--strict", "--data", str(WARNINGS))
    assert strict.exit_code == 1
    assert strict.stdout.splitlines()[-1] == "FAILED: 0 error(s), 5 warning(s)"


def test_each_strict_warning_has_a_stable_code_and_a_place():
    result = invoke("validate", "--strict", "--data", str(WARNINGS), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["valid"] is False and doc["strict"] is True
    assert (doc["errors"], doc["warnings"]) == (0, 5)
    assert sorted(f["code"] for f in doc["findings"]) == STRICT_CODES
    assert all(CODES[code].startswith("warning: ") for code in STRICT_CODES)
    one = next(f for f in doc["findings"] if f["code"] == "one-sided-partner")
    assert one == {
        "severity": "warning",
        "code": "one-sided-partner",
        "file": f"{WARNINGS}/systems.yaml",
        "line": 5,
        "column": 16,
        "path": "systems[0].partners[0]",
        "message": "'beta' does not list 'alpha' as a partner; add it on both sides",
    }
    assert result.stderr == "0 error(s), 5 warning(s)\n"


def test_the_json_equals_the_library_result():
    result = invoke("validate", "--data", str(WARNINGS), "--format", "json")
    rows = json.loads(result.stdout)["findings"]
    assert rows == [f.as_row() for f in loading.validate(WARNINGS)]


def test_clean_data_passes_strict():
    result = invoke("validate", "--strict", "--data", str(SMALL))
    assert result.exit_code == 0
    assert result.stdout.startswith("OK: ")


# --------------------------------------------------------------------------- -q and -v


def test_quiet_hides_warnings_and_the_ok_line_but_not_errors():
    quiet = invoke("-q", "validate", "--data", str(WARNINGS))
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    assert invoke("validate", "-q", "--data", str(SMALL)).stdout == ""
    failing = invoke("validate", "--quiet", *BROKEN_ARGS)
    assert failing.exit_code == 1
    assert "unknown system 'alpah'" in failing.stdout
    assert failing.stdout.splitlines()[-1].startswith("FAILED: ")


def test_quiet_with_strict_still_lists_the_warnings_that_fail():
    result = invoke("validate", "--strict", "-q", "--data", str(WARNINGS))
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 6


def test_verbose_reports_what_was_loaded_on_stderr():
    result = invoke("suggest", "--data", str(SMALL), "-v", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.startswith("rank,")
    assert re.fullmatch(
        r"cache: miss \(no entry for these bytes\); stored \S+\.entry\n"
        r"loaded 2 systems from \S+systems\.yaml and 3 topics from \S+challenges\.yaml "
        r"in \d+\.\d\d s\n",
        result.stderr,
    )
    assert invoke("suggest", "--data", str(SMALL), "--format", "csv").stderr == ""


def test_quiet_and_verbose_together_is_a_usage_error():
    result = invoke("-q", "-v", "systems", "--data", str(SMALL))
    assert result.exit_code == 2


def test_verbosity_flags_move_to_the_front_but_not_after_a_double_dash():
    assert hoist_verbosity(["validate", "--data", "x", "-q"]) == ["-q", "validate", "--data", "x"]
    assert hoist_verbosity(["explain", "--", "-v", "b"]) == ["explain", "--", "-v", "b"]


# --------------------------------------------------------------------------- GitHub Actions


def test_annotations_follow_githubs_escaping_rules():
    finding = Finding(
        "dir,a:b/sys%.yaml", 3, 7, "systems[0]", "x", "50% done\nnext", Severity.ERROR
    )
    assert ci.annotation(finding) == (
        "::error file=dir%2Ca%3Ab/sys%25.yaml,line=3,col=7,title=peermatch x::"
        "systems[0]: 50%25 done\\nnext"
    )
    warning = Finding("s.yaml", 0, 0, "", "too-large", "big", Severity.WARNING)
    assert ci.annotation(warning) == "::warning file=s.yaml,title=peermatch too-large::big"
    assert ci.escape_data("a%\r\nb") == "a%25%0D%0Ab"
    assert ci.escape_property("a:b,c") == "a%3Ab%2Cc"


def test_in_github_actions_only_when_the_runner_says_so():
    assert ci.in_github_actions({"GITHUB_ACTIONS": "true"})
    assert not ci.in_github_actions({"GITHUB_ACTIONS": "false"})
    assert not ci.in_github_actions({})


def test_validate_annotates_every_finding_in_github_actions():
    env = {"GITHUB_ACTIONS": "true"}
    result = invoke("validate", "--strict", "--data", str(WARNINGS), env=env)
    notes = [line for line in result.stderr.splitlines() if line.startswith("::")]
    assert len(notes) == 5 and all(line.startswith("::warning file=") for line in notes)
    assert not any(line.startswith("::") for line in result.stdout.splitlines())
    assert "::" not in invoke("validate", "--data", str(WARNINGS)).stderr


def test_the_error_edge_annotates_data_errors_and_other_errors():
    env = {"GITHUB_ACTIONS": "true"}
    result = invoke("suggest", *BROKEN_ARGS, env=env)
    assert result.exit_code == 1
    assert (
        f"::error file={BROKEN}/systems.yaml,line=21,col=16,title=peermatch unknown-system::"
        "systems[1].partners[0]: unknown system 'alpah'; did you mean alpha?"
    ) in result.stderr.splitlines()
    missing = invoke("systems", "--data", "no-such-folder", env=env)
    assert missing.stderr.splitlines()[-1].startswith("::error title=peermatch::no-such-folder")


# --------------------------------------------------------------------------- pre-commit


def test_the_pre_commit_hook_runs_validate_strict_once_on_data_changes():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "peermatch-validate"
    assert hook["entry"] == "peermatch validate"
    assert hook["args"] == ["--strict", "--data", "."]
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("profiles/systems.yaml") and files.search("challenges.yml")
    assert not files.search("other.yaml")


def test_the_hook_command_fails_a_commit_with_warnings(tmp_path):
    """What pre-commit runs, through a real process: exit 1 on warnings, 0 when clean."""
    for name in ("systems.yaml", "challenges.yaml"):
        (tmp_path / name).write_text((WARNINGS / name).read_text())
    assert run("validate", "--strict", "--data", ".", cwd=tmp_path).returncode == 1
    for name in ("systems.yaml", "challenges.yaml"):
        (tmp_path / name).write_text((SMALL / name).read_text())
    assert run("validate", "--strict", "--data", ".", cwd=tmp_path).returncode == 0


# --------------------------------------------------------------------------- JSON Schema


@pytest.mark.parametrize("which", ["systems", "challenges", "peers"])
def test_the_committed_schemas_are_current(which):
    committed = (REPO / "schemas" / f"{which}.schema.json").read_text()
    assert committed == schema_text(which), (
        f"run: peermatch schema {which} --output schemas/{which}.schema.json"
    )
    result = invoke("schema", which)
    assert result.exit_code == 0 and result.stdout == committed


def test_the_schemas_are_draft_07_with_definitions():
    for which in Which:
        doc = json_schema(which)
        assert doc["$schema"] == "http://json-schema.org/draft-07/schema#"
        text = json.dumps(doc)
        assert "$defs" not in text and "#/definitions/" in text


def test_schema_output_is_written_atomically(tmp_path):
    out = tmp_path / "s.json"
    assert invoke("schema", "challenges", "--output", str(out)).exit_code == 0
    assert out.read_text() == schema_text("challenges")


def _validator(which: str):  # type: ignore[no-untyped-def]
    doc = json.loads((REPO / "schemas" / f"{which}.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(doc)
    return jsonschema.Draft7Validator(doc)


VALID_DIRS = sorted(p for p in (TEST_DATA / "valid").iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", VALID_DIRS, ids=lambda p: p.name)
def test_the_schema_accepts_what_the_loader_accepts(folder):
    for which in ("systems", "challenges"):
        doc, _ = parse_yaml((folder / f"{which}.yaml").read_text(), which)
        assert list(_validator(which).iter_errors(doc)) == []
        assert list(jsonschema.Draft7Validator(json_schema("both")).iter_errors(doc)) == []


@pytest.mark.parametrize(
    ("case", "which"),
    [
        ("unknown-field", "systems"),
        ("formula-id", "systems"),
        ("yes-no-number", "systems"),
        ("wrong-type-list", "systems"),
        ("level-out-of-range", "systems"),
        ("unknown-kind", "systems"),
        ("missing-field", "systems"),
        ("systems-no-value", "systems"),
        ("empty-name", "systems"),
    ],
)
def test_the_schema_flags_shape_errors_as_you_type(case, which):
    text = (TEST_DATA / "invalid" / case / f"{which}.yaml").read_text()
    doc, _ = parse_yaml(text, which)  # YAML 1.2, as editors read it: 'yes' is text
    assert list(_validator(which).iter_errors(doc)) != []


def test_the_schema_accepts_levels_and_priorities_as_words():
    need = {"challenge": "x", "priority": "high"}
    strength = {"challenge": "x", "level": "established", "evidence": "e"}
    doc = {"systems": [{"id": "a", "name": "A", "kind": "ics", "strengths": [strength]}]}
    doc["systems"][0]["challenges"] = [need]
    assert list(_validator("systems").iter_errors(doc)) == []
    need["priority"] = "High"  # the loader refuses it too
    assert list(_validator("systems").iter_errors(doc)) != []


def test_the_challenges_schema_flags_a_bad_area():
    doc = {"challenges": [{"id": "x", "name": "X", "area": "Urgent Care"}]}
    assert list(_validator("challenges").iter_errors(doc)) != []


def test_shipped_data_modelines_point_at_the_committed_schemas():
    data = REPO / "data"
    if not (data / "systems.yaml").exists():
        pytest.skip("the shipped data has not landed on this branch yet")
    for which in ("systems", "challenges"):
        first = (data / f"{which}.yaml").read_text().splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schemas/{which}.schema.json"
        target = (data / first.split("$schema=")[1]).resolve()
        assert target == REPO / "schemas" / f"{which}.schema.json"
        doc, _ = parse_yaml((data / f"{which}.yaml").read_text(), which)
        assert list(_validator(which).iter_errors(doc)) == []
