"""Supply and demand per topic: the counts, the terminal grid and the machine formats."""

from __future__ import annotations

import io
import json
import re

from conftest import SMALL, invoke

import peermatch
from peermatch.analysis import supply
from peermatch.present import heatmap

PLAIN = """\
Supply and demand per topic
topic                ex  est  em  TEACH  rel  | hi  med  lo  NEED  status
mental-health
  camhs               .    1   .      1    .  |  1    .   .     1
uec
  ambulance-handover  1    .   .      1    .  |  .    1   .     1
  discharge           .    .   .      .    1  |  .    .   1     1  related only

TEACH: systems with a strength on the topic (ex exemplar, est established,
  em emerging); rel: systems that can help only through a related topic.
NEED: systems with the topic as a challenge (hi, med, lo priority).
gap: needed, and nobody can teach it, not even through a related topic.
"""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_counts() -> None:
    rows = supply.supply_demand(peermatch.load(SMALL))
    assert [(r.area, r.topic, r.teachers, r.learners, r.status) for r in rows] == [
        ("mental-health", "camhs", 1, 1, ""),
        ("uec", "ambulance-handover", 1, 1, ""),
        ("uec", "discharge", 0, 1, "related only"),
    ]
    assert rows[1].exemplar == 1 and rows[1].medium == 1
    assert rows[2].related == 1  # alpha's ambulance-handover is related to discharge


def test_gap_when_nothing_related(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "challenges.yaml").write_text(
        "challenges:\n  - {id: a, name: A, area: x}\n  - {id: b, name: B, area: x}\n"
    )
    (tmp_path / "systems.yaml").write_text(
        "systems:\n"
        "  - id: s\n    name: S\n    kind: ics\n"
        "    strengths: [{challenge: a, level: 1, evidence: e}]\n"
        "    challenges: [{challenge: b}]\n"
    )
    rows = supply.supply_demand(peermatch.load(tmp_path))
    assert [r.status for r in rows] == ["", "gap"]
    listing = heatmap.heatmap_listing(rows)
    assert listing.extra == {"gaps": ["b"]}


def test_plain_grid_when_piped() -> None:
    result = invoke("challenges", "--heatmap", "--data", str(SMALL))
    assert result.exit_code == 0
    assert result.stdout == PLAIN
    assert "\x1b[" not in result.stdout


def test_output_file_is_plain(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "grid.txt"
    assert invoke("challenges", "--heatmap", "--data", str(SMALL), "-o", str(out)).exit_code == 0
    assert out.read_text() == PLAIN


def test_colour_on_a_terminal_only_without_no_color(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = supply.supply_demand(peermatch.load(SMALL))
    monkeypatch.delenv("NO_COLOR", raising=False)
    term = Terminal()
    heatmap.render_rich(rows, term)
    coloured = term.getvalue()
    assert "\x1b[" in coloured
    assert "related only" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    term = Terminal()
    heatmap.render_rich(rows, term)
    assert term.getvalue() == PLAIN


def test_machine_formats() -> None:
    result = invoke("challenges", "--heatmap", "--data", str(SMALL), "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["version"] == 1
    assert doc["gaps"] == []
    assert doc["heatmap"][2] == {
        "area": "uec",
        "topic": "discharge",
        "name": "Discharge",
        "exemplar": 0,
        "established": 0,
        "emerging": 0,
        "teachers": 0,
        "related": 1,
        "high": 0,
        "medium": 0,
        "low": 1,
        "learners": 1,
        "status": "related only",
    }
    result = invoke("challenges", "--heatmap", "--data", str(SMALL), "--format", "csv")
    assert result.stdout.splitlines()[0] == (
        "area,topic,name,exemplar,established,emerging,teachers,related,high,medium,low,"
        "learners,status"
    )


def test_shade_steps() -> None:
    palette = ("a", "b", "c", "d")
    assert heatmap.shade(0, 8, palette) is None
    assert [heatmap.shade(n, 8, palette) for n in (1, 2, 3, 4, 5, 6, 7, 8)] == [
        "a",
        "a",
        "b",
        "b",
        "c",
        "c",
        "d",
        "d",
    ]
    assert heatmap.shade(1, 1, palette) == "d"


def test_status_in_view_and_supply_green_at_80_columns_of_16_colours(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """TERM=xterm (16 colours) at 80 columns: the totals only, the status in view, and the
    supply cells on the standard green (42), not a 24-bit shade turned grey."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    rows = supply.supply_demand(peermatch.load())
    term = Terminal()
    heatmap.render_rich(rows, term)
    text = term.getvalue()
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert max(len(line) for line in plain.splitlines()) <= 80
    assert "topic                             TEACH  rel  | NEED  status\n" in plain
    flagged = [(r.topic, r.status) for r in rows if r.status]
    assert flagged and all(re.search(rf"  {t} .*  {s}\n", plain) for t, s in flagged)
    assert "\x1b[1;30;42m" in text and "48;2;" not in text and "48;5;" not in text
