"""The reporter of ``validate``: a :class:`~peermatch.files.checking.CheckResult` as lines of
text (one finding a line, then the verdict) or as a listing for the machine formats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peermatch.core.findings import Severity

if TYPE_CHECKING:
    from peermatch.files.checking import CheckResult
    from peermatch.present.listing import Listing


def check_text(result: CheckResult, *, quiet: bool = False) -> str:
    """Each finding on its own line, then the verdict.

    ``quiet`` (-q) leaves out what does not fail the run: warnings without ``strict``, and
    the OK line.
    """
    findings, strict = result.findings, result.strict
    shown = [f for f in findings if strict or not quiet or f.severity is Severity.ERROR]
    lines = [str(f) for f in shown]
    if not findings:
        if not quiet:
            lines.append(f"OK: {result.checked}: no problems found")
    elif result.failed or not quiet:
        verdict = "FAILED" if result.failed else "OK"
        lines.append(
            f"{verdict}: {result.errors} error(s), {result.warnings} warning(s)"
            + ("" if strict or not result.warnings else "; --strict fails on warnings")
        )
    return "".join(line + "\n" for line in lines)


def check_listing(result: CheckResult) -> Listing:
    """The findings as rows, with the verdict beside them."""
    # here, not at the top: the listings import the scoring code, which a verdict in words
    # (validate's table) does not need
    from peermatch.present.listings import findings_listing

    listing = findings_listing(result.findings)
    listing.extra["valid"] = not result.failed
    listing.extra["strict"] = result.strict
    return listing
