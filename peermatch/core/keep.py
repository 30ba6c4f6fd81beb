"""Which of an organisation's form responses an import keeps when it answered twice
(``peermatch import --keep``). Here, importing nothing, so the CLI's options cost nothing."""

from __future__ import annotations

from enum import StrEnum


class Keep(StrEnum):
    latest = "latest"
    first = "first"
