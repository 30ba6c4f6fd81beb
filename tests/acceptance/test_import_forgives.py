"""An import that forgives what real forms do: common header wordings, two names of one
topic in a cell, a resubmitted form, questions asked only about a sound file, with no
weak default, answers kept, and a fresh import that passes validate --strict."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SMALL, invoke
from typer.testing import CliRunner

import peermatch
from peermatch.cli import app
from peermatch.cli.commands import spreadsheets
from peermatch.files.import_result import Question
from peermatch.files.import_topics import DEFAULT_ANSWER, default_answer

CATALOGUE = SMALL / "challenges.yaml"


def do_import(tmp_path: Path, text: str, *extra: str, catalogue: bool = True):  # type: ignore[no-untyped-def]
    csv_path = tmp_path / "responses.csv"
    csv_path.write_text(text, encoding="utf-8")
    args = ["import", str(csv_path), "--to", str(tmp_path / "out"), *extra]
    return invoke(*args, *(["--challenges", str(CATALOGUE)] if catalogue else []))


def test_common_header_wordings_are_recognised(tmp_path: Path) -> None:
    text = (
        "Timestamp,Organisation name,Type of organisation,Strengths,Challenges,Email address\n"
        "2024-03-01 10:00,Gamma,Integrated care system,camhs:2,discharge\n"
    )
    result = do_import(tmp_path, text)
    assert result.exit_code == 0, result.stderr
    r = tmp_path / "responses.csv"
    assert f"{r}: ignored column(s): Email address\n" in result.stderr
    assert peermatch.load(tmp_path / "out").system("gamma").kind == "ics"


def test_two_names_of_one_topic_in_a_cell_merge_at_the_higher_level(tmp_path: Path) -> None:
    text = (
        "name,kind,strengths,challenges,evidence_1,evidence_2\n"
        "A,ics,handover delays:1; ambulance-handover:exemplar,camhs:low; CAMHS:high,one,two\n"
    )
    result = do_import(tmp_path, text)
    assert result.exit_code == 0, result.stderr
    r = tmp_path / "responses.csv"
    assert result.stderr.splitlines()[:2] == [
        f"{r}:2:3: strengths: warning: 'handover delays' and 'ambulance-handover' are both "
        "topic 'ambulance-handover'; merged into one item with the higher level (3)",
        f"{r}:2:4: challenges: warning: 'camhs' and 'CAMHS' are both topic 'camhs'; merged "
        "into one item with the higher priority (3)",
    ]
    a = peermatch.load(tmp_path / "out").system("a")
    assert a.strengths["ambulance-handover"].level == 3
    assert a.strengths["ambulance-handover"].evidence == "two"  # the kept item's evidence
    assert a.needs["camhs"].priority == 3


RESUBMITTED = (
    "Timestamp,name,kind,strengths,challenges\n"
    "05/03/2024 09:00:00,Gamma,ics,camhs:2,discharge\n"
    "01/03/2024 10:00:00,Delta,trust,discharge:1,camhs\n"
    "01/03/2024 08:00:00,gamma,ics,discharge:3,camhs\n"
)


def test_a_resubmitted_form_is_a_duplicate_response(tmp_path: Path) -> None:
    result = do_import(tmp_path, RESUBMITTED)
    r = tmp_path / "responses.csv"
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            f"{r}:4:2: name: a second response from 'Gamma' (rows 2 and 4): a resubmitted "
            "form; keep one with --keep latest or --keep first, or delete a row",
            f"could not place row(s) 4 of {r}; fix them in the spreadsheet and import again "
            "(nothing was written)",
        ],
    )
    assert "fill in 'id'" not in result.stderr


@pytest.mark.parametrize(
    ("keep", "row", "strength"), [("latest", 2, "camhs"), ("first", 4, "discharge")]
)
def test_keep_settles_it_by_the_timestamp(
    tmp_path: Path, keep: str, row: int, strength: str
) -> None:
    result = do_import(tmp_path, RESUBMITTED, "--keep", keep)
    assert result.exit_code == 0, result.stderr
    assert (
        f"warning: 'Gamma' answered in rows 2 and 4; kept row {row} (--keep {keep}, by Timestamp)"
    ) in result.stderr
    assert list(peermatch.load(tmp_path / "out").system("gamma").strengths) == [strength]


def test_two_organisations_with_one_id_are_told_to_fill_in_id(tmp_path: Path) -> None:
    text = (
        "name,kind,strengths,challenges\n"
        "St Helens,place,camhs:1,discharge\nSt. Helens,place,camhs:1,discharge\n"
    )
    result = do_import(tmp_path, text)
    assert result.exit_code == 1
    assert "made from the name 'St. Helens'; fill in 'id' to tell them apart" in result.stderr


def test_no_default_below_the_threshold() -> None:
    below = DEFAULT_ANSWER - 0.1  # the resolver's scale: below its no-match threshold
    weak = Question("delays", 2, "challenges", (("hospital-demand", "Hospital demand", below),))
    strong = Question("x", 2, "challenges", (("discharge", "Discharge", DEFAULT_ANSWER),))
    tied = Question("x", 2, "challenges", (*strong.candidates, ("camhs", "CAMHS", DEFAULT_ANSWER)))
    assert default_answer(weak) is None
    assert default_answer(strong) == "discharge"
    assert default_answer(tied) is None


def test_enter_takes_no_default_from_a_tie(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(spreadsheets, "stdin_is_terminal", lambda: True)
    csv_path = tmp_path / "responses.csv"
    # 'improvement': quality-management-system and releasing-staff-time tie at 30.5
    csv_path.write_text("name,kind,strengths,challenges\nA,ics,camhs:1,improvement\n")
    args = ["import", str(csv_path), "--to", str(tmp_path / "out")]
    result = CliRunner().invoke(app, args, input="\n0\n", catch_exceptions=False)
    assert "Closest:" in result.stderr
    assert "Which one [1]:" not in result.stderr  # nothing offered for Enter
    assert result.stderr.count("Which one:") == 2  # Enter asked again; 0 answered
    assert "1) quality-management-system  (Quality management systems; match 30)" in result.stderr


def test_structure_is_checked_before_any_question(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(spreadsheets, "stdin_is_terminal", lambda: True)
    asked: list[Question] = []
    monkeypatch.setattr(spreadsheets, "ask", lambda q: asked.append(q) or None)
    text = (
        "name,kind,strengths,challenges\n"
        "A,ics,camhs:1,hospital discharge delays\nB,bogus,camhs:1,discharge\n"
    )
    result = do_import(tmp_path, text)
    assert result.exit_code == 1
    assert asked == []
    r = tmp_path / "responses.csv"
    assert result.stderr.splitlines()[0].startswith(f"{r}:3:2: kind: unknown kind 'bogus'")
    assert "hospital discharge delays" not in result.stderr  # asked about once the rest is right


def test_answers_are_saved_as_given_and_reused(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(spreadsheets, "stdin_is_terminal", lambda: True)
    answers = tmp_path / "answers.yaml"
    # two topics close (ambulance-handover, discharge): asked
    text = "name,kind,strengths,challenges\nA,ics,camhs:1,discharge and handover delays\n"

    def interrupted(question: Question) -> str | None:
        raise KeyboardInterrupt

    monkeypatch.setattr(spreadsheets, "ask", lambda q: "discharge")
    first = do_import(tmp_path, text, "--answers", str(answers))
    assert first.exit_code == 0, first.stderr
    assert answers.read_text().endswith("discharge and handover delays: discharge\n")
    monkeypatch.setattr(spreadsheets, "ask", interrupted)  # never asked again
    again = do_import(tmp_path, text, "--answers", str(answers), "--force", "--no-input")
    assert again.exit_code == 0, again.stderr
    assert list(peermatch.load(tmp_path / "out").system("a").needs) == ["discharge"]


def test_a_fresh_import_passes_validate_strict(tmp_path: Path) -> None:
    text = "name,kind,strengths,challenges,evidence_1\nA,ics,discharge:2,prevention,Cut stays.\n"
    result = do_import(tmp_path, text, catalogue=False)
    assert result.exit_code == 0, result.stderr
    check = invoke("validate", "--strict", "--data", str(tmp_path / "out"))
    assert (check.exit_code, check.stdout.splitlines()[-1]) == (
        0,
        f"OK: {tmp_path / 'out' / 'systems.yaml'} and {tmp_path / 'out' / 'challenges.yaml'}: "
        "no problems found",
    )


def test_an_answers_file_naming_no_topic_is_one_line(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("hospital discharge delays: dischargee\n")
    text = "name,kind,strengths,challenges\nA,ics,camhs:1,hospital discharge delays\n"
    result = do_import(tmp_path, text, "--answers", str(answers))
    assert (result.exit_code, result.stderr) == (
        1,
        f"{answers}:1:28: hospital discharge delays: 'dischargee' is not a catalogue topic "
        "id; write an id, or null for none\n",
    )
