"""A spreadsheet's header, and the findings of an import with their row and column: the
base of :class:`~peermatch.files.import_rows.RowReader`."""

from __future__ import annotations

from peermatch.core.catalogue import closest, did_you_mean
from peermatch.core.findings import Finding, Severity
from peermatch.files.import_cells import _NUMBERED_RE, BASE_COLUMNS, REQUIRED_COLUMNS, header_key


class HeaderReader:
    """Collects findings at (row, column) and reads the header into :attr:`columns`."""

    display: str
    findings: list[Finding]
    columns: dict[str, int]  # key -> 0-based index
    error_count: int

    # -- findings

    def error(self, row: int, column: str, code: str, message: str) -> None:
        self.error_count += 1
        col = self.columns.get(column, -1) + 1
        self.findings.append(Finding(self.display, row, col, column, code, message))

    def warn(self, row: int, column: str, code: str, message: str) -> None:
        col = self.columns.get(column, -1) + 1
        self.findings.append(
            Finding(self.display, row, col, column, code, message, Severity.WARNING)
        )

    # -- the header

    def _header(self, header: list[str]) -> list[str]:
        ignored: list[tuple[int, str]] = []
        known = {*BASE_COLUMNS, "timestamp"}
        for i, name in enumerate(header):
            key = header_key(name)
            if not key:
                continue  # a blank header cell: nothing to read there
            if key not in known and not _NUMBERED_RE.match(key):
                ignored.append((i, name))
            elif key in self.columns:
                self.findings.append(
                    Finding(
                        self.display,
                        1,
                        i + 1,
                        key,
                        "duplicate-column",
                        f"column '{name}' appears twice (first as column "
                        f"{self.columns[key] + 1}); keep one",
                    )
                )
            else:
                self.columns[key] = i
        for i, name in ignored:
            near = closest(header_key(name), {c: c for c in known}, limit=1, cutoff=85)
            if near:
                self.findings.append(
                    Finding(
                        self.display,
                        1,
                        i + 1,
                        name,
                        "unknown-column",
                        f"column '{name}' is not part of the layout and was ignored"
                        f"{did_you_mean(near)}",
                        Severity.WARNING,
                    )
                )
        missing = [c for c in REQUIRED_COLUMNS if c not in self.columns]
        if missing:
            one_cell = len(header) == 1 and (";" in header[0] or "\t" in header[0])
            hint = (
                "; the header is one cell: save the sheet with commas between columns"
                if one_cell
                else "; see 'peermatch export-csv --template' for the layout"
            )
            self.findings.append(
                Finding(
                    self.display,
                    1,
                    0,
                    "",
                    "missing-column",
                    "the header has no "
                    + ", ".join(f"'{c}'" for c in missing)
                    + (" column" if len(missing) == 1 else " columns")
                    + hint,
                )
            )
        return [name for _, name in ignored]
