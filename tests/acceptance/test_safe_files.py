"""The one safe writer and the one safe reader, through the real door.

--output: ``-`` is stdout, a device or FIFO is written straight to (never replaced), an
existing file keeps its mode, an output that is an input is refused (exit 2) unless
--force, and no temporary file survives a signal. Reading: a FIFO as any input is refused
at once (never a hang), a device is read only up to the size limit.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO, SMALL, invoke, run

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "private.csv"
    out.write_text("old\n")
    out.chmod(0o600)
    assert invoke("systems", "--data", str(SMALL), "-f", "csv", "-o", str(out)).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text().startswith("id,name,kind")


def test_a_symlink_stays_a_link_to_the_new_file(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert invoke("systems", "--data", str(SMALL), "-f", "csv", "-o", str(link)).exit_code == 0
    assert link.is_symlink()
    assert real.read_text().startswith("id,name,kind")


def test_dash_is_standard_output(tmp_path: Path) -> None:
    result = invoke("systems", "--data", str(SMALL), "-f", "csv", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("id,name,kind")
    assert not (Path.cwd() / "-").exists()


@pytest.mark.parametrize(
    ("args", "input_name"),
    [
        (["systems", "--data", "."], "systems.yaml"),
        (["suggest", "--data", ".", "--format", "csv"], "challenges.yaml"),
        (["report", "--data", ".", "--plan", "plan.json"], "plan.json"),
    ],
)
def test_an_output_that_is_an_input_is_refused_unless_forced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], input_name: str
) -> None:
    for name in ("systems.yaml", "challenges.yaml"):
        (tmp_path / name).write_bytes((SMALL / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    assert invoke("plan", "--data", ".", "-f", "json", "-o", "plan.json").exit_code == 0
    before = (tmp_path / input_name).read_bytes()
    result = invoke(*args, "-o", input_name)
    assert result.exit_code == 2
    assert result.stderr == (
        f"usage error: --output {input_name}: is also an input of this command "
        f"({input_name}); choose another --output, or add --force to replace it\n"
    )
    assert (tmp_path / input_name).read_bytes() == before
    assert invoke(*args, "-o", input_name, "--force").exit_code == 0
    assert (tmp_path / input_name).read_bytes() != before


def test_a_fifo_output_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    proc = run("systems", "--data", str(SMALL), "-f", "csv", "-o", str(fifo))
    reader.join(timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert got and got[0].startswith(b"id,name,kind")
    assert [p.name for p in tmp_path.iterdir()] == ["out.fifo"]


def test_a_terminal_device_output_stays_a_device() -> None:
    import pty

    master, slave = pty.openpty()
    try:
        name = os.ttyname(slave)
        proc = run("systems", "--data", str(SMALL), "-f", "csv", "-o", name)
        assert proc.returncode == 0, proc.stderr
        assert stat.S_ISCHR(Path(name).stat().st_mode)
        assert os.read(master, 1000).startswith(b"id,name,kind")
    finally:
        os.close(master)
        os.close(slave)


def test_dev_null_as_output_stays_a_device() -> None:
    proc = run("systems", "--data", str(SMALL), "-o", os.devnull)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)  # read its stat only


_SLOW_WRITER = """
import sys, time
from pathlib import Path
from peermatch.files.atomic import write_atomic

def chunks():
    yield "first\\n"
    print("writing", flush=True)
    while True:
        time.sleep(0.05)
        yield "more\\n"

write_atomic(Path(sys.argv[1]), chunks())
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_no_temporary_file_survives_a_signal_mid_write(tmp_path: Path, sig: int) -> None:
    out = tmp_path / "out.csv"
    out.write_text("old\n")
    with subprocess.Popen(
        [sys.executable, "-c", _SLOW_WRITER, str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        text=True,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "writing\n"
        assert any(p.name.endswith(".tmp") for p in tmp_path.iterdir())  # mid-write
        time.sleep(0.1)
        proc.send_signal(sig)
        proc.wait(timeout=60)
    assert proc.returncode != 0
    if sig != signal.SIGINT:
        assert proc.returncode == -sig  # it ends as the signal would have ended it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    assert out.read_text() == "old\n"


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize("which", ["systems", "cached", "csv", "peers", "plan", "keep"])
def test_a_fifo_as_input_is_refused_not_waited_on(tmp_path: Path, which: str) -> None:
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    args = {
        "systems": [
            "validate",
            "--systems",
            str(fifo),
            "--challenges",
            str(SMALL / "challenges.yaml"),
        ],
        "cached": [
            "suggest",
            "--systems",
            str(fifo),
            "--challenges",
            str(SMALL / "challenges.yaml"),
        ],
        "csv": ["import", str(fifo), "--to", str(tmp_path / "out"), "--no-input"],
        "peers": ["teams", "--data", str(SMALL), "--peers", str(fifo)],
        "plan": ["report", "--data", str(SMALL), "--plan", str(fifo)],
        "keep": ["plan", "--data", str(SMALL), "--keep", str(fifo)],
    }[which]
    what = {"csv": "CSV", "plan": "plan JSON", "keep": "plan JSON"}.get(which, "YAML")
    proc = run(*args)
    assert proc.returncode == 1
    assert (
        f"{fifo}: is a named pipe (FIFO), not a regular file; save the {what} to a file "
        "and give its path" in proc.stdout + proc.stderr
    )
    assert "Traceback" not in proc.stderr


def test_dev_zero_as_the_import_csv_is_refused_at_the_limit(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    result = invoke(
        "import",
        "/dev/zero",
        "--to",
        str(tmp_path),
        "--no-input",
        env={"PEERMATCH_MAX_BYTES": "1000"},
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "/dev/zero: the file is larger than the limit of 1,000 bytes; "
        "raise it with the environment variable PEERMATCH_MAX_BYTES\n"
    )
