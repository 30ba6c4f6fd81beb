"""Import from a spreadsheet of form responses, export back, and the YAML they write."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import SMALL, examples, invoke, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import peermatch
from peermatch.cli.commands import spreadsheets as cli_importing
from peermatch.files import importing
from peermatch.files.import_cells import BASE_COLUMNS, clean_text
from peermatch.files.import_result import Question, Reading
from peermatch.files.import_topics import TopicMatcher
from peermatch.files.import_write import write_folder
from peermatch.files.loading import load_catalogue, shipped_data_dir
from peermatch.files.yaml_read import parse_yaml
from peermatch.files.yaml_write import dump_yaml, needs_quotes, unwritable
from peermatch.present.export import export_listing

CATALOGUE = SMALL / "challenges.yaml"
HEADER = "id,name,kind,country,population,tags,partners,strengths,challenges,evidence_1,source_1"


def write(tmp_path: Path, text: str, name: str = "responses.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def catalogue():  # type: ignore[no-untyped-def]
    return load_catalogue(CATALOGUE)


def do_import(tmp_path: Path, text: str, *extra: str):  # type: ignore[no-untyped-def]
    csv_path = write(tmp_path, text)
    return invoke(
        "import",
        str(csv_path),
        "--to",
        str(tmp_path / "out"),
        "--challenges",
        str(CATALOGUE),
        *extra,
    )


# --------------------------------------------------------------------------- round trip


def round_trip(data_dir: Path, tmp_path: Path) -> None:
    exported = tmp_path / "responses.csv"
    result = invoke("export-csv", "--data", str(data_dir), "--output", str(exported))
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "imported"
    result = invoke(
        "import",
        str(exported),
        "--to",
        str(out),
        "--no-input",
        "--challenges",
        str(data_dir / "challenges.yaml"),
    )
    assert result.exit_code == 0, result.stderr
    assert "read '" not in result.stderr  # every topic was an exact id
    before = peermatch.load(data_dir)
    after = peermatch.load(out)
    assert after.systems == before.systems
    assert (out / "challenges.yaml").read_bytes() == (data_dir / "challenges.yaml").read_bytes()
    assert invoke("validate", "--data", str(out)).exit_code == 0


def test_round_trip_small(tmp_path: Path) -> None:
    round_trip(SMALL, tmp_path)


def test_round_trip_shipped_data(tmp_path: Path) -> None:
    shipped = shipped_data_dir()
    if not (shipped / "systems.yaml").is_file():
        pytest.skip("the shipped dataset (data/) has not landed on this branch yet")
    exported = tmp_path / "responses.csv"
    assert invoke("export-csv", "--output", str(exported)).exit_code == 0
    out = tmp_path / "imported"
    result = invoke("import", str(exported), "--to", str(out), "--no-input")
    assert result.exit_code == 0, result.stderr
    assert peermatch.load(out).systems == peermatch.load().systems
    assert invoke("validate", "--data", str(out)).exit_code == 0


def test_import_is_deterministic(tmp_path: Path) -> None:
    exported = tmp_path / "r.csv"
    invoke("export-csv", "--data", str(SMALL), "--output", str(exported))
    texts = []
    for name in ("a", "b"):
        invoke(
            "import", str(exported), "--to", str(tmp_path / name), "--challenges", str(CATALOGUE)
        )
        texts.append((tmp_path / name / "systems.yaml").read_bytes())
    assert texts[0] == texts[1]


_text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
        | st.sampled_from(["\n", ";", ",", ":", '"', "'", "=", "-", "#", " "]),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(lambda t: bool(t) and unwritable(t) is None)
)


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=_text, evidence=_text, source=_text, note=_text, country=_text)
def test_round_trip_any_text(
    tmp_path: Path, name: str, evidence: str, source: str, note: str, country: str
) -> None:
    """Free text survives export -> import exactly (quotes, ;, newlines, formula starts,
    a leading apostrophe)."""
    folder = tmp_path / "src"
    folder.mkdir(exist_ok=True)
    (folder / "challenges.yaml").write_bytes(CATALOGUE.read_bytes())
    systems = {
        "systems": [
            {
                "id": "only",
                "name": name,
                "kind": "ics",
                "country": country,
                "strengths": [
                    {"challenge": "camhs", "level": 1, "evidence": evidence, "source": source}
                ],
                "challenges": [{"challenge": "discharge", "priority": 3, "note": note}],
            }
        ]
    }
    (folder / "systems.yaml").write_text(dump_yaml(systems), encoding="utf-8")
    before = peermatch.load(folder)
    listing = export_listing(before)
    from peermatch.present.listing import render_csv

    csv_path = folder / "r.csv"
    csv_path.write_text(render_csv(listing), encoding="utf-8")
    result = importing.read_responses(csv_path, before.catalogue)
    assert not result.errors
    out = tmp_path / "out"
    write_folder(result, out, CATALOGUE, force=True)
    assert peermatch.load(out).systems == before.systems


# --------------------------------------------------------------------------- the CLI


def test_template_is_the_header(tmp_path: Path) -> None:
    result = invoke("export-csv", "--template")
    assert result.exit_code == 0
    assert result.stdout == (
        "id,name,kind,part_of,country,population,tags,capacity_teach,capacity_learn,"
        "partners,exclude,strengths,challenges,evidence_1,source_1,note_1,need_source_1\n"
    )


def test_import_writes_a_data_folder(tmp_path: Path) -> None:
    text = (
        "Timestamp,Name,Kind,Population,Tags,Strengths,Challenges,Evidence 1,Capacity teach\n"
        '2024-03-01,Gamma Place,Integrated care system,"1,200,000","Urban, High deprivation",'
        "Handover delays:exemplar; CAMHS waiting times:established,discharge:high,"
        "Cut handover delays by 40%,2\n"
        "2024-03-02,Delta,NHS trust,,,discharge:1,ambulance-handover; camhs:low,,\n"
    )
    result = do_import(tmp_path, text)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    out = tmp_path / "out"
    assert (out / "systems.yaml").read_text() == (
        "# Written by 'peermatch import' from responses.csv.\n"
        "# Check it with 'peermatch validate'; edit it here or in the spreadsheet.\n"
        "systems:\n"
        "  - id: gamma-place\n"
        "    name: Gamma Place\n"
        "    kind: ics\n"
        "    population: 1200000\n"
        "    tags: [urban, high-deprivation]\n"
        "    capacity:\n"
        "      teach: 2\n"
        "    strengths:\n"
        "      - challenge: ambulance-handover\n"
        "        level: 3\n"
        "        evidence: Cut handover delays by 40%\n"
        "      - challenge: camhs\n"
        "        level: 2\n"
        "        evidence: No evidence given in the form response (responses.csv row 2).\n"
        "    challenges:\n"
        "      - challenge: discharge\n"
        "        priority: 3\n"
        "  - id: delta\n"
        "    name: Delta\n"
        "    kind: trust\n"
        "    strengths:\n"
        "      - challenge: discharge\n"
        "        level: 1\n"
        "        evidence: No evidence given in the form response (responses.csv row 3).\n"
        "    challenges:\n"
        "      - challenge: ambulance-handover\n"
        "        priority: 2\n"
        "      - challenge: camhs\n"
        "        priority: 1\n"
    )
    assert "2 strength(s) have no evidence_N text (rows 2, 3)" in result.stderr
    assert f"copied the catalogue {CATALOGUE} to {out / 'challenges.yaml'}" in result.stderr
    assert result.stderr.endswith(f"wrote 2 systems to {out / 'systems.yaml'}\n")
    assert invoke("validate", "--data", str(out)).exit_code == 0
    again = do_import(tmp_path, text)
    assert again.exit_code == 1
    assert "already exists; add --force to replace it" in again.stderr
    assert do_import(tmp_path, text, "--force").exit_code == 0


def test_every_unplaced_row_is_listed_and_nothing_written(tmp_path: Path) -> None:
    text = (
        "name,kind,population,partners,strengths,challenges,evidence_3\n"
        "Gamma,ics,abc,Delt,discharge:4,camhs,\n"
        "Delta,hospital,,,wibble:2,camhs; CAMHS,\n"
        "Epsilon,pcn,,Epsilon,camhs,discharge:urgent,more\n"
        "Delta,ics,,,camhs:1,discharge,\n"
    )
    result = do_import(tmp_path, text, "--no-input")
    assert result.exit_code == 1
    r = str(tmp_path / "responses.csv")
    assert result.stderr.splitlines() == [
        f"{r}:2:3: population: must be a whole number, e.g. 250000; got 'abc'",
        f"{r}:2:4: partners: unknown system 'Delt'; did you mean delta?",
        f"{r}:2:5: strengths: 'discharge:4': the level after ':' must be 1, 2 or 3 "
        "(emerging, established, exemplar); got '4', e.g. 'discharge:2'",
        f"{r}:3:5: strengths: 'wibble' matches no catalogue topic; "
        "see 'peermatch challenges' for the ids",
        f"{r}:4:4: partners: a system cannot list itself in partners",
        f"{r}:4:5: strengths: 'camhs': the level after ':' must be 1, 2 or 3 "
        "(emerging, established, exemplar); got nothing, e.g. 'camhs:2'",
        f"{r}:4:6: challenges: 'discharge:urgent': the priority after ':' must be 1, 2 or 3 "
        "(low, medium, high); got 'urgent', e.g. 'discharge:2'",
        f"{r}:4:7: evidence_3: evidence_3 has text but strengths lists 1 topic(s); "
        "evidence_3 belongs to the 3rd item of strengths",
        f"{r}:5:1: name: a second response from 'Delta' (rows 3 and 5): a resubmitted form; "
        "keep one with --keep latest or --keep first, or delete a row",
        f"could not place row(s) 2, 3, 4, 5 of {r}; fix them in the spreadsheet and "
        "import again (nothing was written)",
    ]
    assert not (tmp_path / "out").exists()


def test_kind_synonyms_and_unknown_kind(tmp_path: Path) -> None:
    text = (
        "name,kind,strengths,challenges\n"
        "A,Hospital,camhs:1,discharge\n"
        "B,Local authority,discharge:2,camhs\n"
        "C,clinic,discharge:2,camhs\n"
    )
    result = do_import(tmp_path, text, "--no-input")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{tmp_path / 'responses.csv'}:4:2: kind: unknown kind 'clinic'; use one of: ics, "
        "trust, provider-collaborative, place, pcn, council, national-body, international, "
        "partnership, vcse"
    )


def test_missing_columns_and_semicolon_sheets(tmp_path: Path) -> None:
    result = do_import(tmp_path, "name,kind,strenghts\nA,ics,camhs:1\n")
    assert result.exit_code == 1
    r = tmp_path / "responses.csv"
    assert result.stderr.splitlines()[:2] == [
        f"{r}:1: the header has no 'strengths', 'challenges' columns; see "
        "'peermatch export-csv --template' for the layout",
        f"{r}:1:3: strenghts: warning: column 'strenghts' is not part of the layout and was "
        "ignored; did you mean strengths?",
    ]
    result = do_import(tmp_path, "name;kind;strengths;challenges\nA;ics;camhs:1;discharge\n")
    assert result.exit_code == 1
    assert "the header is one cell: save the sheet with commas between columns" in result.stderr


def test_bad_files(tmp_path: Path) -> None:
    result = invoke("import", str(tmp_path / "nope.csv"), "--to", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path / 'nope.csv'}: no such file; check the path\n"
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name,kind,strengths,challenges\nCaf\xe9,ics,,\n".encode("latin-1"))
    result = invoke("import", str(latin), "--to", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "not valid UTF-8 (byte 0xe9); save the spreadsheet as 'CSV UTF-8" in result.stderr
    xlsx = tmp_path / "sheet.xlsx"
    xlsx.write_bytes(b"PK\x03\x04\x00\x00")
    result = invoke("import", str(xlsx), "--to", str(tmp_path / "o"))
    assert "not CSV; save it as 'CSV UTF-8'" in result.stderr
    empty = write(tmp_path, "", "empty.csv")
    result = invoke(
        "import", str(empty), "--to", str(tmp_path / "o"), "--challenges", str(CATALOGUE)
    )
    assert result.exit_code == 1
    assert "the file has no header row" in result.stderr
    header_only = write(tmp_path, "name,kind,strengths,challenges\n", "header.csv")
    result = invoke(
        "import", str(header_only), "--to", str(tmp_path / "o"), "--challenges", str(CATALOGUE)
    )
    assert result.exit_code == 1
    assert f"{header_only}:1: the file has a header but no rows" in result.stderr
    broken = write(
        tmp_path, 'name,kind,strengths,challenges\nA,ics,camhs:1,discharge\n"B,ics\n', "b.csv"
    )
    result = invoke("import", str(broken), "--to", str(tmp_path / "o"))
    assert result.stderr == f"{broken}:3: not readable as CSV: unexpected end of data\n"


def test_control_characters_are_cleaned(tmp_path: Path) -> None:
    assert clean_text("a\r\nb\rc\x0bd\u2028e\ufefff\tg") == "a\nb\nc d\ne" + "f\tg"
    text = 'name,kind,strengths,challenges,evidence_1\nA,ics,camhs:3,discharge,"x\x0cy\r\nz"\n'
    result = do_import(tmp_path, text)
    assert result.exit_code == 0, result.stderr
    assert peermatch.load(tmp_path / "out").system("a").strengths["camhs"].evidence == "x y\nz"


def test_excel_bom_and_formula_guard(tmp_path: Path) -> None:
    text = (
        "\ufeffname,kind,strengths,challenges,evidence_1\n"
        "A,ics,camhs:3,discharge,'=50 per cent fewer delays\n"
        "B,ics,discharge:2,camhs,'-20 days\n"
    )
    result = do_import(tmp_path, text)
    assert result.exit_code == 0, result.stderr
    data = peermatch.load(tmp_path / "out")
    assert data.system("a").strengths["camhs"].evidence == "=50 per cent fewer delays"
    assert data.system("b").strengths["discharge"].evidence == "-20 days"


def test_catalogue_conflict(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "challenges.yaml").write_text("challenges:\n  - {id: x, name: X, area: y}\n")
    result = do_import(tmp_path, "name,kind,strengths,challenges\nA,ics,camhs:1,discharge\n")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {out / 'challenges.yaml'} already exists and differs from {CATALOGUE}; "
        "remove one, or leave out --challenges to use the folder's catalogue\n"
    )
    # without --challenges the folder's own catalogue is used
    result = invoke("import", str(tmp_path / "responses.csv"), "--to", str(out), "--no-input")
    assert result.exit_code == 1
    assert "'camhs' matches no catalogue topic" in result.stderr


# --------------------------------------------------------------------------- free text


def test_free_text_clear_matches_are_taken_and_reported(tmp_path: Path) -> None:
    text = (
        "name,kind,strengths,challenges\n"
        "A,ics,handover delay:3; camhs waiting:2,discharges\n"
        "B,ics,Discharge:2,ambulance handover:3; CAMHS WAITING TIMES\n"
    )
    result = do_import(tmp_path, text, "--no-input")
    assert result.exit_code == 0, result.stderr
    r = tmp_path / "responses.csv"
    assert result.stderr.splitlines()[:3] == [
        f"{r}: read 'camhs waiting' as camhs (match 91; row 2)",
        f"{r}: read 'discharges' as discharge (match 40; row 2)",
        f"{r}: read 'handover delay' as ambulance-handover (match 80; row 2)",
    ]
    data = peermatch.load(tmp_path / "out")
    assert list(data.system("a").strengths) == ["ambulance-handover", "camhs"]
    assert list(data.system("b").needs) == ["ambulance-handover", "camhs"]


WEAK = (
    "name,kind,strengths,challenges\n"
    "A,ics,camhs:2,discharge and handover delays\n"
    "B,ics,discharge:1,camhs\n"
)


def test_weak_match_fails_without_input(tmp_path: Path) -> None:
    result = do_import(tmp_path, WEAK, "--no-input")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{tmp_path / 'responses.csv'}:2:4: challenges: 'discharge and handover delays' is not "
        "a catalogue topic; closest: ambulance-handover (64), discharge (52); write a topic "
        "id, or run without --no-input on a terminal to choose"
    )


def test_weak_match_is_asked_on_a_terminal(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cli_importing, "stdin_is_terminal", lambda: True)
    csv_path = write(tmp_path, WEAK)
    from typer.testing import CliRunner

    from peermatch.cli import app

    args = ["import", str(csv_path), "--to", str(tmp_path / "out"), "--challenges", str(CATALOGUE)]
    result = CliRunner().invoke(app, args, input="2\n", catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "row 2, challenges: 'discharge and handover delays' is not a catalogue topic" in (
        result.stderr
    )
    assert "  2) discharge  (Discharge; match 52)" in result.stderr
    assert "read 'discharge and handover delays' as discharge (as you chose; row 2)" in (
        result.stderr
    )
    assert list(peermatch.load(tmp_path / "out").system("a").needs) == ["discharge"]
    saved = tmp_path / "out" / "import-answers.yaml"
    assert "discharge and handover delays: discharge\n" in saved.read_text()
    # answered once, never asked again: the saved answer is used
    again = CliRunner().invoke(app, [*args, "--force"], input="", catch_exceptions=False)
    assert again.exit_code == 0 and "Closest:" not in again.stderr
    # 0 = none of these: the row stays unplaced
    fresh = ["--answers", str(tmp_path / "fresh.yaml")]
    result = CliRunner().invoke(
        app, [*args, *fresh, "--force"], input="0\n", catch_exceptions=False
    )
    assert result.exit_code == 1
    assert "could not place row(s) 2" in result.stderr
    # --no-input wins over a terminal
    result = CliRunner().invoke(
        app, [*args, "--force", "--no-input", "--answers", str(tmp_path / "none.yaml")]
    )
    assert result.exit_code == 1


def test_single_candidate_is_confirmed(tmp_path: Path) -> None:
    question = Question("ambulance waits", 2, "challenges", ())
    reader = TopicMatcher(catalogue(), decide=lambda q: None)
    got = reader._fuzzy(2, "challenges", "ambulance waits")
    assert got[0] is None and got[3][0][0] == "ambulance-handover"
    asked: list[Question] = []

    def decide(q: Question) -> str | None:
        asked.append(q)
        return q.candidates[0][0]

    path = write(
        tmp_path,
        "name,kind,strengths,challenges\n"
        "A,ics,camhs:1,ambulance waits\nB,ics,discharge:1,ambulance waits; camhs\n",
    )
    result = importing.read_responses(path, catalogue(), decide=decide)
    assert not result.errors
    assert [q.row for q in asked] == [2]  # the same text is asked about once
    assert result.readings == [
        Reading("ambulance waits", "ambulance-handover", "chosen", 27.4, (2, 3))
    ]
    assert question.text == "ambulance waits"


def test_subprocess_import(tmp_path: Path) -> None:
    csv_path = write(tmp_path, "name,kind,strengths,challenges\nA,ics,camhs:1,discharge\n")
    proc = run("import", str(csv_path), "--to", str(tmp_path / "o"), "--challenges", str(CATALOGUE))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert (tmp_path / "o" / "systems.yaml").is_file()


def test_export_csv_columns_are_documented() -> None:
    doc = importing.__doc__ or ""
    for column in (*BASE_COLUMNS, "evidence_N", "source_N", "note_N", "need_source_N"):
        assert f"``{column}``" in doc


def test_export_rows_parse_as_csv() -> None:
    data = peermatch.load(SMALL)
    from peermatch.present.listing import render_csv

    rows = list(csv.DictReader(io.StringIO(render_csv(export_listing(data)))))
    assert rows[1]["challenges"] == "ambulance-handover:2; discharge:1"
    assert rows[0]["source_1"] == "Report section: Alpha"


# --------------------------------------------------------------------------- YAML out


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "No",
        "on",
        "y",
        "n",
        "~",
        "null",
        "1e3",
        "0o17",
        "0x1F",
        ".inf",
        "1_000",
        "12:30",
        "2024-01-02",
        "<<",
        "=",
        "+1",
        ".5",
        "true",
    ],
)
def test_misreadable_strings_are_quoted(text: str) -> None:
    assert needs_quotes(text)
    out = dump_yaml({"k": text})
    assert out == f'k: "{text}"\n'
    assert parse_yaml(out, "x")[0] == {"k": text}


@pytest.mark.parametrize("text", ["ics", "North East", "Cut delays by 50 per cent.", "é"])
def test_plain_strings_stay_plain(text: str) -> None:
    assert not needs_quotes(text)
    assert dump_yaml({"k": text}) == f"k: {text}\n"


@given(st.text(max_size=30))
def test_any_string_reads_back(text: str) -> None:
    import yaml

    if unwritable(text) is not None:  # the reader refuses these: the writer says so
        with pytest.raises(ValueError, match="cannot be written"):
            dump_yaml({"k": text})
        return
    out = dump_yaml({"k": text, "l": [text]})
    assert parse_yaml(out, "x")[0] == {"k": text, "l": [text]}
    assert yaml.safe_load(out) == {"k": text, "l": [text]}  # a YAML 1.1 reader agrees


def test_part_of_and_need_sources_survive_the_round_trip(tmp_path: Path) -> None:
    text = (
        "name,kind,part_of,strengths,challenges,evidence_1,note_1,need_source_1\n"
        "Top,ics,,camhs:2,discharge:3,Built a single point of access.,Delays.,Report p. 4\n"
        "Unit,place,Top,discharge:2,camhs,Runs a discharge hub.,,\n"
    )
    result = do_import(tmp_path, text, "--no-input")
    assert result.exit_code == 0, result.stderr
    data = peermatch.load(tmp_path / "out")
    assert data.system("unit").part_of == "top"
    assert data.system("top").needs["discharge"].source == "Report p. 4"
