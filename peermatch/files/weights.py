"""Reading a weights file: YAML overriding some of :class:`~peermatch.core.weights.Weights`."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from peermatch.core.errors import DataError
from peermatch.core.findings import Finding
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights


def load_weights(path: str | Path) -> Weights:
    """Read a weights file (see module docstring); every problem names file and line."""
    from peermatch.files.checked_read import read_text
    from peermatch.files.documents import locate
    from peermatch.files.yaml_read import parse_yaml

    display = str(path)
    text = read_text(Path(path), display, hint="check the path given to --weights")
    raw, positions = parse_yaml(text, display)
    if raw is None:
        return DEFAULT_WEIGHTS
    if not isinstance(raw, dict):
        raise DataError(
            [
                Finding(
                    display,
                    1,
                    1,
                    "",
                    "top-level",
                    "a weights file is a mapping, e.g. 'related_factor: 0.5'",
                )
            ]
        )
    try:
        return Weights.model_validate(raw)
    except ValidationError as exc:
        findings = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            line, col = locate(positions, loc)
            where = ".".join(str(p) for p in loc)
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown weight; see the README's 'How a match is scored' for the keys"
            findings.append(Finding(display, line, col, where, "invalid-weight", msg))
        raise DataError(findings) from None
