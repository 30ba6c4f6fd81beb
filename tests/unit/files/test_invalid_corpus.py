"""The hostile and broken input corpus: tests/data/invalid/<case>/.

Each case is a folder with the broken file(s); a missing systems.yaml or challenges.yaml is
taken from the valid SMALL fixture (when the case reads ``--data .``). ``expected.txt``
holds the exact lines peermatch prints on stderr. Optional files: ``args.txt`` (replaces
``--data .``; ``--data . --history history.yaml`` checks a history file), ``env.txt``
(KEY=VALUE lines) and ``output.txt`` (the --output path to use instead of an existing
file).

Every case runs through ``peermatch suggest`` and ``peermatch validate`` from inside a copy
of the case folder, and must: exit 1, print exactly the expected lines and no traceback,
and leave an existing output file untouched (or create none).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import SMALL, TEST_DATA, invoke

from peermatch.core.errors import DataError
from peermatch.core.findings import CODES
from peermatch.files import checked_read, loading
from peermatch.files import yaml_read as yamlio

CORPUS = TEST_DATA / "invalid"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
SENTINEL = "an existing output file that must survive\n"


def materialise(case: str, into: Path) -> Path:
    """Copy the case into ``into``/data, filling in the valid file it does not have."""
    src = CORPUS / case
    data = into / "data"
    shutil.copytree(src, data)
    for name in ("systems.yaml", "challenges.yaml"):
        if not (data / name).exists() and case_args(src)[:2] == ["--data", "."]:
            shutil.copy(SMALL / name, data / name)
    return data


def case_args(data: Path) -> list[str]:
    args_file = data / "args.txt"
    return args_file.read_text().split() if args_file.exists() else ["--data", "."]


def case_env(data: Path) -> dict[str, str]:
    env_file = data / "env.txt"
    if not env_file.exists():
        return {}
    pairs = (line.split("=", 1) for line in env_file.read_text().splitlines() if line)
    return dict(pairs)


def expected_lines(case: str) -> list[str]:
    return (CORPUS / case / "expected.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture
def in_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def enter(case: str) -> tuple[Path, dict[str, str]]:
        data = materialise(case, tmp_path)
        monkeypatch.chdir(data)
        env = case_env(data)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        return data, env

    return enter


def test_every_case_has_an_expected_message():
    assert len(CASES) >= 40
    missing = [c for c in CASES if not (CORPUS / c / "expected.txt").is_file()]
    assert missing == []


@pytest.mark.parametrize("case", CASES)
def test_suggest_refuses_with_one_clear_message(case, in_case):
    data, _ = in_case(case)
    out_file = data / "output.txt"
    if out_file.exists():
        output = out_file.read_text().strip()
        before = sorted(p.name for p in data.rglob("*"))
    else:
        output = "matches.csv"
        (data / output).write_text(SENTINEL)
    result = invoke("suggest", *case_args(data), "--format", "csv", "--output", output)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == expected_lines(case)
    if out_file.exists():
        assert sorted(p.name for p in data.rglob("*")) == before  # nothing created
    else:
        assert (data / output).read_text() == SENTINEL
    # one readable message each: one line, no longer than a screen is wide twice over
    assert all(len(line) < 400 for line in result.stderr.splitlines())


@pytest.mark.parametrize("case", CASES)
def test_validate_reports_the_same_findings(case, in_case):
    data, _ = in_case(case)
    out_file = data / "output.txt"
    extra = ["--output", out_file.read_text().strip()] if out_file.exists() else []
    result = invoke("validate", *case_args(data), *extra)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    lines = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if not line.startswith(("FAILED: ", "OK: ")) and ": warning: " not in line
    ]
    expected = [line for line in expected_lines(case) if not line.startswith("... and ")]
    assert lines[: len(expected)] == expected


def is_finding(case: str) -> bool:
    """Whether the case is a problem in the data (not the command line or the output)."""
    first = expected_lines(case)[0]
    return (
        not first.startswith(("error:", "usage error:"))
        and not (CORPUS / case / "output.txt").exists()
    )


@pytest.mark.parametrize("case", [c for c in CASES if is_finding(c)])
def test_validate_json_gives_findings_as_data(case, in_case):
    data, _ = in_case(case)
    result = invoke("validate", *case_args(data), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["valid"] is False and doc["errors"] >= 1
    for row in doc["findings"]:
        assert set(row) == {"severity", "code", "file", "line", "column", "path", "message"}
        assert row["code"] in CODES and row["message"] and "\n" not in row["message"]


@pytest.mark.parametrize("case", [c for c in CASES if is_finding(c)])
def test_the_pure_python_parser_gives_the_same_findings(case, in_case, monkeypatch):
    data, _ = in_case(case)
    args = case_args(data)

    def findings() -> list[str]:
        try:
            return [str(f) for f in loading.validate(None, **_files(args))]
        except Exception as exc:  # pragma: no cover - shown on failure
            return [f"{type(exc).__name__}: {exc}"]

    with_c = findings()
    monkeypatch.setattr(yamlio, "_make_parser", yaml.SafeLoader)
    assert findings() == with_c


def _files(args: list[str]) -> dict[str, str]:
    """--data DIR / --systems F / --challenges F as keyword arguments of loading.validate."""
    pairs = dict(zip(args[::2], args[1::2], strict=True))
    data = pairs.get("--data")
    return {
        "systems": pairs.get("--systems", f"{data}/systems.yaml"),
        "challenges": pairs.get("--challenges", f"{data}/challenges.yaml"),
    }


def test_the_bomb_is_refused_after_a_handful_of_events():
    """Count parser events: the anchor is refused before any alias is even read."""
    text = (CORPUS / "alias-bomb" / "systems.yaml").read_text()
    seen = 0

    class Counting(yaml.SafeLoader):
        def get_event(self):  # type: ignore[no-untyped-def]
            nonlocal seen
            seen += 1
            return super().get_event()

    with pytest.raises(DataError) as info:
        yamlio.parse_yaml(text, "bomb.yaml", make_parser=Counting)
    assert seen < 12
    assert "anchors (&name) are not allowed" in str(info.value)


def test_a_generated_bomb_of_a_few_hundred_bytes_fails_fast_and_small():
    levels = ["a0: &a0 [" + ",".join(['"lol"'] * 10) + "]"]
    for i in range(1, 12):
        levels.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]")
    text = "systems:\n  - " + "\n    ".join(levels) + "\n"  # 10**12 strings if expanded
    assert len(text) < 1000
    # refused at the first anchor (line 2), before any alias is read, let alone expanded
    seen = 0

    class Counting(yaml.SafeLoader):
        def get_event(self):  # type: ignore[no-untyped-def]
            nonlocal seen
            seen += 1
            return super().get_event()

    for make_parser in (None, Counting):
        with pytest.raises(DataError) as info:
            yamlio.parse_yaml(text, "bomb.yaml", make_parser=make_parser)
        (finding,) = info.value.findings
        assert (finding.code, finding.line) == ("yaml-anchor", 2)
        assert len(str(info.value)) < 200
    assert seen < 12


def test_the_size_limit_defaults_to_100_mb_and_is_overridable(monkeypatch):
    monkeypatch.delenv("PEERMATCH_MAX_BYTES", raising=False)
    assert checked_read.max_bytes() == 100_000_000
    assert checked_read.max_values() == 4_000_000
    monkeypatch.setenv("PEERMATCH_MAX_BYTES", "250_000_000")
    assert checked_read.max_bytes() == 250_000_000
    assert checked_read.max_values() == 10_000_000


def test_a_device_that_never_ends_is_refused_not_read_forever(monkeypatch):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    monkeypatch.setenv("PEERMATCH_MAX_BYTES", "1000")
    with pytest.raises(DataError) as info:
        checked_read.read_text(Path("/dev/zero"), "/dev/zero")
    assert "larger than the limit of 1,000 bytes" in str(info.value)


def test_corpus_cases_are_small():
    """The corpus proves its points with small files (the bombs are a few hundred bytes)."""
    for path in CORPUS.rglob("*"):
        if path.is_file():
            assert path.stat().st_size < 20_000, path


def test_environment_is_restored():
    assert os.environ.get("PEERMATCH_MAX_BYTES") is None
