"""The command line: a thin layer over the library. ``app`` is the typer application.

Each module here registers its commands on :data:`app` when imported.
"""

from __future__ import annotations

from peermatch.cli import (
    core,  # noqa: F401  (registers commands)
    importing,  # noqa: F401
    planning,  # noqa: F401  (registers commands)
    report,  # noqa: F401
    schema,  # noqa: F401
)
from peermatch.cli.app import app, main

__all__ = ["app", "main"]
