"""A listing on a narrow terminal: ids whole, long text folded, a plan one table."""

from __future__ import annotations

import io
import re

import pytest
from conftest import TEST_DATA

import peermatch
from peermatch.present import listings
from peermatch.present.listing import Listing, render_rich
from peermatch.present.plan import plan_listing


def on_terminal(listing: Listing, columns: int, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    render_rich(listing, out)
    return out.getvalue()


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", text))


@pytest.mark.parametrize("columns", [60, 80, 120, 250])
def test_ids_are_never_broken_at_any_width(columns, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = peermatch.load()
    listing = listings.matches_listing(peermatch.suggest(data, top=3))
    text = on_terminal(listing, columns, monkeypatch)
    ids = {p.id for p in data.systems} | set(data.catalogue.topics)
    hyphenated = {i for i in ids if "-" in i}
    shown = words(text)
    used = {i for row in listing.rows for i in (row["learner"], row["teacher"], *row["topics"])}
    assert used & hyphenated <= shown  # every hyphenated id shown whole
    assert max(len(line) for line in text.splitlines()) <= columns


def test_at_80_columns_a_match_list_is_one_record_a_row(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = peermatch.load()
    listing = listings.matches_listing(peermatch.suggest(data, top=1, system="dorset"))
    text = on_terminal(listing, 80, monkeypatch)
    first = text.split("\n\n")[0]
    assert [line.split()[0] for line in first.splitlines()][:6] == [
        "rank",
        "learner",
        "teacher",
        "score",
        "topics",
        "two",
    ]
    assert "veterans-health-administration" in text
    reason = first.split("reason", 1)[1]
    assert len(reason.splitlines()) > 1  # the long reason folds, under its column
    assert all(line.startswith(" " * 9) for line in reason.splitlines()[1:])


def test_a_plan_is_one_table(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = peermatch.load(TEST_DATA / "valid" / "leftout")
    text = on_terminal(plan_listing(peermatch.plan(data), data), 200, monkeypatch)
    assert text.startswith("Plan for 4 systems: 3 links, total score 280.3\n")
    assert text.count("┃ teacher ") == 1
    assert text.count("┏") == 1
    assert "│ ashford (Ashford place partnership): learns 2 of 2, teaches 1 of 1" in text
    assert "├" in text  # a line between the learners
