"""From two YAML files to a checked :class:`Dataset`, collecting every problem first.

Order of work: read and parse each file (:mod:`peermatch.files.yaml_read`), check its shape with the
pydantic models (:mod:`peermatch.files.models`), then the checks that span both files (unique ids,
references, partners). Every problem becomes a :class:`~peermatch.core.findings.Finding` with
file, line and column; :func:`load` raises one :class:`~peermatch.core.errors.DataError` with all
of them, :func:`validate` returns them (warnings too).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from peermatch.core.catalogue import (
    Catalogue,
)
from peermatch.core.dataset import Dataset
from peermatch.core.errors import DataError
from peermatch.core.findings import Finding, Severity
from peermatch.core.gc_pause import paused_gc
from peermatch.files.checks import Checker
from peermatch.files.documents import CHALLENGES, SYSTEMS, Document, check_shape, read_document
from peermatch.files.locations import CHALLENGES_FILE as CHALLENGES_FILE  # re-exported
from peermatch.files.locations import SYSTEMS_FILE as SYSTEMS_FILE
from peermatch.files.locations import data_paths as data_paths
from peermatch.files.locations import is_shipped_catalogue
from peermatch.files.locations import shipped_data_dir as shipped_data_dir
from peermatch.files.yaml_positions import Positions

# --------------------------------------------------------------------------- public API


def load(
    data: str | Path | None = None,
    *,
    systems: str | Path | None = None,
    challenges: str | Path | None = None,
) -> Dataset:
    """Load and check the data; raise :class:`DataError` listing every error."""
    with paused_gc():
        dataset, findings = _load(data, systems, challenges)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors or dataset is None:
        raise DataError(errors)
    return dataset


def validate(
    data: str | Path | None = None,
    *,
    systems: str | Path | None = None,
    challenges: str | Path | None = None,
) -> list[Finding]:
    """Every error and warning in the data, in file order (errors and warnings mixed)."""
    return checked(data, systems=systems, challenges=challenges)[1]


def checked(
    data: str | Path | None = None,
    *,
    systems: str | Path | None = None,
    challenges: str | Path | None = None,
) -> tuple[Dataset | None, list[Finding]]:
    """The dataset (``None`` if the data has errors) and :func:`validate`'s findings."""
    with paused_gc():
        dataset, findings = _load(data, systems, challenges)
    findings.sort(key=lambda f: (f.file, f.line, f.column, f.code, f.message))
    if any(f.severity is Severity.ERROR for f in findings):
        dataset = None
    return dataset, findings


def _load(
    data: str | Path | None, systems: str | Path | None, challenges: str | Path | None
) -> tuple[Dataset | None, list[Finding]]:
    systems_path, challenges_path = data_paths(data, systems, challenges)
    findings: list[Finding] = []
    cat_doc = read_document(challenges_path, CHALLENGES, findings)
    rejected: list[Document] = []
    sys_doc = read_document(systems_path, SYSTEMS, findings, rejected)
    return _assemble(cat_doc, sys_doc, findings, rejected), findings


def _assemble(
    cat_doc: Document | None,
    sys_doc: Document | None,
    findings: list[Finding],
    rejected: Sequence[Document] = (),
) -> Dataset | None:
    """Cross-file checks, once both files have the right shape (else they'd mislead).

    A systems file whose shape failed still has its topic references checked against a
    sound catalogue, so that one pass reports both kinds of problem.
    """
    if cat_doc is not None and sys_doc is None and rejected:
        findings.extend(Checker(cat_doc, rejected[0]).unknown_topics())
    if cat_doc is None or sys_doc is None:
        return None
    checker = Checker(cat_doc, sys_doc, lambda: is_shipped_catalogue(cat_doc.display))
    dataset = checker.run()
    findings.extend(checker.findings)
    dataset.warnings = [f for f in checker.findings if f.severity is Severity.WARNING]
    return dataset


# --------------------------------------------------------------------------- reading one file


def from_documents(
    systems: Any,
    challenges: Any,
    *,
    systems_name: str = "<systems>",
    challenges_name: str = "<challenges>",
) -> Dataset:
    """Build a :class:`Dataset` from already-parsed documents (``{"systems": [...]}`` and
    ``{"challenges": [...]}``), with exactly the checks :func:`load` makes."""
    findings: list[Finding] = []
    cat_doc = check_shape(challenges, Positions(), challenges_name, CHALLENGES, findings)
    sys_doc = check_shape(systems, Positions(), systems_name, SYSTEMS, findings)
    dataset = _assemble(cat_doc, sys_doc, findings)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors or dataset is None:
        raise DataError(errors)
    return dataset


def check_documents(systems: Any, challenges_path: Path, *, systems_name: str) -> list[Finding]:
    """:func:`validate`'s findings for a systems document not yet written, against the
    catalogue at ``challenges_path``. The document has no positions: a finding in it has
    line 0 (``import`` then checks the written text itself, to say where)."""
    findings: list[Finding] = []
    with paused_gc():
        cat_doc = read_document(challenges_path, CHALLENGES, findings)
        sys_doc = check_shape(systems, Positions(), systems_name, SYSTEMS, findings)
        _assemble(cat_doc, sys_doc, findings)
    return findings


# --------------------------------------------------------------------------- cross-file checks


def load_catalogue(path: str | Path) -> Catalogue:
    """Load and check a challenges file on its own (e.g. to resolve topics while importing)."""
    findings: list[Finding] = []
    doc = read_document(Path(path), CHALLENGES, findings)
    if doc is None:
        raise DataError(findings)
    checker = Checker(doc, doc)  # only the catalogue's own checks run
    catalogue = checker._catalogue()
    errors = [f for f in checker.findings if f.severity is Severity.ERROR]
    if errors:
        raise DataError(errors)
    return catalogue
