"""``peermatch cache info|clear``: the validated-data cache's folder, size and cap."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from peermatch.cli.app import app
from peermatch.cli.console import note
from peermatch.cli.options import Shared, shares


class Action(StrEnum):
    info = "info"
    clear = "clear"


@app.command()
@shares("format", "output")
def cache(
    action: Annotated[
        Action, typer.Argument(help="info: where and how large; clear: remove every entry.")
    ] = Action.info,
    *,
    shared: Shared,
) -> None:
    """The validated-data cache: a checked dataset is kept per exact content of the files,
    so the next run skips parsing them. Folder: $PEERMATCH_CACHE_DIR, else
    $XDG_CACHE_HOME/peermatch, else ~/.cache/peermatch; cap: $PEERMATCH_CACHE_MAX_BYTES.

    Example: peermatch cache info --format json
    """
    from peermatch.files.cache import cache_info, clear_cache

    if action is Action.clear:
        folder, removed = clear_cache()
        note(f"removed {removed} cache entr{'y' if removed == 1 else 'ies'} from {folder}")
        return
    from peermatch.present.cache import cache_listing

    shared.emit(cache_listing(cache_info()))
