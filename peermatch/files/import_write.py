"""Writing an import: a folder with systems.yaml (and the catalogue it was checked
against), never half-written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from peermatch.core.errors import DataError, PeermatchError
from peermatch.core.findings import Finding, Severity
from peermatch.files.import_result import ImportResult


@dataclass
class Written:
    systems: Path
    challenges: Path | None  # the catalogue copied into the folder, if it was
    warnings: list[Finding]


def choose_catalogue(to: Path, challenges: Path | None) -> Path:
    """The catalogue to read topics against: ``--challenges``, else the folder's, else shipped."""
    from peermatch.files.loading import CHALLENGES_FILE, shipped_data_dir

    own = to / CHALLENGES_FILE
    if challenges is not None:
        if (
            own.is_file()
            and own.resolve() != challenges.resolve()
            and own.read_bytes() != _read_bytes(challenges)
        ):
            raise PeermatchError(
                f"{own} already exists and differs from {challenges}; "
                "remove one, or leave out --challenges to use the folder's catalogue"
            )
        return challenges
    if own.is_file():
        return own
    return shipped_data_dir() / CHALLENGES_FILE


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PeermatchError(f"{path}: cannot read the file: {exc.strerror or exc}") from None


def write_folder(result: ImportResult, to: Path, catalogue_path: Path, *, force: bool) -> Written:
    """Write ``to/systems.yaml`` (and the catalogue, if the folder has none), checked first.

    The profiles are checked as validate checks them before anything is written (the text
    itself when there is something to report); both files are written atomically.
    """
    import dataclasses
    import tempfile

    from peermatch.files.atomic import write_atomic
    from peermatch.files.loading import (
        CHALLENGES_FILE,
        SYSTEMS_FILE,
        check_documents,
        validate,
    )

    if result.errors:
        raise DataError(result.errors)
    if to.exists() and not to.is_dir():
        raise PeermatchError(f"{to}: is a file; --to needs a folder")
    target = to / SYSTEMS_FILE
    if target.exists() and not force:
        raise PeermatchError(f"{target} already exists; add --force to replace it")
    text = result.yaml_text()
    # the document as written, checked in memory (a YAML parse of 100,000 profiles costs
    # seconds and hundreds of MB); only when that finds something about systems.yaml is
    # the text itself checked, so that each finding has its line and column
    findings = check_documents(
        {"systems": result.systems}, catalogue_path, systems_name=str(target)
    )
    if any(f.file == str(target) for f in findings):
        with tempfile.TemporaryDirectory(prefix="peermatch-import-") as tmp:
            trial = Path(tmp) / SYSTEMS_FILE
            trial.write_text(text, encoding="utf-8")
            findings = validate(systems=trial, challenges=catalogue_path)
        findings = [
            dataclasses.replace(f, file=str(target)) if f.file == str(trial) else f
            for f in findings
        ]
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:  # pragma: no cover - the reader checks everything validate does
        raise DataError(errors)
    to.mkdir(parents=True, exist_ok=True)
    own_catalogue = to / CHALLENGES_FILE
    copied = None
    if not own_catalogue.exists():
        write_atomic(own_catalogue, _read_bytes(catalogue_path).decode("utf-8"))
        copied = own_catalogue
    write_atomic(target, text)
    warnings = [f for f in findings if f.severity is Severity.WARNING and f.file == str(target)]
    return Written(target, copied, warnings)
