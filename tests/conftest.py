"""Shared test helpers: the small hand-made dataset and two ways through the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from peermatch.cli import app

# Hypothesis profiles: "ci" runs every property test with its full example count (CI sets
# the CI variable); "dev", the default on a developer's machine, runs a quarter of them so
# that the whole suite stays quick. HYPOTHESIS_PROFILE=ci chooses the full run anywhere.
settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=25, deadline=None)
_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if _CI else "dev"))


def examples(full: int) -> int:
    """``full`` examples under the ci profile, the same share of them under a lighter one."""
    return max(5, full * settings.default.max_examples // 100)


REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "tests" / "data"
SMALL = TEST_DATA / "valid" / "small"


@pytest.fixture(autouse=True, scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data cache for what runs before a test's own (module and session fixtures that
    run the CLI): never the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("session-cache") / "peermatch"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PEERMATCH_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own empty data cache (never the user's ~/.cache): in-process
    runs and subprocesses (which inherit the environment) alike."""
    folder = tmp_path_factory.mktemp("cache") / "peermatch"
    monkeypatch.setenv("PEERMATCH_CACHE_DIR", str(folder))
    monkeypatch.delenv("PEERMATCH_NO_CACHE", raising=False)
    monkeypatch.delenv("PEERMATCH_CACHE_MAX_BYTES", raising=False)
    return folder


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
