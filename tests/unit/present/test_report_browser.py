"""The HTML report in a real headless browser: it loads cleanly and the picture is drawn.

Needs Debian's ``chromium`` (``.ci/run`` installs it when missing). Without it the test is
skipped on a developer machine, and fails in CI (env ``CI`` set), where it must run.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, invoke

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


def browse(page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=5000",
        *extra,
        page.as_uri(),
    ]
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def root_tag(dom: str) -> str:
    """The page's ``<html ...>`` tag, where the report's script records load and errors."""
    found = re.search(r"<html[^>]*>", dom)
    assert found is not None, dom[:500]
    return found.group(0)


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Refused to" in line]


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


def test_report_loads_without_errors(shipped_page: Path, tmp_path: Path) -> None:
    proc = browse(shipped_page, tmp_path, "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    root = root_tag(dom)
    assert 'data-loaded="yes"' in root  # our script ran and the load event fired
    assert "data-errors" not in root
    assert console_messages(proc.stderr) == []
    svg = re.search(r'<svg[^>]*id="network".*?</svg>', dom, re.S)
    assert svg is not None
    assert svg.group(0).count('<circle class="node"') == 34  # one node per system
    assert svg.group(0).count("<textPath") == 36  # one topic label per link


def test_the_picture_is_drawn(shipped_page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    proc = browse(shipped_page, tmp_path, f"--screenshot={shot}", "--window-size=1100,1300")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert console_messages(proc.stderr) == []
    pixels = read_png(shot)
    assert pixels.shape[:2] == (1300, 1100)
    ink = (pixels < 200).any(axis=2)
    assert ink.mean() > 0.02  # not a blank page
    # the network sits below the heading and legend: plenty drawn there, in the node colours
    picture = pixels[300:1100]
    assert (picture < 200).any(axis=2).mean() > 0.01
    ics_blue = np.array([0x4E, 0x79, 0xA7])
    assert (np.abs(picture.astype(int) - ics_blue).sum(axis=2) < 30).sum() > 200


def test_rings_and_hostile_text_load_cleanly(tmp_path: Path) -> None:
    for name, args in (
        ("rings", ["--plan", str(SHIPPED_RINGS)]),
        ("nasty", ["--data", str(NASTY), "--plan", str(NASTY / "plan.json")]),
    ):
        page = tmp_path / f"{name}.html"
        assert invoke("report", *args, "--output", str(page)).exit_code == 0
        proc = browse(page, tmp_path, "--dump-dom")
        assert 'data-loaded="yes"' in root_tag(proc.stdout)
        assert "data-errors" not in root_tag(proc.stdout)
        assert console_messages(proc.stderr) == []
        assert "<script>alert(1)" not in proc.stdout
