"""The data cache's state (``peermatch cache info``) as a listing."""

from __future__ import annotations

from peermatch.files.cache import CacheInfo
from peermatch.present.listing import Listing

CACHE_COLUMNS = ("folder", "entries", "bytes", "cap", "usable", "problem")


def cache_listing(info: CacheInfo) -> Listing:
    mb = 1_000_000
    entries = f"{info.entries} entr{'y' if info.entries == 1 else 'ies'}"
    footer = f"{entries}, {info.size / mb:.1f} MB of a {info.cap / mb:.0f} MB cap"
    if info.problem is not None:
        footer += f"; not used: {info.problem}"
    return Listing(
        key="cache",
        rows=[info.as_row()],
        columns=CACHE_COLUMNS,
        footer=footer,
        table_hidden=("usable", "problem"),
    )
