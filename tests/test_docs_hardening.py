"""docs/hardening.md cannot drift: every `$ peermatch ...` line in a console block runs, and
prints exactly what the page shows. Every finding code is documented there."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import REPO, invoke

from peermatch.findings import CODES

DOC = REPO / "docs" / "hardening.md"


def console_examples() -> list[tuple[str, list[str]]]:
    """(command line, expected output lines) for each `$ ` line in ```console blocks."""
    examples: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(), flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                examples.append((line[2:], []))
            else:
                examples[-1][1].append(line)
    return examples


EXAMPLES = console_examples()


def test_the_page_has_examples():
    assert len(EXAMPLES) >= 7


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_console_example(command, expected, tmp_path, monkeypatch):
    # Run from a scratch folder that sees the repository's tests/ (files written stay here).
    (tmp_path / "tests").symlink_to(REPO / "tests")
    (tmp_path / "schemas").mkdir()
    monkeypatch.chdir(tmp_path)
    words = shlex.split(command)
    env = {}
    while "=" in words[0]:
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    assert words.pop(0) == "peermatch"
    result = invoke(*words, env=env)
    assert (result.stdout + result.stderr).splitlines() == expected


def test_every_finding_code_is_documented():
    text = DOC.read_text()
    missing = [code for code in CODES if f"`{code}`" not in text]
    assert missing == []


def test_written_schemas_match_the_committed_ones(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schemas").mkdir()
    for which in ("systems", "challenges"):
        target = f"schemas/{which}.schema.json"
        assert invoke("schema", which, "--output", target).exit_code == 0
        assert (tmp_path / target).read_text() == (REPO / target).read_text()
