"""Docs that cannot drift: README.md and docs/*.md print what they show.

Every ``console`` block of every page runs (see ``readme_examples.py``; after a deliberate
change, ``python tests/readme_examples.py`` rewrites the outputs), every ``python`` block
runs, and a few pages have checks of their own below.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import invoke
from readme_examples import PAGES, REPO, blocks, examples, python_blocks, run

from peermatch.core.findings import CODES

#: The least number of ``$`` examples a page shows (so that a broken fence cannot hide them).
MIN_EXAMPLES = {"README.md": 5, "hardening.md": 7, "plan.md": 9, "performance.md": 2}

TEXTS = {page: page.read_text(encoding="utf-8") for page in PAGES}


def test_every_page_has_its_examples() -> None:
    assert {p.name for p in PAGES} >= set(MIN_EXAMPLES)
    for page, text in TEXTS.items():
        assert len(examples(text)) >= MIN_EXAMPLES.get(page.name, 0), page.name


CONSOLE = [
    pytest.param(page, block, id=f"{page.name}:{i}:{block[0].command}")
    for page, text in TEXTS.items()
    for i, block in enumerate(blocks(text))
]


@pytest.mark.parametrize(("page", "block"), CONSOLE)
def test_console_example_prints_what_it_shows(page, block, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for example in block:  # one block's commands run in order, in one folder
        assert run(example.command, tmp_path) == example.output, (
            f"{page.name} example {example.command!r} is out of date; "
            "run `python tests/readme_examples.py` and review the diff"
        )


PYTHON = [
    pytest.param(page, code, id=f"{page.name}:{i}")
    for page, text in TEXTS.items()
    for i, code in enumerate(python_blocks(text))
]


@pytest.mark.parametrize(("page", "code"), PYTHON)
def test_python_example_runs(page: Path, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("PEERMATCH_DATA", raising=False)
    exec(compile(code, str(page), "exec"), {})


# --------------------------------------------------------------------------- docs/hardening.md

HARDENING = REPO / "docs" / "hardening.md"


def test_every_finding_code_is_documented() -> None:
    text = HARDENING.read_text()
    missing = [code for code in CODES if f"`{code}`" not in text]
    assert missing == []


def test_written_schemas_match_the_committed_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schemas").mkdir()
    for which in ("systems", "challenges", "peers"):
        target = f"schemas/{which}.schema.json"
        assert invoke("schema", which, "--output", target).exit_code == 0
        assert (tmp_path / target).read_text() == (REPO / target).read_text()


# --------------------------------------------------------------------------- docs/performance.md

PERFORMANCE = REPO / "docs" / "performance.md"


def test_performance_example_generates_a_cohort_then_suggests() -> None:
    commands = [e.command for e in examples(PERFORMANCE.read_text())]
    assert [c.split()[0] for c in commands] == ["python", "peermatch"]


def test_figures_are_the_runners_table():
    text = PERFORMANCE.read_text()
    figures = re.search(r"```text\n(.*?)```", text, flags=re.S)
    assert figures, "the figures block is missing"
    table = figures.group(1)
    assert table.startswith("peermatch benchmarks, ")
    lines = table.splitlines()
    for row in (
        "cold: peermatch --version",
        "cold: peermatch --help",
        "cold: suggest (shipped data), warm cache",
        "cold: suggest (shipped data), --no-cache",
        "cold: suggest (shipped data), empty cache",
        "validate, 50 systems: peermatch validate, warm cache",
        "validate, 50 systems: peermatch validate --no-cache",
        "20,000 x 200: suggest --top 5 -f csv -o FILE, --no-cache",
        "20,000 x 200: suggest, first run (empty cache)",
        "20,000 x 200: suggest, second run (warm cache)",
        "20,000 x 200: suggest peak memory",
    ):
        (line,) = [x for x in lines if x.startswith(row)]
        assert line.rstrip().endswith("PASS"), line
    # measured and quoted, with what it would need, in docs/performance.md's "The data
    # cache": plan on 5,000 profiles is not within 2x suggest (its floor got quicker)
    for row in ("5,000 x 200: plan",):
        assert len([x for x in lines if x.startswith(row)]) == 1, row
