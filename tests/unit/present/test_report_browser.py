"""The HTML report in a real browser: it loads cleanly, the picture is drawn, and a user's
clicks, typing and choices show and fade what they should; print keeps it in pages.

Playwright (from PyPI) drives Debian's ``chromium`` through ``executable_path``; it never
downloads a browser. ``.ci/run`` installs chromium when missing. Without it the tests are
skipped on a developer machine, and fail in CI (env ``CI`` set), where they must run.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import REPO, invoke

import peermatch
from peermatch.files.plan_json import read_plan
from peermatch.present import report
from peermatch.present.report import labels, layout, svg


def svg_bounds(width: float, height: float) -> tuple[float, float, float, float]:
    return (-svg.MARGIN, -svg.MARGIN, width + svg.MARGIN, height + svg.MARGIN)


SHIPPED_PLAN = REPO / "tests" / "data" / "report" / "shipped-plan.json"
SHIPPED_RINGS = REPO / "tests" / "data" / "report" / "shipped-rings.json"
NASTY = REPO / "tests" / "data" / "report" / "nasty"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, and CI must run the browser test")
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs this test")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        found = pw.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield found
        found.close()


class Page:
    """A report opened in the browser, with every console message and failed request."""

    def __init__(self, browser: Any, path: Path, width: int = 1100, height: int = 1300) -> None:
        self.messages: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.page.on("console", lambda m: self.messages.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.messages.append(f"error: {e}"))
        self.page.on("requestfailed", lambda r: self.messages.append(f"failed: {r.url}"))
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("html[data-loaded=yes]")

    def root(self, name: str) -> str | None:
        return self.page.get_attribute("html", name)  # type: ignore[no-any-return]

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()  # type: ignore[no-any-return]

    def info(self) -> str:
        return self.page.text_content("#info") or ""


def read_png(path: Path) -> np.ndarray:
    """Pixels of an 8-bit RGB or RGBA PNG (what Chromium writes), as an array."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1 : start + 1 + stride]
        cur = bytearray(line)
        if kind == 1:
            for x in range(channels, stride):
                cur[x] = (cur[x] + cur[x - channels]) & 0xFF
        elif kind == 2:
            cur = bytearray((a + b) & 0xFF for a, b in zip(line, prev, strict=True))
        elif kind == 3:
            for x in range(stride):
                left = cur[x - channels] if x >= channels else 0
                cur[x] = (cur[x] + ((left + prev[x]) >> 1)) & 0xFF
        elif kind == 4:
            for x in range(stride):
                a = cur[x - channels] if x >= channels else 0
                b = prev[x]
                c = prev[x - channels] if x >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                cur[x] = (cur[x] + pred) & 0xFF
        rows.append(bytes(cur))
        prev = cur
    pixels = np.frombuffer(b"".join(rows), dtype=np.uint8)
    return pixels.reshape(height, width, channels)[:, :, :3]


@pytest.fixture(scope="module")
def shipped_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = invoke("report", "--plan", str(SHIPPED_PLAN), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    return out


def test_report_loads_without_errors(browser: Any, shipped_page: Path) -> None:
    page = Page(browser, shipped_page)
    assert page.root("data-errors") is None
    assert page.messages == []
    assert page.count("#network circle.node") == 34  # one node per system
    assert page.count("#network g.link") == 36  # one arrow per link, each with its hover text
    assert page.count("#network g.link > title") == 36
    # a topic label on each link where it fits clear of the others; the rest on hover
    data = peermatch.load()
    built = report.build_report(data, read_plan(SHIPPED_PLAN, data))
    width, height, pos = layout.geometry(built)
    places = labels.place_labels(
        built.order, pos, built.names, layout.NODE_R, svg_bounds(width, height)
    )
    shown = svg._clear_topics(built, pos, places, layout.edges(built, pos))
    assert page.count("#network textPath") == len(shown) >= 15
    # the names are the systems' (shortened), not their ids
    assert page.page.text_content('#network g.node[data-id="nenc"] text') == (
        "North East & North Cumbria"
    )


def test_the_picture_is_drawn(browser: Any, shipped_page: Path, tmp_path: Path) -> None:
    page = Page(browser, shipped_page)
    shot = tmp_path / "shot.png"
    page.page.screenshot(path=str(shot))
    pixels = read_png(shot)
    assert pixels.shape[:2] == (1300, 1100)
    ink = (pixels < 200).any(axis=2)
    assert ink.mean() > 0.02  # not a blank page
    # the network sits below the heading, controls and legend: drawn in the node colours
    top = int(page.page.locator("#network").bounding_box()["y"])
    picture = pixels[top : top + 800]
    assert (picture < 200).any(axis=2).mean() > 0.01
    ics_blue = np.array([0x4E, 0x79, 0xA7])
    assert (np.abs(picture.astype(int) - ics_blue).sum(axis=2) < 30).sum() > 200


def test_click_search_filter_and_hover(browser: Any, shipped_page: Path) -> None:
    page = Page(browser, shipped_page)
    p = page.page
    assert page.root("data-shown") == "36"
    assert page.count("#network .faded") == 0
    # click North East and North Cumbria: its three links stay, everything else fades
    p.locator('#network g.node[data-id="nenc"] circle').click()
    assert page.root("data-shown") == "3"
    shown = p.locator("#network g.link:not(.faded)")
    assert shown.count() == 3
    for i in range(3):
        assert "nenc" in (
            shown.nth(i).get_attribute("data-teacher"),
            shown.nth(i).get_attribute("data-learner"),
        )
    assert "North East and North Cumbria: teaches 1, learns from 2" in page.info()
    assert "faded" not in (p.get_attribute('#network g.node[data-id="nenc"]', "class") or "")
    assert "faded" in (p.get_attribute('#network g.node[data-id="wigan"]', "class") or "")
    # the page did not jump to the card: the click focuses, the link below still works
    assert p.evaluate("location.hash") == ""
    p.keyboard.press("Escape")
    assert page.root("data-shown") == "36"
    assert page.count("#network .faded") == 0
    # type in the search box: the Surrey systems and their links stay
    p.fill("#search", "surrey")
    assert page.info() == "9 of 36 links shown, 3 system(s) match “surrey”."
    assert page.count("#network g.node.hit") == 3
    assert "faded" in (p.get_attribute('#network g.node[data-id="wigan"]', "class") or "")
    p.fill("#search", "nowhere at all")
    assert page.info() == "No system matches “nowhere at all”."
    assert page.count("#network g.link:not(.faded)") == 0
    p.fill("#search", "")
    # choose a topic: only its links stay
    p.select_option("#filter", "topic:discharge")
    assert page.info() == "3 of 36 links shown."
    for link in p.locator("#network g.link:not(.faded)").all():
        assert "discharge" in (link.get_attribute("data-topics") or "").split()
    p.select_option("#filter", "area:workforce")
    assert int(page.root("data-shown") or 0) > 0
    # hover a link: the line says who teaches whom, on what, with the score
    p.select_option("#filter", "topic:discharge")
    arrow = '#network g.link[data-teacher="canterbury"][data-learner="east-surrey"]'
    p.locator(f"{arrow} path.hit").hover()
    assert page.info() == (
        "Canterbury District Health Board teaches East Surrey Alliance: discharge, "
        "adult-social-care (score 83.2)"
    )
    assert page.messages == []


def test_the_script_runs_by_its_hash_only(browser: Any, shipped_page: Path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = shipped_page.read_text()
    policy = re.search(r'Content-Security-Policy" content="([^"]*)"', text)
    assert policy is not None
    script_src = re.search(r"script-src ([^;]*)", policy.group(1))
    assert script_src is not None and script_src.group(1).startswith("'sha256-")
    assert "unsafe-inline" not in script_src.group(1)
    # another inline script, as an attacker's text would be, does not run
    hostile = tmp_path / "hostile.html"
    hostile.write_text(text.replace("</body>", "<script>document.title='owned'</script></body>"))
    page = Page(browser, hostile)
    assert page.page.title() != "owned"
    assert any("Content Security Policy" in m for m in page.messages)


def test_print_keeps_the_network_on_one_page_and_rows_whole(
    browser: Any, shipped_page: Path
) -> None:
    page = Page(browser, shipped_page, width=794)  # A4 at 96 dpi
    p = page.page
    p.emulate_media(media="print")
    assert p.locator(".controls").is_hidden()
    box = p.locator("#network").bounding_box()
    assert box["height"] <= 273 / 25.4 * 96  # an A4 page less its 12 mm margins
    styles = p.evaluate(
        "() => { var s = getComputedStyle; return [s(document.querySelector('thead')).display,"
        " s(document.querySelector('tbody tr')).breakInside,"
        " s(document.querySelector('figure')).breakInside] }"
    )
    assert styles == ["table-header-group", "avoid", "avoid"]
    pdf = p.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) > 3


def test_a_large_plan_is_a_matrix_with_the_same_controls(browser: Any, tmp_path: Path) -> None:
    from benchmarks.generate import generate

    cohort = generate(tmp_path / "c100", 100, topics=60, seed=1)
    plan, out = tmp_path / "plan.json", tmp_path / "report.html"
    made = invoke("plan", "--data", str(cohort), "--format", "json", "-o", str(plan))
    assert made.exit_code == 0, made.stderr
    drawn = invoke("report", "--data", str(cohort), "--plan", str(plan), "-o", str(out))
    assert drawn.exit_code == 0, drawn.stderr
    page = Page(browser, out)
    p = page.page
    assert p.get_attribute("#network", "class") == "matrix"
    assert p.evaluate("document.documentElement.scrollWidth") == 1100  # no sideways scroll
    links = page.count("#network g.link")
    assert links == int(page.root("data-shown") or 0) > 100
    first = p.locator("#network g.node").first
    sid = first.get_attribute("data-id")
    first.click()
    shown = p.locator("#network g.link:not(.faded)")
    assert 0 < shown.count() < links
    for link in shown.all():
        assert sid in (link.get_attribute("data-teacher"), link.get_attribute("data-learner"))
    p.keyboard.press("Escape")
    p.fill("#search", "council")
    assert "system(s) match “council”" in page.info()
    assert page.messages == []


def test_rings_and_hostile_text_load_cleanly(browser: Any, tmp_path: Path) -> None:
    for name, args in (
        ("rings", ["--plan", str(SHIPPED_RINGS)]),
        ("nasty", ["--data", str(NASTY), "--plan", str(NASTY / "plan.json")]),
    ):
        out = tmp_path / f"{name}.html"
        assert invoke("report", *args, "--output", str(out)).exit_code == 0
        page = Page(browser, out)
        assert page.root("data-errors") is None
        assert page.messages == []
        assert "<script>alert(1)" not in page.page.content()
        page.page.fill("#search", '"><script>')  # typed text is shown as text, never markup
        assert page.info() == 'No system matches “"><script>”.'
