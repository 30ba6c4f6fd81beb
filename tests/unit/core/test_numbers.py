"""Every number has a range, and a clear error outside it: the one parser of whole numbers,
and the places that read numbers (YAML, the import CSV, history.yaml, the command line)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SMALL, invoke
from hypothesis import given
from hypothesis import strategies as st

from peermatch.core.numbers import CAPACITY, MAX_DIGITS, POPULATION, NumberError, whole_number

HUGE = "9" * 5000


@given(st.integers(min_value=POPULATION[0], max_value=POPULATION[1]))
def test_every_number_in_range_reads_back(n: int) -> None:
    assert whole_number(str(n), POPULATION) == n


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HUGE, "a number of 5,000 digits is out of range; it must be from 0 to 1,000"),
        ("1001", "must be from 0 to 1,000; got 1,001"),
        ("-1", "must be from 0 to 1,000; got -1"),
        ("1e23", "must be a whole number from 0 to 1,000; got '1e23'"),
        ("٣", "must be a whole number from 0 to 1,000; got '٣'"),  # not an ASCII digit
    ],
)
def test_a_number_outside_its_range_says_the_range(text: str, message: str) -> None:
    with pytest.raises(NumberError) as info:
        whole_number(text, CAPACITY)
    assert str(info.value) == message


def test_no_range_needs_more_digits_than_the_limit() -> None:
    assert len(str(POPULATION[1])) <= MAX_DIGITS


@pytest.mark.parametrize(
    ("args", "bound"),
    [
        (["plan", "--teach", "1e23"], ""),
        (["plan", "--learn", "99999999999999999999999"], "1000"),
        (["suggest", "--top", HUGE[:30]], "1000000"),
        (["groups", "--size", HUGE[:30]], "1000000"),
        (["plan", "--time-limit", "1e400"], "604800"),
    ],
)
def test_command_line_numbers_have_ranges(args: list[str], bound: str) -> None:
    """Exit 2 naming the option and its upper bound (typer words the range its own way:
    "less than or equal to 1000" now, "0<=x<=1000" in older releases)."""
    result = invoke(*args, "--data", str(SMALL))
    assert result.exit_code == 2
    assert f"Invalid value for '{args[1]}'" in result.stderr
    assert re.search(rf"(less than or equal to |<=){bound}(\.0)?\b", result.stderr) or not bound
    assert "Traceback" not in result.stderr


def test_a_5000_digit_year_in_history_is_one_error(tmp_path: Path) -> None:
    history = tmp_path / "history.yaml"
    history.write_text(
        f"links:\n  - {{teacher: alpha, learner: beta, topic: camhs, year: {HUGE}}}\n"
    )
    result = invoke("suggest", "--data", str(SMALL), "--history", str(history))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{history}:2:57: a number of 5,000 digits is out of range; "
        "no value in these files needs more than 20\n"
    )


def test_import_populations_out_of_range_name_the_cell(tmp_path: Path) -> None:
    csv = tmp_path / "r.csv"
    csv.write_text(
        "name,kind,population,strengths,challenges\n"
        "A,ics,1e400k,camhs:2,\n"
        f"B,ics,{HUGE},,camhs\n"
        "C,ics,99999999999,,camhs\n"
        "D,ics,1.5m,,camhs\n"
    )
    result = invoke("import", str(csv), "--to", str(tmp_path / "out"), "--no-input")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        f"{csv}:2:3: population: must be a whole number, e.g. 250000; got '1e400k'",
        f"{csv}:3:3: population: a number of 5,000 digits is out of range; "
        "it must be from 0 to 10,000,000,000",
        f"{csv}:4:3: population: must be from 0 to 10,000,000,000; got 99,999,999,999",
    ]
