"""Reading a weights file: YAML overriding some of :class:`~peermatch.core.weights.Weights`,
through the one checked reader and the one document translator (:mod:`.documents`),
against the rules in :mod:`peermatch.core.weights_schema`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from peermatch.core.errors import DataError
from peermatch.core.findings import Code, Finding
from peermatch.core.weights import Weights

if TYPE_CHECKING:
    from peermatch.files.documents import DocType


def load_weights(path: str | Path) -> Weights:
    """Read a weights file (see :mod:`peermatch.core.weights`); every problem is a finding
    at file:line:column (a bad or unknown weight with the code ``invalid-weight``). An empty
    file is the defaults."""
    from peermatch.files.documents import read_document

    findings: list[Finding] = []
    doc = read_document(
        path, weights_doc_type(), findings, hint="check the path given to --weights"
    )
    if doc is None:
        raise DataError(findings)
    return Weights.from_rules(doc.model)


def weights_doc_type() -> DocType:
    """The weights file for the document translator (built when a file is read: the rules
    are pydantic models, which a run without ``--weights`` never imports)."""
    from peermatch.core.weights_schema import Weights as Rules
    from peermatch.files.documents import DocType

    return DocType(
        Rules,
        field_word="weight",
        code=Code.INVALID_WEIGHT,
        empty=None,
        not_mapping=(Code.TOP_LEVEL, "a weights file is a mapping, e.g. 'related_factor: 0.5'"),
    )
