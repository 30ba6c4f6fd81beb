"""Reproducible performance runs: a cohort generator and a benchmark runner (not timed tests)."""
