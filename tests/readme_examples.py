"""The README's console examples, run for real.

Every fenced ``console`` block in README.md holds commands (lines starting ``$ ``) each
followed by its exact output. ``tests/test_readme.py`` runs them and compares;
``python tests/readme_examples.py`` rewrites the outputs after a deliberate change.
Commands run through bash with ``peermatch`` bound to this checkout, in a scratch folder
(so ``--output`` files land there) that links ``data/``, ``tests/`` and ``examples/``, with
``NO_COLOR=1`` and stdout not a terminal.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
BLOCK = re.compile(r"^```console\n(.*?)^```$", re.S | re.M)


@dataclass
class Example:
    command: str
    output: str
    start: int  # offset of the block body in the README
    end: int


def examples(text: str) -> list[Example]:
    found = []
    for block in BLOCK.finditer(text):
        body = block.group(1)
        parts = re.split(r"^\$ ", body, flags=re.M)
        offset = block.start(1)
        for part in parts[1:]:
            command, _, output = part.partition("\n")
            found.append(Example(command, output, offset, block.end(1)))
    return found


def scratch(folder: Path) -> Path:
    """A scratch folder that sees the checkout's data and examples by relative paths."""
    for name in ("data", "tests", "examples"):
        if (REPO / name).exists() and not (folder / name).exists():
            (folder / name).symlink_to(REPO / name)
    return folder


def run(command: str, cwd: Path) -> str:
    scratch(cwd)
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "PYTHONPATH": str(REPO),
        "PM_PY": sys.executable,
        "COLUMNS": "100",
        "REPO": str(REPO),
    }
    for var in ("PEERMATCH_DATA", "GITHUB_ACTIONS", "CI"):
        env.pop(var, None)
    script = f'peermatch() {{ "$PM_PY" -m peermatch "$@"; }}\n{command}'
    proc = subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return proc.stdout + proc.stderr


def blocks(text: str) -> list[list[Example]]:
    """The examples block by block: a block's commands run in order in one scratch folder."""
    grouped: dict[int, list[Example]] = {}
    for example in examples(text):
        grouped.setdefault(example.start, []).append(example)
    return list(grouped.values())


def rewrite(text: str) -> str:
    """The README with every example's output replaced by what the command prints now."""
    out = []
    last = 0
    for block in BLOCK.finditer(text):
        new_body = ""
        with tempfile.TemporaryDirectory() as tmp:
            for part in re.split(r"^\$ ", block.group(1), flags=re.M)[1:]:
                command = part.partition("\n")[0]
                new_body += f"$ {command}\n{run(command, Path(tmp))}"
        out.append(text[last : block.start(1)] + new_body)
        last = block.end(1)
    out.append(text[last:])
    return "".join(out)


if __name__ == "__main__":
    README.write_text(rewrite(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {README}")
