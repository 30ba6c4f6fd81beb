"""docs/plan.md cannot drift: every `$ peermatch ...` line in a console block runs, and
prints exactly what the page shows (``| head -n N`` and ``| tail -n N`` apply to stdout)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import REPO, invoke

DOC = REPO / "docs" / "plan.md"


def console_examples() -> list[tuple[str, list[str]]]:
    examples: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(), flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                examples.append((line[2:], []))
            else:
                examples[-1][1].append(line)
    return examples


EXAMPLES = console_examples()


def test_the_page_has_examples() -> None:
    assert len(EXAMPLES) >= 9


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_console_example(
    command: str, expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tests").symlink_to(REPO / "tests")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PEERMATCH_DATA", raising=False)
    command, _, pipe = command.partition(" | ")
    words = shlex.split(command)
    assert words.pop(0) == "peermatch"
    result = invoke(*words)
    if pipe:
        what, flag, count = pipe.split()
        assert flag == "-n" and what in ("head", "tail")
        lines = result.stdout.splitlines()
        shown = lines[: int(count)] if what == "head" else lines[-int(count) :]
        assert result.stderr == ""
    else:
        shown = (result.stdout + result.stderr).splitlines()
    assert shown == expected


def test_python_example(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's Python example runs."""
    monkeypatch.delenv("PEERMATCH_DATA", raising=False)
    (code,) = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    exec(compile(code, str(DOC), "exec"), {})
