"""``validate`` as a library call: check the data files (and a history file), collect every
finding, and decide the verdict, before anything is printed.

The model is check-jsonschema's ``checker -> result -> reporter``: :func:`check` is the
checker, :class:`CheckResult` the result, and :mod:`peermatch.present.validation` the
reporter.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peermatch.core.dataset import Dataset
from peermatch.core.findings import Finding, Severity


@dataclass(frozen=True)
class CheckResult:
    """Every finding in the files checked, and what they add up to."""

    findings: list[Finding]
    strict: bool
    systems_file: Path
    challenges_file: Path
    shipped: bool  # no --data, --systems or --challenges: the shipped data was checked
    history: Path | None
    seconds: float
    plan: Path | None = None
    cache: str = ""  # what the cache did, in words (validate -v prints it)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def failed(self) -> bool:
        """Errors fail; warnings too with ``strict``."""
        return self.errors > 0 or (self.strict and self.warnings > 0)

    @property
    def checked(self) -> str:
        """What was checked, in words."""
        where = (
            "the shipped data"
            if self.shipped
            else f"{self.systems_file} and {self.challenges_file}"
        )
        extra = [str(p) for p in (self.history, self.plan) if p is not None]
        return where + "".join(f" and {p}" for p in extra)


def check(
    data: Path | None = None,
    systems: Path | None = None,
    challenges: Path | None = None,
    *,
    history: Path | None = None,
    plan: Path | None = None,
    strict: bool = False,
    load: Callable[[], Dataset] | None = None,
    use_cache: bool = True,
) -> CheckResult:
    """Check the data files and, when they have no errors, ``history`` and ``plan`` (a
    plan's JSON or CSV) against them.

    ``load`` loads the dataset for the history check (default: :func:`~.loading.load` of
    the same files). The files are always read and hashed: their findings come from the
    cache only when their bytes are those of a valid dataset checked before
    (:func:`~peermatch.files.cache.check_cached`; ``use_cache=False`` checks them anew).
    """
    from peermatch.files.cache import check_cached
    from peermatch.files.locations import data_paths

    started = time.perf_counter()
    outcome = check_cached(data, systems, challenges, use_cache=use_cache)
    findings = outcome.findings
    others = history is not None or plan is not None
    if others and not any(f.severity is Severity.ERROR for f in findings):
        from peermatch.files.loading import load as load_files

        dataset = (
            load() if load is not None else load_files(data, systems=systems, challenges=challenges)
        )
        if history is not None:
            from peermatch.files.history import validate_history

            findings += validate_history(history, dataset)
        if plan is not None:
            from peermatch.files.plan_json import check_plan

            findings += check_plan(plan, dataset)[1]
    sys_path, cat_path = data_paths(data, systems, challenges)
    return CheckResult(
        findings=findings,
        strict=strict,
        systems_file=sys_path,
        challenges_file=cat_path,
        shipped=data is None and systems is None and challenges is None,
        history=history,
        plan=plan,
        seconds=time.perf_counter() - started,
        cache=outcome.cache,
    )
