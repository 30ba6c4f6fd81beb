"""Messages on stderr: errors, notes (silenced by -q) and detail (shown with -v).

Rows go to stdout (:mod:`peermatch.present.listing`); everything said to the user goes
through here.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn

import typer

from peermatch.core.errors import DataError, PeermatchError, UsageError
from peermatch.core.findings import Finding, escape
from peermatch.present.annotations import annotation, in_github_actions, message_annotation

#: How many finding lines an error prints before pointing at ``peermatch validate``.
MAX_SHOWN = 20


#: The global flags that may also be written after the command (``peermatch validate -q``).
VERBOSITY_FLAGS = frozenset({"-q", "--quiet", "-v", "--verbose"})


def hoist_verbosity(args: Sequence[str]) -> list[str]:
    """Move -q/--quiet and -v/--verbose to the front, so that they work after the command too.

    Everything after a ``--`` is left alone.
    """
    args = list(args)
    end = args.index("--") if "--" in args else len(args)
    flags = [a for a in args[:end] if a in VERBOSITY_FLAGS]
    if not flags:
        return args
    return flags + [a for a in args[:end] if a not in VERBOSITY_FLAGS] + args[end:]


class Verbosity:
    """-q (-1), normal (0) or -v (1); set by the root callback on every run."""

    level = 0


def quiet() -> bool:
    return Verbosity.level < 0


def verbose() -> bool:
    return Verbosity.level > 0


def err(message: str) -> None:
    """A message for the user on stderr (never on stdout, where the rows go).

    Control characters in it (ESC, BEL, an OSC title sequence from a CSV header) are shown
    escaped, line by line, so nothing a file holds can reach the terminal raw.
    """
    lines = message.rstrip("\n").split("\n")
    sys.stderr.write("\n".join(escape(line) for line in lines) + "\n")
    sys.stderr.flush()


def note(message: str) -> None:
    """A note or warning on stderr; ``-q`` silences it (errors use :func:`err`)."""
    if not quiet():
        err(message)


def check_failed(message: str) -> NoReturn:
    """A requested check failed (``--strict``, ``--fail``): say why on stderr, exit 1."""
    err(message)
    raise typer.Exit(1)


def info(message: str) -> None:
    """Detail on stderr (timings, counts) shown only with ``-v``."""
    if verbose():
        err(message)


def annotate(findings: Sequence[Finding]) -> None:
    """In a GitHub Actions job, print each finding as an annotation on stderr."""
    if in_github_actions():
        for finding in findings:
            err(annotation(finding))


def report_error(exc: PeermatchError) -> None:
    if isinstance(exc, DataError) and exc.findings:
        errors = exc.errors or exc.findings
        for finding in errors[:MAX_SHOWN]:
            err(str(finding))
        if len(errors) > MAX_SHOWN:
            err(f"... and {len(errors) - MAX_SHOWN} more; run 'peermatch validate' to see all")
        annotate(errors[:MAX_SHOWN])
        return
    prefix = "usage error" if isinstance(exc, UsageError) else "error"
    err(f"{prefix}: {exc}")
    if in_github_actions():
        err(message_annotation(str(exc)))
