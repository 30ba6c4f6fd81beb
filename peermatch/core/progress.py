"""A progress bar on stderr for the steps that take more than about a second.

The library reports progress through :func:`step`; whether anything is drawn is decided
here, once: only when the command line has switched bars on (:data:`enabled`; library
callers get silence unless they set it), not with ``-q/--quiet`` (:data:`quiet`), only when
stderr is a terminal (never in a pipe or a file), and never in CI (the ``CI`` environment
variable is set). Even then a bar appears only once a step has run for :data:`DELAY`
seconds (a timer starts it, so a step that is one long call gets one too), so quick
commands never flicker, and it is removed when the step ends (stdout and the messages on
stderr stay clean). rich is imported only when a bar is actually drawn.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: Set by the command line; a library caller who wants bars sets it too.
enabled = False
#: Set by ``-q/--quiet``: no bars even on a terminal.
quiet = False
#: Seconds a step runs before its bar appears.
DELAY = 1.0


def wanted() -> bool:
    """Whether bars may be drawn now (see the module docstring)."""
    if not enabled or quiet or os.environ.get("CI"):
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


class _Step:
    """One step's bar, started after :data:`DELAY` seconds by a timer (or by ``advance``)."""

    def __init__(self, description: str, total: int | None) -> None:
        self.description = description
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.bar: Any = None
        self.task: Any = None
        self.closed = False
        self.lock = threading.Lock()
        # steps that never call advance (one long call) still get a bar after DELAY
        self.timer = threading.Timer(DELAY, self._start)
        self.timer.daemon = True
        self.timer.start()

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        if self.bar is None and time.monotonic() - self.started >= DELAY:
            self._start()
        with self.lock:
            if self.bar is not None:
                self.bar.update(self.task, completed=self.done)

    def _start(self) -> None:
        with self.lock:
            if self.bar is not None or self.closed:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            console = Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))
            counts = MofNCompleteColumn() if self.total else TimeElapsedColumn()
            bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                counts,
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            bar.start()
            self.task = bar.add_task(self.description, total=self.total, completed=self.done)
            self.bar = bar

    def close(self) -> None:
        self.timer.cancel()
        with self.lock:
            self.closed = True
            if self.bar is not None:
                self.bar.stop()
                self.bar = None


def _ignore(amount: int = 1) -> None:
    """The advance function when no bar can be drawn."""


@contextmanager
def step(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """Report a step of ``total`` units (``None``: unknown); yields ``advance(units)``.

    ::

        with progress.step("scoring", len(learners)) as advance:
            for chunk in chunks:
                ...
                advance(len(chunk))
    """
    if not wanted():
        yield _ignore
        return
    current = _Step(description, total)
    try:
        yield current.advance
    finally:
        current.close()
