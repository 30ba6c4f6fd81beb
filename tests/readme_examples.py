"""The console examples of README.md and docs/*.md, run for real.

Every fenced ``console`` block holds commands (lines starting ``$ ``) each followed by its
exact output (stdout, then stderr). ``tests/acceptance/test_docs.py`` runs them and compares;
``python tests/readme_examples.py [PAGE ...]`` rewrites the outputs of every page (or of
the pages named) after a deliberate change. A block's commands run in order, through bash,
in one scratch folder (so ``--output`` files land there, and a block can show a workflow:
import, then plan, then report). ``peermatch`` and ``python`` are bound to this checkout;
the folder links ``data/``, ``tests/``, ``examples/`` and ``benchmarks/`` and has an empty
``schemas/``; ``NO_COLOR=1`` and stdout is not a terminal.
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
#: Every page whose examples are run: the README, then docs/ by name.
PAGES = [README, *sorted((REPO / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```console\n(.*?)^```$", re.S | re.M)
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)
LINKED = ("data", "tests", "examples", "benchmarks")


@dataclass
class Example:
    command: str
    output: str
    start: int  # offset of the block body in the page
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


def blocks(text: str) -> list[list[Example]]:
    """The examples block by block: a block's commands run in order in one scratch folder."""
    grouped: dict[int, list[Example]] = {}
    for example in examples(text):
        grouped.setdefault(example.start, []).append(example)
    return list(grouped.values())


def python_blocks(text: str) -> list[str]:
    """The code of each fenced ``python`` block."""
    return PYTHON_BLOCK.findall(text)


def scratch(folder: Path) -> Path:
    """A scratch folder that sees the checkout's data and examples by relative paths.

    ``schemas/`` is there but empty, so that schemas written by an example stay here.
    """
    for name in LINKED:
        if (REPO / name).exists() and not (folder / name).exists():
            (folder / name).symlink_to(REPO / name)
    (folder / "schemas").mkdir(exist_ok=True)
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
    # never the user's data cache: the test's own (conftest), else one in the scratch folder
    env.setdefault("PEERMATCH_CACHE_DIR", str(cwd / ".cache" / "peermatch"))
    script = (
        f'peermatch() {{ "$PM_PY" -m peermatch "$@"; }}\npython() {{ "$PM_PY" "$@"; }}\n{command}'
    )
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


def rewrite(text: str) -> str:
    """The page with every example's output replaced by what the command prints now."""
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


def main(names: list[str]) -> None:
    pages = [Path(name).resolve() for name in names] or PAGES
    for page in pages:
        text = page.read_text(encoding="utf-8")
        new = rewrite(text)
        if new != text:
            page.write_text(new, encoding="utf-8")
        print(f"{'updated' if new != text else 'unchanged'} {page.relative_to(REPO)}")


if __name__ == "__main__":
    main(sys.argv[1:])
