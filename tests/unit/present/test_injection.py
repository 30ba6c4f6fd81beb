"""Markdown and terminal injection: a Markdown cell cannot make a link, an image or HTML,
and control characters never reach a terminal raw (the one sanitiser per output kind)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SMALL, examples, invoke
from hypothesis import given, settings
from hypothesis import strategies as st

from peermatch.present.listing import Listing, markdown_text, render_markdown, terminal_text

markdown_it = pytest.importorskip("markdown_it")

HOSTILE = [
    '<a href="https://evil.example/">click</a>',
    "![](https://evil.example/pixel.png)",
    "[click](javascript:alert(1))",
    "<https://evil.example/auto>",
    "see https://evil.example/ or www.evil.example",
    "<img src=x onerror=alert(1)>",
    "`code` and | a pipe and \\ a backslash",
    "[ref]: https://evil.example/",
    "<!-- a comment -->",
]


def html_of(cell: str) -> str:
    md = markdown_it.MarkdownIt("commonmark").enable("table")
    return str(md.render(render_markdown(Listing("rows", [{"a": cell}], ("a",)))))


def assert_inert(html: str) -> None:
    tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", html))
    assert tags <= {"table", "thead", "tbody", "tr", "th", "td", "em", "strong"}, html


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_as_text(text: str) -> None:
    html = html_of(text)
    assert_inert(html)
    assert html.count("<td") == 1


@settings(max_examples=examples(200))
@given(st.text(alphabet=st.sampled_from(list("<>[]()!`|\\*_~:/.wh a=\"'&#;\n")), max_size=40))
def test_no_text_becomes_markup(text: str) -> None:
    html = html_of(text)
    assert_inert(html)
    assert html.count("<td") == 1


def test_bare_urls_are_not_autolinked() -> None:
    assert markdown_text("https://x.example www.y.example") == (
        "https\\://x.example www\\.y.example"
    )


def test_terminal_text_escapes_control_characters() -> None:
    assert terminal_text("a\x1b]0;title\x07b\x1b[31mred") == "a\\x1b]0;title\\x07b\\x1b[31mred"


def _hostile_data(tmp_path: Path) -> Path:
    text = (SMALL / "systems.yaml").read_text()
    text = text.replace(
        "Cut delays by 50 per cent.",
        '\'Cut delays by 50 per cent <a href="https://evil.example/">x</a> '
        "![](https://evil.example/p.png)'",
    )
    text = text.replace("name: Alpha ICS", "name: '[Alpha](https://evil.example/) ICS'")
    (tmp_path / "systems.yaml").write_text(text)
    (tmp_path / "challenges.yaml").write_bytes((SMALL / "challenges.yaml").read_bytes())
    return tmp_path


@pytest.mark.parametrize(
    "args", [["explain", "alpha", "beta"], ["suggest"], ["systems"], ["export-csv"]]
)
def test_markdown_listings_carry_no_live_link(tmp_path: Path, args: list[str]) -> None:
    data = _hostile_data(tmp_path)
    fmt = [] if args == ["export-csv"] else ["--format", "markdown"]
    result = invoke(*args, "--data", str(data), *fmt)
    assert result.exit_code == 0, result.stderr
    if fmt:
        md = markdown_it.MarkdownIt("commonmark").enable("table")
        assert_inert(md.render(result.stdout))


def test_import_notes_show_control_characters_escaped(tmp_path: Path) -> None:
    csv = tmp_path / "r.csv"
    csv.write_text(
        "name,kind,strengths,challenges,Evil\x1b]0;pwned\x07 \x1b[31mcolumn\n"
        "Alpha,ics,ambulance-handover:3,camhs,x\n",
        newline="",
    )
    result = invoke("import", str(csv), "--to", str(tmp_path / "out"), "--no-input")
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "ignored column(s): Evil\\x1b]0;pwned\\x07 \\x1b[31mcolumn" in result.stderr
