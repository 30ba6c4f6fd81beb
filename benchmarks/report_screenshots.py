"""Screenshots of the HTML report for docs/report.md, in Debian's Chromium via Playwright.

    python benchmarks/report_screenshots.py --out docs/img

draws the report of the shipped data (the plan in tests/data/report/shipped-plan.json)
and of a generated cohort of 100 systems (benchmarks/generate.py, seed 1, and its plan:
drawn as the report draws it, a matrix, and forced into a network for comparison), and
writes PNGs of the picture as a whole and focused on one system, with the time each page
took to load and draw. Playwright never downloads a browser here: it drives
/usr/bin/chromium (or $CHROMIUM) through ``executable_path``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "peermatch", *args], check=True, cwd=REPO)


def pages(work: Path) -> list[tuple[str, Path, str]]:
    """(name, report file, a system to focus) for the shipped data and 100 systems."""
    shipped = work / "shipped.html"
    cli("report", "--plan", str(REPO / "tests/data/report/shipped-plan.json"), "-o", str(shipped))
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    cohort = generate(work / "c100", 100, topics=60, seed=1)
    plan = work / "c100-plan.json"
    cli("plan", "--data", str(cohort), "--format", "json", "--output", str(plan))
    large = work / "c100.html"
    cli("report", "--data", str(cohort), "--plan", str(plan), "-o", str(large))
    # the same 100 systems forced into a network: why the report draws a matrix from 50
    import peermatch
    from peermatch.files.plan_json import read_plan
    from peermatch.present.report import build_report, matrix, render_html

    data = peermatch.load(cohort)
    built = build_report(data, read_plan(plan, data))
    matrix.MATRIX_FROM = 10**9
    hairball = work / "c100-network.html"
    hairball.write_text(render_html(built), encoding="utf-8")
    return [
        ("report-shipped", shipped, "nenc"),
        ("report-100", large, ""),
        ("report-100-as-network", hairball, ""),
    ]


def section(page: Any) -> dict[str, float]:
    """The programme's section with its picture, which may be wider than the section."""
    a = page.locator("#programme").bounding_box()
    b = page.locator("#network").bounding_box()
    left, right = min(a["x"], b["x"]), max(a["x"] + a["width"], b["x"] + b["width"])
    bottom = max(a["y"] + a["height"], b["y"] + b["height"])
    return {"x": left, "y": a["y"], "width": right - left, "height": bottom - a["y"]}


def shoot(out: Path, name: str, page_file: Path, focus: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        start = time.perf_counter()
        page.goto(page_file.as_uri())
        page.wait_for_selector("html[data-loaded=yes]")
        took = time.perf_counter() - start
        clip = section(page)
        page.screenshot(path=str(out / f"{name}.png"), clip=clip, full_page=True)
        print(f"{name}: loaded and drawn in {took:.2f} s -> {out / (name + '.png')}")
        if name.endswith("as-network"):
            browser.close()
            return
        if not focus:
            focus = page.locator("#network g.node").first.get_attribute("data-id") or ""
        page.locator(f'#network g.node[data-id="{focus}"] text').first.click()
        page.screenshot(path=str(out / f"{name}-focused.png"), clip=clip, full_page=True)
        print(f"{name}: focused on {focus} -> {out / (name + '-focused.png')}")
        browser.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, page_file, focus in pages(Path(tmp)):
            shoot(args.out, name, page_file, focus)


if __name__ == "__main__":
    main()
