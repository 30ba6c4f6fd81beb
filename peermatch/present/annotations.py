"""Findings as GitHub Actions annotations.

In a GitHub Actions job (``GITHUB_ACTIONS=true``) each finding is also printed as a
workflow command, ``::error file=systems.yaml,line=42,col=9::message``, which GitHub shows
on the line of the pull request's diff. The runner reads workflow commands on stdout and
stderr alike; peermatch prints them on stderr so that stdout stays clean for CSV and JSON.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from peermatch.core.findings import Finding, Severity, escape


def in_github_actions(environ: Mapping[str, str] | None = None) -> bool:
    """Whether we run inside a GitHub Actions job (the runner sets GITHUB_ACTIONS=true)."""
    env = os.environ if environ is None else environ
    return env.get("GITHUB_ACTIONS", "").strip().lower() == "true"


def escape_data(text: str) -> str:
    """Escape a workflow command's message: ``%``, CR and LF (GitHub's toolkit rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value: as :func:`escape_data`, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    """One ``::error``/``::warning`` workflow command for ``finding``."""
    command = "warning" if finding.severity is Severity.WARNING else "error"
    props = [f"file={escape_property(finding.file)}"]
    if finding.line:
        props.append(f"line={finding.line}")
        if finding.column:
            props.append(f"col={finding.column}")
    title = f"peermatch {finding.code}" if finding.code else "peermatch"
    props.append(f"title={escape_property(title)}")
    message = f"{finding.path}: {finding.message}" if finding.path else finding.message
    return f"::{command} {','.join(props)}::{escape_data(escape(message))}"


def message_annotation(message: str) -> str:
    """An ``::error`` workflow command with no file, for an error that is not about a line."""
    return f"::error title=peermatch::{escape_data(escape(message))}"
