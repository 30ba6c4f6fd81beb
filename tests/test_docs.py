"""Docs that cannot drift: the console examples in docs/*.md run and print what they show.

Unlike the README's examples, the commands of one block share a scratch folder, so a block
can show a workflow (import, then plan, then report). ``python tests/test_docs.py``
rewrites the outputs after a deliberate change.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import pytest
from readme_examples import BLOCK, run

from peermatch.cli import app

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "docs" / "report.md"]  # other docs test their own examples


def blocks(text: str) -> list[list[tuple[str, str]]]:
    """Each console block as (command, output) pairs."""
    found = []
    for block in BLOCK.finditer(text):
        parts = re.split(r"^\$ ", block.group(1), flags=re.M)[1:]
        found.append([(p.partition("\n")[0], p.partition("\n")[2]) for p in parts])
    return found


def missing_commands(block: list[tuple[str, str]]) -> list[str]:
    """peermatch commands a block uses that this checkout does not have (yet)."""
    import typer

    known = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    used = {m.group(1) for cmd, _ in block for m in re.finditer(r"peermatch ([a-z-]+)", cmd)}
    return sorted(used - known)


CASES = [
    pytest.param(doc, i, block, id=f"{doc.name}:{i}:{block[0][0]}")
    for doc in DOCS
    for i, block in enumerate(blocks(doc.read_text(encoding="utf-8")))
]


@pytest.mark.parametrize(("doc", "index", "block"), CASES)
def test_doc_example_prints_what_it_shows(doc, index, block, tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = missing_commands(block)
    if missing:
        pytest.skip(f"needs 'peermatch {missing[0]}', which is not on this branch yet")
    for command, output in block:
        assert run(command, tmp_path) == output, (
            f"{doc.name} example is out of date; run `python tests/test_docs.py` and review"
        )


def rewrite(text: str) -> str:
    out, last = [], 0
    for block in BLOCK.finditer(text):
        body = block.group(1)
        pairs = [
            (p.partition("\n")[0], p.partition("\n")[2])
            for p in re.split(r"^\$ ", body, flags=re.M)[1:]
        ]
        if not missing_commands(pairs):
            with tempfile.TemporaryDirectory() as tmp:
                body = "".join(f"$ {cmd}\n{run(cmd, Path(tmp))}" for cmd, _ in pairs)
        out.append(text[last : block.start(1)] + body)
        last = block.end(1)
    out.append(text[last:])
    return "".join(out)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "tests"))
    for doc in DOCS:
        doc.write_text(rewrite(doc.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"updated {doc}")
