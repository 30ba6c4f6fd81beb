"""``export-csv | import`` gives back the same profiles for every valid dataset: formula
safety on the way out (after leading blanks too), its inverse on the way in, and no cell
that import refuses (the csv module's field limit)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from cohorts import doc_cohorts, documents
from conftest import examples, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import peermatch
from peermatch.files import importing
from peermatch.files.formulas import formula_like, neutralise, unneutralise
from peermatch.files.import_write import write_folder
from peermatch.files.yaml_write import dump_yaml, unwritable
from peermatch.present.export import export_listing
from peermatch.present.listing import render_csv

FORMULA_PREFIXES = ["", "=", " =", "  +", "-", "@", "'=", "''=", "'", "\u00a0@", "' -"]

_body = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=20,
)
_free = st.builds(lambda p, b: (p + b).strip(), st.sampled_from(FORMULA_PREFIXES), _body).filter(
    lambda t: bool(t) and unwritable(t) is None
)


@given(st.sampled_from(FORMULA_PREFIXES), _body)
def test_unneutralise_inverts_neutralise(prefix: str, body: str) -> None:
    text = prefix + body
    assert unneutralise(neutralise(text)) == text
    out = neutralise(text)  # what a spreadsheet reads: marked, or not a formula
    assert out.startswith("'") or not formula_like(out)


def test_a_formula_behind_blanks_is_neutralised() -> None:
    assert neutralise(" =1+1") == "' =1+1"
    assert neutralise("\u00a0=HYPERLINK()") == "'\u00a0=HYPERLINK()"
    assert neutralise("'=x") == "''=x"
    assert neutralise("'plain") == "'plain"


def _round_trip(folder: Path, tmp_path: Path) -> None:
    before = peermatch.load(folder)
    csv_path = tmp_path / "r.csv"
    csv_path.write_text(render_csv(export_listing(before)), encoding="utf-8")
    result = importing.read_responses(csv_path, before.catalogue)
    assert not result.errors, result.errors
    out = tmp_path / "out"
    write_folder(result, out, folder / "challenges.yaml", force=True)
    assert peermatch.load(out).systems == before.systems


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(doc_cohorts(), st.data())
def test_export_then_import_gives_back_every_valid_dataset(tmp_path: Path, docs, data) -> None:  # type: ignore[no-untyped-def]
    systems, challenges = docs
    for entry in systems["systems"]:
        entry["name"] = data.draw(_free)
        for strength in entry["strengths"]:
            strength["evidence"] = data.draw(_free)
            strength["source"] = data.draw(_free)
        for need in entry["challenges"]:
            need["note"] = data.draw(_free)
    here = Path(tempfile.mkdtemp(dir=tmp_path))  # a fresh folder for each example
    folder = here / "src"
    folder.mkdir()
    (folder / "systems.yaml").write_text(dump_yaml(systems), encoding="utf-8")
    (folder / "challenges.yaml").write_text(dump_yaml(challenges), encoding="utf-8")
    _round_trip(folder, here)


def test_a_cell_over_the_csv_modules_field_limit_round_trips(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    systems, challenges = documents([])
    systems["systems"] = [
        {
            "id": "only",
            "name": "Only",
            "kind": "ics",
            "strengths": [{"challenge": "t-a", "level": 2, "evidence": "=" + "x" * 200_000}],
            "challenges": [],
        }
    ]
    (folder / "systems.yaml").write_text(dump_yaml(systems), encoding="utf-8")
    (folder / "challenges.yaml").write_text(dump_yaml(challenges), encoding="utf-8")
    exported = tmp_path / "r.csv"
    assert invoke("export-csv", "--data", str(folder), "-o", str(exported)).exit_code == 0
    result = invoke(
        "import",
        str(exported),
        "--to",
        str(tmp_path / "in"),
        "--no-input",
        "--challenges",
        str(folder / "challenges.yaml"),
    )
    assert result.exit_code == 0, result.stderr
    _round_trip(folder, tmp_path)


def test_a_refused_character_in_a_cell_is_reported_at_its_cell(tmp_path: Path) -> None:
    csv = tmp_path / "r.csv"
    csv.write_text(
        "name,kind,strengths,challenges,evidence_1\nAlpha,ics,camhs:2,,ok \u202e x\n",
        encoding="utf-8",
    )
    result = invoke("import", str(csv), "--to", str(tmp_path / "out"), "--no-input")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{csv}:2:5: evidence_1: a bidirectional-override character (U+202E), which can make "
        "text read differently from how it is stored; delete it",
        f"could not place row(s) 2 of {csv}; fix them in the spreadsheet and import again "
        "(nothing was written)",
    ]
    assert not (tmp_path / "out").exists()
