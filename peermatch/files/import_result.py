"""What an import gives back: the profiles as YAML, every finding, and how free-text topics
were read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peermatch.core.findings import Finding, Severity
from peermatch.files.yaml_write import dump_yaml


@dataclass(frozen=True)
class Question:
    """A free-text topic the catalogue matches only weakly: which topic did they mean?"""

    text: str
    row: int
    column: str
    candidates: tuple[tuple[str, str, float], ...]  # (topic id, name, score), best first


#: Given a question, the topic id to use, or ``None`` to leave the item unplaced.
Decide = Callable[[Question], str | None]


@dataclass(frozen=True)
class Reading:
    """Free text read as a catalogue topic, and how: ``fuzzy`` (clear) or ``chosen``."""

    text: str
    topic: str
    how: str
    score: float
    rows: tuple[int, ...]


@dataclass
class ImportResult:
    """Profiles read from the CSV (as the YAML document's entries) and what was found."""

    source: str
    systems: list[dict[str, Any]]
    findings: list[Finding] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """The problems that stop the import, by row and column."""
        found = [f for f in self.findings if f.severity is Severity.ERROR]
        return sorted(found, key=lambda f: (f.line, f.column))

    @property
    def warnings(self) -> list[Finding]:
        found = [f for f in self.findings if f.severity is Severity.WARNING]
        return sorted(found, key=lambda f: (f.line, f.column))

    @property
    def unplaced_rows(self) -> list[int]:
        """Spreadsheet rows with at least one error (0 = the file as a whole)."""
        return sorted({f.line for f in self.errors})

    def yaml_text(self) -> str:
        """The ``systems.yaml`` text: deterministic, and valid when there are no errors."""
        header = (
            f"Written by 'peermatch import' from {Path(self.source).name}.\n"
            "Check it with 'peermatch validate'; edit it here or in the spreadsheet."
        )
        return dump_yaml({"systems": self.systems}, header=header)
