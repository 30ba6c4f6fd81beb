"""``suggest --top 0`` streamed: the same rows as :func:`suggest`, a few learners at a time."""

from __future__ import annotations

import pytest
from cohorts import random_cohort
from conftest import SMALL, invoke

import peermatch
from peermatch.scoring import ranking
from peermatch.scoring.ranking import iter_suggest, suggest


def cohort(n: int):  # type: ignore[no-untyped-def]
    return random_cohort(n, 6, 2, seed=3)


@pytest.mark.parametrize("n", [30, 230])  # the reference loop and the vectorised path
@pytest.mark.parametrize("top", [0, 2])
def test_streamed_rows_equal_suggests(n: int, top: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ranking, "STREAM_CHUNK", 7)  # several chunks
    data = cohort(n)
    assert list(iter_suggest(data, top=top)) == suggest(data, top=top)


def test_the_csv_is_written_as_it_is_made(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "m.csv"
    assert (
        invoke("suggest", "--data", str(SMALL), "--top", "0", "-f", "csv", "-o", str(out)).exit_code
        == 0
    )
    rows = suggest(peermatch.load(SMALL), top=0)
    assert out.read_text().count("\n") == len(rows) + 1
