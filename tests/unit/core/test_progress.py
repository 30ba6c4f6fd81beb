"""Progress bars: only on a terminal, never in pipes, CI, quiet mode or library use."""

from __future__ import annotations

import io

import pytest
from conftest import SMALL, run

from peermatch.core import progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def on_terminal(monkeypatch: pytest.MonkeyPatch) -> FakeTerminal:
    """Pretend stderr is a terminal (call in the test body: pytest swaps stderr per phase)."""
    stream = FakeTerminal()
    monkeypatch.setattr("sys.stderr", stream)
    monkeypatch.setattr(progress, "enabled", True)
    monkeypatch.setattr(progress, "quiet", False)
    monkeypatch.delenv("CI", raising=False)
    return stream


def test_wanted_only_on_an_enabled_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    on_terminal(monkeypatch)
    assert progress.wanted()
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted()
    monkeypatch.delenv("CI")
    monkeypatch.setattr(progress, "quiet", True)
    assert not progress.wanted()
    monkeypatch.setattr(progress, "quiet", False)
    monkeypatch.setattr(progress, "enabled", False)  # the library default
    assert not progress.wanted()
    monkeypatch.setattr(progress, "enabled", True)
    monkeypatch.setattr("sys.stderr", io.StringIO())  # a pipe or a file
    assert not progress.wanted()


def test_a_quick_step_draws_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = on_terminal(monkeypatch)
    monkeypatch.setattr(progress, "DELAY", 3600.0)  # "quick": it ends before DELAY, surely
    with progress.step("scoring", 10) as advance:
        for _ in range(10):
            advance(1)
    assert terminal.getvalue() == ""


def test_a_slow_step_draws_a_bar_on_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = on_terminal(monkeypatch)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    with progress.step("scoring", 4) as advance:
        for _ in range(4):
            advance(1)
    assert "scoring" in terminal.getvalue()


def test_not_a_terminal_means_no_bar_and_no_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "enabled", True)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr("sys.stderr", io.StringIO())
    with progress.step("scoring", 2) as advance:
        advance(2)
    assert advance is progress._ignore


def test_cli_in_a_pipe_prints_no_bar() -> None:
    proc = run("suggest", "--data", str(SMALL), "--format", "csv", env={"CI": ""})
    assert proc.returncode == 0
    assert proc.stderr == ""


def test_a_slow_step_without_advances_still_gets_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    """One long call never advances: the timer alone must start the bar."""
    import threading

    terminal = on_terminal(monkeypatch)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    drawn = threading.Event()
    start = progress._Step._start

    def start_and_tell(self: progress._Step) -> None:
        start(self)
        drawn.set()

    monkeypatch.setattr(progress._Step, "_start", start_and_tell)
    with progress.step("checking systems.yaml"):
        # no advance() in here: only the timer's thread can draw; wait for it by event
        assert drawn.wait(timeout=60)
    assert "checking systems.yaml" in terminal.getvalue()
