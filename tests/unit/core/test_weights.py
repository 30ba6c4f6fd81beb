"""The scoring weights alone: defaults, validation, and reading a weights file."""

from __future__ import annotations

from pathlib import Path

import pytest

from peermatch.core.errors import DataError
from peermatch.core.weights import DEFAULT_WEIGHTS, Weights
from peermatch.files.weights import load_weights


def test_defaults_are_the_documented_numbers() -> None:
    w = DEFAULT_WEIGHTS
    assert (w.priority.of(1), w.priority.of(2), w.priority.of(3)) == (1.0, 2.0, 3.0)
    assert (w.level_shortfall.of(3), w.level_shortfall.of(2), w.level_shortfall.of(1)) == (
        0.0,
        0.25,
        0.5,
    )
    assert (w.related_factor, w.context_weight, w.partner_factor) == (0.5, 0.1, 1.0)
    assert w.history_lift == 0.125


def test_validation_keeps_the_score_monotone() -> None:
    with pytest.raises(ValueError, match="must not decrease"):
        Weights.model_validate({"priority": {"low": 3, "high": 1}})
    with pytest.raises(ValueError, match=r"emerging must be below priority\.low"):
        Weights.model_validate({"level_shortfall": {"emerging": 1.0}})
    with pytest.raises(ValueError):
        Weights.model_validate({"related_factor": 0})


def test_a_weights_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("related_factor: 0.25\ncontext: {tags: 2}\n")
    w = load_weights(path)
    assert w.related_factor == 0.25 and w.context.tags == 2
    assert w.priority == DEFAULT_WEIGHTS.priority and w.partner_factor == 1.0


def test_an_empty_weights_file_is_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("# nothing yet\n")
    assert load_weights(path) == DEFAULT_WEIGHTS


def test_a_weights_file_that_is_not_a_mapping_is_one_finding(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("- 1\n- 2\n")
    with pytest.raises(DataError) as info:
        load_weights(path)
    assert [f.code for f in info.value.findings] == ["top-level"]
