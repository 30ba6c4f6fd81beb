"""Shared test helpers: the small hand-made dataset and two ways through the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peermatch.cli import app

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "tests" / "data"
SMALL = TEST_DATA / "valid" / "small"


@pytest.fixture
def small() -> Path:
    """A two-system dataset whose scores are worked out by hand in test_scoring.py."""
    return SMALL


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Several chunks and the block bound of the fast path even on tiny cohorts."""
    from peermatch.scoring import matrix as fastscore

    monkeypatch.setattr(fastscore, "CHUNK_CELLS", 30)
    monkeypatch.setattr(fastscore, "BLOCK", 2)


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """Run the CLI in-process through typer's CliRunner (stdout and stderr kept apart)."""
    try:  # click < 8.2 mixes stderr into stdout unless told not to
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        runner = CliRunner()
    return runner.invoke(app, list(args), catch_exceptions=False, env=env)


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m peermatch`` as a real subprocess of this checkout."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    full_env.pop("PEERMATCH_DATA", None) if env is None or "PEERMATCH_DATA" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "peermatch", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=120,
        check=False,
    )
