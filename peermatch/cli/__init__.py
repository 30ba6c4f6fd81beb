"""The command line: a thin layer over the library. ``app`` is the typer application.

Each module in :mod:`peermatch.cli.commands` registers its commands on :data:`app` when
imported, in the order ``peermatch --help`` lists them.
"""

from __future__ import annotations

from peermatch.cli.app import app, main

# isort: off
from peermatch.cli.commands import matches  # noqa: F401  (registers commands)
from peermatch.cli.commands import topics  # noqa: F401
from peermatch.cli.commands import spreadsheets  # noqa: F401
from peermatch.cli.commands import programme  # noqa: F401
from peermatch.cli.commands import report  # noqa: F401
from peermatch.cli.commands import schema  # noqa: F401
from peermatch.cli.commands import teams  # noqa: F401
from peermatch.cli.commands import cache  # noqa: F401

# isort: on

__all__ = ["app", "main"]
