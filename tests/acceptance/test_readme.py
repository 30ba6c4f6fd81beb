"""What the README promises beyond its examples (test_docs.py runs those)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from readme_examples import README

from peermatch.cli import app

TEXT = README.read_text(encoding="utf-8")


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


def test_the_floors_script_pins_every_dependency_to_its_floor() -> None:
    """benchmarks/floors.py (run by hand, documented under Development) installs exactly the
    floors pyproject.toml declares, for the package and its test extra."""
    import tomllib

    from benchmarks.floors import floors

    project = tomllib.loads((README.parent / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    pins = floors()
    assert len(pins) == len(declared)
    for requirement, pin in zip(declared, pins, strict=True):
        assert pin == requirement.replace(">=", "==")
    assert "python benchmarks/floors.py" in TEXT
