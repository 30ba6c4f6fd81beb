"""What ``import`` tells its user, as lines for stderr: why nothing was written, how
free-text cells were read, and what was written where."""

from __future__ import annotations

from pathlib import Path

from peermatch.files.import_result import ImportResult
from peermatch.files.import_write import Written


def rejected_lines(result: ImportResult, responses: Path) -> list[str]:
    """Every error (and the header's warnings, e.g. a misspelt column) by position, then
    which rows could not be placed: the file has errors and nothing was written."""
    header_notes = [f for f in result.warnings if f.line == 1]
    found = sorted([*header_notes, *result.errors], key=lambda f: (f.line, f.column))
    bad = [r for r in result.unplaced_rows if r > 1]
    where = f"row(s) {', '.join(map(str, bad))}" if bad else "the header"
    return [
        *(str(finding) for finding in found),
        f"could not place {where} of {responses}; fix them in the spreadsheet and "
        "import again (nothing was written)",
    ]


def read_lines(result: ImportResult, responses: Path) -> list[str]:
    """The columns ignored, each free-text cell read as a topic, and the warnings."""
    lines = []
    if result.ignored_columns:
        lines.append(f"{responses}: ignored column(s): {', '.join(result.ignored_columns)}")
    for reading in result.readings:
        rows = ", ".join(str(r) for r in reading.rows)
        how = "as you chose" if reading.how == "chosen" else f"match {reading.score:.0f}"
        lines.append(f"{responses}: read '{reading.text}' as {reading.topic} ({how}; row {rows})")
    return lines + [str(finding) for finding in result.warnings]


def written_lines(result: ImportResult, written: Written, catalogue_path: Path) -> list[str]:
    """The writer's warnings, the catalogue copied (if it was) and the systems written."""
    lines = [str(finding) for finding in written.warnings]
    if written.challenges is not None:
        from peermatch.files.loading import CHALLENGES_FILE, shipped_data_dir

        shipped = catalogue_path == shipped_data_dir() / CHALLENGES_FILE
        source = "the shipped catalogue" if shipped else f"the catalogue {catalogue_path}"
        lines.append(f"copied {source} to {written.challenges}")
    return [*lines, f"wrote {len(result.systems)} systems to {written.systems}"]
