"""Phrases to resolve (``peermatch resolve --file``): one a line, read by the checked reader."""

from __future__ import annotations

from pathlib import Path

from peermatch.files.checked_read import read_text


def read_phrases(path: Path) -> list[str]:
    """The non-blank lines of ``path``, stripped, in file order."""
    text = read_text(path, str(path), hint="check the path given to --file")
    return [line.strip() for line in text.splitlines() if line.strip()]
