"""The one family of user-facing errors. The CLI translates them at one edge."""

from __future__ import annotations

from collections.abc import Sequence

from peermatch.core.findings import Finding, Severity


class PeermatchError(Exception):
    """A problem the user can fix. Its text is one readable message; exit code 1."""

    exit_code = 1


class UsageError(PeermatchError):
    """The command line asked for something that cannot be (exit code 2)."""

    exit_code = 2


class DataError(PeermatchError):
    """The data is invalid. Carries every finding, errors first, in file order."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = sorted(findings, key=_finding_order)
        errors = [f for f in self.findings if f.severity is Severity.ERROR]
        shown = errors or self.findings
        text = "\n".join(str(f) for f in shown)
        super().__init__(text)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


def _finding_order(f: Finding) -> tuple[int, str, int, int, str]:
    return (0 if f.severity is Severity.ERROR else 1, f.file, f.line, f.column, f.message)
