"""Free text that tries to be a formula, a Markdown table or markup stays text in every format."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import TEST_DATA, invoke

from peermatch.present.listing import Listing, neutralise, render_markdown, render_rich

HOSTILE = TEST_DATA / "valid" / "hostile-text"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LISTINGS = [
    ("suggest",),
    ("systems",),
    ("challenges",),
    ("explain", "alpha", "beta"),
    ("explain", "beta", "alpha"),
]


def run(*args: str, fmt: str) -> str:
    result = invoke(*args, "--data", str(HOSTILE), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("args", LISTINGS)
def test_csv_cells_never_start_a_formula(args):
    rows = list(csv.reader(io.StringIO(run(*args, fmt="csv"))))
    assert len(rows) > 1
    cells = [c for row in rows[1:] for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    neutralised = [c for c in cells if c.startswith("'") and c[1:].startswith(FORMULA_START)]
    assert neutralised or args[0] == "suggest"  # suggest has ids and numbers only


def test_the_hostile_name_survives_as_text_in_csv():
    rows = list(csv.DictReader(io.StringIO(run("systems", fmt="csv"))))
    assert rows[0]["name"] == "'=cmd|' /C calc'!A0"
    assert rows[1]["name"] == "'\tTabbed | Beta"


@pytest.mark.parametrize("args", LISTINGS)
def test_markdown_rows_keep_their_columns(args):
    lines = run(*args, fmt="markdown").splitlines()
    width = lines[0].count(" | ")
    for line in lines:
        assert line.startswith("| ") and line.endswith(" |")
        unescaped = line.replace("\\|", "").count(" | ")
        assert unescaped == width, line
        assert "<" not in line  # no raw HTML


@pytest.mark.parametrize("args", LISTINGS)
def test_json_is_strict_json(args):
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in JSON output")

    doc = json.loads(run(*args, fmt="json"), parse_constant=refuse)
    assert doc["version"] == 1


def test_json_turns_nan_and_infinity_into_null():
    from peermatch.present.listing import render_json

    listing = Listing("rows", [{"a": float("nan"), "b": float("inf"), "c": [float("-inf")]}], "abc")
    assert json.loads(render_json(listing))["rows"] == [{"a": None, "b": None, "c": [None]}]


def test_neutralise_follows_the_owasp_list():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("plain") == "plain"


def test_a_terminal_table_shows_markup_as_written():
    """rich would read '[/bold]' as markup and raise MarkupError: a traceback on a terminal."""
    listing = Listing(
        "rows", [{"name": "[/bold] :warning: [red]x"}], ("name",), title="[/bold] title"
    )
    out = io.StringIO()
    render_rich(listing, out)
    assert "[/bold] :warning: [red]x" in out.getvalue()
    assert "[/bold] title" in out.getvalue()


def test_markdown_escapes_pipes_newlines_and_html():
    listing = Listing("rows", [{"a": "x | y\nz <b>"}], ("a",))
    assert render_markdown(listing).splitlines()[2] == "| x \\| y z &lt;b> |"


def test_a_terminal_that_cannot_show_the_text_gets_a_message_not_a_traceback(tmp_path):
    from conftest import SMALL, run

    (tmp_path / "challenges.yaml").write_text((SMALL / "challenges.yaml").read_text())
    systems = (SMALL / "systems.yaml").read_text().replace("Alpha ICS", "Ålpha ICS")
    (tmp_path / "systems.yaml").write_text(systems, encoding="utf-8")
    proc = run("systems", "--data", str(tmp_path), env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.endswith(
        "error: this terminal's encoding (ascii) cannot show some of the text; "
        "use --output FILE, or set PYTHONIOENCODING=utf-8\n"
    )
    out = tmp_path / "systems.csv"
    proc = run(
        "systems",
        "--data",
        str(tmp_path),
        "-f",
        "csv",
        "-o",
        str(out),
        env={"PYTHONIOENCODING": "ascii"},
    )
    assert proc.returncode == 0 and "Ålpha ICS" in out.read_text(encoding="utf-8")
