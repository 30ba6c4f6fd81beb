"""The data cache at the command line: -v says hit or miss, --no-cache, peermatch cache
info|clear, validate's cached verdict, and the same output either way."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import SMALL, invoke, run

from peermatch.files import cache_store as store

ENTRY = r"\S+/[0-9a-f]{64}\.entry"


def test_verbose_says_miss_then_hit(private_cache: Path) -> None:
    first = invoke("-v", "suggest", "--data", str(SMALL), "-f", "csv")
    assert re.match(rf"cache: miss \(no entry for these bytes\); stored {ENTRY}\n", first.stderr)
    second = invoke("suggest", "-v", "--data", str(SMALL), "-f", "csv")
    (entry,) = store.entries(private_cache)
    assert second.stderr.startswith(f"cache: hit ({entry.path})\nloaded 2 systems from ")
    assert second.stdout == first.stdout
    assert invoke("suggest", "--data", str(SMALL), "-f", "csv").stderr == ""  # quiet without -v


def test_no_cache_neither_reads_nor_writes(private_cache: Path) -> None:
    result = invoke("-v", "suggest", "--no-cache", "--data", str(SMALL), "-f", "csv")
    assert result.exit_code == 0
    assert result.stderr.startswith("cache: not used (--no-cache)\n")
    assert not private_cache.exists()
    invoke("suggest", "--data", str(SMALL))
    again = invoke("-v", "explain", "--no-cache", "--data", str(SMALL), "east", "west")
    assert again.stderr.startswith("cache: not used (--no-cache)\n"), again.stderr


def test_every_command_that_reads_data_takes_no_cache() -> None:
    import typer

    from peermatch.cli import app

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        names = {p.name for p in command.params}
        if "data" in names:
            assert "no_cache" in names, name


def test_validate_says_when_its_verdict_comes_from_the_cache(private_cache: Path) -> None:
    first = invoke("-v", "validate", "--data", str(SMALL))
    assert first.exit_code == 0 and first.stderr.startswith("cache: miss (no entry")
    second = invoke("-v", "validate", "--data", str(SMALL))
    (entry,) = store.entries(private_cache)
    assert second.exit_code == 0 and second.stdout == first.stdout
    assert second.stderr.startswith(
        "cache: hit, the same bytes were checked before and were valid "
        f"({entry.path}); --no-cache checks them again\n"
    )
    fresh = invoke("-v", "validate", "--no-cache", "--data", str(SMALL))
    assert fresh.stdout == first.stdout
    assert fresh.stderr.startswith("cache: not used (--no-cache)\n")


def test_validate_checks_changed_bytes_for_real(tmp_path: Path) -> None:
    for name in ("systems.yaml", "challenges.yaml"):
        (tmp_path / name).write_bytes((SMALL / name).read_bytes())
    assert invoke("validate", "--data", str(tmp_path)).exit_code == 0
    with (tmp_path / "systems.yaml").open("a") as handle:
        handle.write("extra: 1\n")
    result = invoke("-v", "validate", "--data", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.startswith("cache: miss (no entry for these bytes)")
    assert "extra" in result.stdout


def test_cache_info_and_clear(private_cache: Path) -> None:
    empty = invoke("cache", "info", "-f", "csv")
    assert empty.exit_code == 0
    assert empty.stdout == (
        f"folder,entries,bytes,cap,usable,problem\n{private_cache},0,0,256000000,yes,\n"
    )
    invoke("suggest", "--data", str(SMALL))
    (entry,) = store.entries(private_cache)
    info = json.loads(invoke("cache", "info", "--format", "json").stdout)
    assert info == {
        "version": 1,
        "cache": [
            {
                "folder": str(private_cache),
                "entries": 1,
                "bytes": entry.size,
                "cap": 256000000,
                "usable": True,
                "problem": "",
            }
        ],
    }
    table = invoke("cache")  # info is the default
    assert table.stdout.endswith("\n1 entry, 0.0 MB of a 256 MB cap\n")
    cleared = invoke("cache", "clear")
    assert cleared.exit_code == 0 and cleared.stdout == ""
    assert cleared.stderr == f"removed 1 cache entry from {private_cache}\n"
    assert store.entries(private_cache) == []


def test_cache_with_an_unknown_action_is_a_usage_error() -> None:
    result = invoke("cache", "wipe")
    assert result.exit_code == 2
    assert "'wipe' is not one of 'info', 'clear'" in result.stderr


def test_a_bad_cap_is_one_line_and_exit_1(monkeypatch: object) -> None:
    result = invoke("suggest", "--data", str(SMALL), env={"PEERMATCH_CACHE_MAX_BYTES": "a lot"})
    assert result.exit_code == 1
    assert result.stderr == (
        "error: PEERMATCH_CACHE_MAX_BYTES must be a whole number of bytes "
        "(e.g. 500000000; 0 keeps nothing), not 'a lot'\n"
    )


def test_a_real_process_hits_and_prints_the_same(tmp_path: Path) -> None:
    env = {"PEERMATCH_CACHE_DIR": str(tmp_path / "c")}
    first = run("-v", "suggest", "--top", "2", "-f", "csv", env=env)
    second = run("-v", "suggest", "--top", "2", "-f", "csv", env=env)
    uncached = run("suggest", "--top", "2", "-f", "csv", "--no-cache", env=env)
    assert first.returncode == second.returncode == uncached.returncode == 0
    assert "cache: miss" in first.stderr and "cache: hit" in second.stderr
    assert first.stdout == second.stdout == uncached.stdout
    assert (tmp_path / "c").stat().st_mode & 0o777 == 0o700


def test_a_large_cohort_keeps_its_rows_for_the_next_run(tmp_path: Path) -> None:
    """From 200 profiles on, suggest's rows are kept too: the second run reads them, says
    so under -v, and prints what a run without any cache prints, in a real process."""
    from benchmarks.generate import generate

    cohort = str(generate(tmp_path / "cohort", profiles=210, topics=30, seed=2))
    env = {"PEERMATCH_CACHE_DIR": str(tmp_path / "c")}
    args = ("suggest", "--data", cohort, "--top", "2", "-f", "csv")
    first = run("-v", *args, env=env)
    second = run("-v", *args, env=env)
    table = run("-v", *args[:-2], "-f", "json", env=env)
    uncached = run(*args, "--no-cache", env=env)
    assert first.returncode == second.returncode == uncached.returncode == 0
    assert re.search(
        rf"^matches: miss \(no entry for these inputs\); stored {ENTRY}$", first.stderr, re.M
    )
    assert re.search(rf"^matches: hit \({ENTRY}\)$", second.stderr, re.M)
    assert re.search(rf"^matches: hit \({ENTRY}\)$", table.stderr, re.M)  # any format
    assert first.stdout == second.stdout == uncached.stdout
    rows = json.loads(table.stdout)["matches"]
    assert [r["teacher"] for r in rows] == [
        line.split(",")[2] for line in first.stdout.splitlines()[1:]
    ]


def test_no_cache_keeps_no_rows(tmp_path: Path, private_cache: Path) -> None:
    from benchmarks.generate import generate

    cohort = str(generate(tmp_path / "cohort", profiles=210, topics=30, seed=2))
    result = invoke("-v", "suggest", "--no-cache", "--data", cohort, "-f", "csv")
    assert result.exit_code == 0 and "matches:" not in result.stderr
    assert not private_cache.exists()
