"""Docs that cannot drift: the README's commands run and print what it shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from readme_examples import README, blocks, examples, run

from peermatch.cli import app

TEXT = README.read_text(encoding="utf-8")
EXAMPLES = examples(TEXT)


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 5


BLOCKS = blocks(TEXT)


@pytest.mark.parametrize("block", BLOCKS, ids=[b[0].command for b in BLOCKS])
def test_readme_example_prints_what_it_shows(block, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for example in block:  # one block's commands run in order, in one folder
        assert run(example.command, tmp_path) == example.output, (
            f"README example {example.command!r} is out of date; "
            "run `python tests/readme_examples.py` and review the diff"
        )


def test_readme_opens_with_the_two_commands() -> None:
    blocks = re.findall(r"^```(?:bash|sh)\n(.*?)^```$", TEXT, re.S | re.M)
    assert blocks[0].strip() == "pip install . && peermatch suggest"
    ci = Path(README.parent / ".ci" / "run").read_text()
    assert blocks[1].strip() in ci  # CI runs exactly the README's test command


def test_every_command_is_documented() -> None:
    commands = sorted(c.name or "" for c in app.registered_commands if not c.hidden)
    for name in commands:
        assert f"peermatch {name}" in TEXT, f"README never shows 'peermatch {name}'"
        assert shlex.split(f"peermatch {name}")  # names are shell-safe


def test_readme_python_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"^```python\n(.*?)^```$", TEXT, re.S | re.M)
    assert blocks
    monkeypatch.chdir(README.parent)
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})
