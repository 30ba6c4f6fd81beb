"""Measure peermatch against its performance targets and print a table.

    python benchmarks/run.py              # everything (about 5 minutes on 2 cores)
    python benchmarks/run.py --only cold  # cold start only (about a minute)
    python benchmarks/run.py --only resolver  # the resolver's speed (about 20 seconds)
    python benchmarks/run.py --quick      # smaller cohorts, to try the runner

Every figure is the median of several runs of the real command line (subprocesses of
``python -m peermatch`` from this checkout), next to a *floor* measured in the same run:
machines are noisy, so targets are ratios, not seconds.

* cold start: ``--version``, ``--help`` and ``suggest`` on the shipped data against
  ``python -c "import typer, rich, pydantic, yaml"``; ``suggest`` three ways, named: with a
  warm data cache, with an empty one (the first run ever: it checks and stores), and with
  ``--no-cache``; and ``who`` (a topic id, and free text) against ``suggest``, both warm;
* validate: ``validate`` on a 50-system file against ``check-jsonschema`` on the same file
  with a one-line schema (skipped, saying so, when check-jsonschema is not installed), with
  a warm cache and with ``--no-cache``;
* resolver: ``resolve`` placing 10,000 distinct phrases, in process after the catalogue is
  loaded, and through the command line less a one-phrase ``resolve`` (the start-up);
* large cohort: ``suggest --top 5 --format csv --output FILE`` on a generated cohort
  (20,000 profiles x 200 topics) against a bare ``yaml.load(..., CSafeLoader)`` of the same
  systems file: the first run (empty cache), the second (warm: the checked data and
  suggest's rows both cached), the second with only the checked data cached (the rows
  made afresh) and ``--no-cache`` (the path before the cache); and the command's peak
  memory (``ru_maxrss`` of that process);
* plan: ``plan`` on 5,000 profiles against ``suggest --top 5`` on the same data (both with
  the checked data cached and suggest's rows made afresh);
* scaling (``--scaling``): suggest at several sizes, for the README's growth figures.

Cohorts come from benchmarks/generate.py and are kept in benchmarks/out/ between runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeAlias

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.generate import generate  # noqa: E402

OUT = REPO / "benchmarks" / "out"
#: The data cache the runs use: never the user's. "warm" is filled before it is timed;
#: "cold" is emptied before every run (outside the timing).
WARM = OUT / "cache-warm"
COLD = OUT / "cache-cold"
DATA_ONLY = OUT / "cache-data-only"
ENV = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "CI": "1"}
ENV["PEERMATCH_CACHE_DIR"] = str(WARM)
for name in ("PEERMATCH_DATA", "PEERMATCH_NO_CACHE", "PEERMATCH_CACHE_MAX_BYTES"):
    ENV.pop(name, None)
PY = sys.executable


@dataclass
class Timing:
    seconds: list[float]  # wall clock
    cpu: list[float]  # user + system time of the process: steadier on a busy machine
    peak_mb: list[float]
    ok: bool
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    @property
    def peak(self) -> float:
        return max(self.peak_mb) if self.peak_mb else float("nan")


@dataclass
class Row:
    name: str
    value: str
    floor: str
    ratio: str
    cpu_ratio: str
    target: str
    result: str


def measure(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, float, float, int, str]:
    """Run ``cmd`` once: wall seconds, CPU seconds, peak resident MB, exit code, stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss / 1024, proc.returncode, err


@dataclass(frozen=True)
class Cold:
    """A command run with an empty data cache: the folder is emptied before each run."""

    cmd: list[str]

    def prepare(self) -> dict[str, str]:
        shutil.rmtree(COLD, ignore_errors=True)
        return {**ENV, "PEERMATCH_CACHE_DIR": str(COLD)}


@dataclass(frozen=True)
class DataOnly:
    """A command with only the checked data cached (no rows of an earlier suggest): the
    folder is made afresh before each run from ``seed``, which ``validate`` filled."""

    cmd: list[str]
    seed: Path

    def prepare(self) -> dict[str, str]:
        shutil.rmtree(DATA_ONLY, ignore_errors=True)
        shutil.copytree(self.seed, DATA_ONLY)  # modes too: the folder stays private
        return {**ENV, "PEERMATCH_CACHE_DIR": str(DATA_ONLY)}


def data_only(cmd: list[str], data: Path) -> DataOnly:
    """``cmd`` as :class:`DataOnly`, its seed folder filled by one untimed ``validate``."""
    seed = OUT / "cache-data-seed"
    shutil.rmtree(seed, ignore_errors=True)
    env = {**ENV, "PEERMATCH_CACHE_DIR": str(seed)}
    subprocess.run(
        peermatch("validate", "--data", str(data)), cwd=REPO, env=env, capture_output=True
    )
    return DataOnly(cmd, seed)


def warm(cmd: list[str]) -> list[str]:
    """``cmd``, after one untimed run that fills the (warm) data cache."""
    subprocess.run(cmd, cwd=REPO, env=ENV, capture_output=True, check=False)
    return cmd


Command = list[str] | Cold | DataOnly


def interleaved(commands: dict[str, Command], runs: int) -> dict[str, Timing]:
    """Run each command ``runs`` times, round-robin, so drift hits them all alike."""
    out = {name: Timing([], [], [], True) for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            t = out[name]
            if not t.ok:
                continue
            cmd, env = (
                (command, ENV) if isinstance(command, list) else (command.cmd, command.prepare())
            )
            seconds, cpu, peak, code, err = measure(cmd, env)
            if code != 0:
                t.ok = False
                t.error = err.strip().splitlines()[-1] if err.strip() else f"exit {code}"
                continue
            t.seconds.append(seconds)
            t.cpu.append(cpu)
            t.peak_mb.append(peak)
    return out


def peermatch(*args: str) -> list[str]:
    return [PY, "-m", "peermatch", *args]


def cohort(profiles: int, topics: int = 200, seed: int = 1) -> Path:
    folder = OUT / f"cohort-{profiles}x{topics}-s{seed}"
    if not (folder / "systems.yaml").is_file():
        generate(folder, profiles, topics, seed)
    return folder


def ratio_row(name: str, t: Timing, floor: Timing, limit: float) -> Row:
    """A measured command against its floor; the verdict is on wall-clock time."""
    if not t.ok or not floor.ok:
        return Row(name, "failed", "", "", "", f"<= {limit}x", f"FAIL ({t.error or floor.error})")
    r = t.median / floor.median
    return Row(
        name,
        f"{t.median:.3f} s",
        f"{floor.median:.3f} s",
        f"{r:.2f}x",
        f"{t.cpu_median / floor.cpu_median:.2f}x",
        f"<= {limit}x",
        "PASS" if r <= limit else "FAIL",
    )


def floor_row(name: str, t: Timing, digits: int = 3) -> Row:
    value = f"{t.median:.{digits}f} s" if t.ok else f"failed: {t.error}"
    return Row(name, value, "", "", "", "", "")


# --------------------------------------------------------------------------- the suites

Rows: TypeAlias = tuple[list["Row"], list[str]]


def cold_start(runs: int) -> Rows:
    notes = []
    from peermatch.files.loading import shipped_data_dir

    shipped = shipped_data_dir()
    if (shipped / "systems.yaml").is_file():
        suggest = peermatch("suggest")
        label = "shipped data"
    else:
        data = cohort(60, 40)
        suggest = peermatch("suggest", "--data", str(data))
        label = "60 generated profiles"
        notes.append("the shipped data is not in this checkout; suggest ran on 60 generated")
    data_args = suggest[4:]
    commands: dict[str, Command] = {
        "floor": [PY, "-c", "import typer, rich, pydantic, yaml"],
        "version": peermatch("--version"),
        "help": peermatch("--help"),
        "warm": warm(suggest),
        "empty": Cold(suggest),
        "no-cache": [*suggest, "--no-cache"],
        "who-id": warm(peermatch("who", "discharge", *data_args)),
        "who-text": warm(peermatch("who", "bed blocking", *data_args)),
    }
    t = interleaved(commands, runs)
    rows = [
        floor_row("cold: import typer, rich, pydantic, yaml (floor)", t["floor"]),
        ratio_row("cold: peermatch --version", t["version"], t["floor"], 1.3),
        ratio_row("cold: peermatch --help", t["help"], t["floor"], 1.3),
        ratio_row(f"cold: suggest ({label}), warm cache", t["warm"], t["floor"], 1.5),
        ratio_row(f"cold: suggest ({label}), empty cache", t["empty"], t["floor"], 2.5),
        ratio_row(f"cold: suggest ({label}), --no-cache", t["no-cache"], t["floor"], 2.5),
        ratio_row("cold: who discharge (floor: suggest, warm)", t["who-id"], t["warm"], 1.5),
        ratio_row("cold: who 'bed blocking' (floor: suggest, warm)", t["who-text"], t["warm"], 1.5),
    ]
    return rows, notes


def resolver(runs: int) -> Rows:
    """10,000 distinct phrases placed on topics: in process, and through the command line.

    The verdict is on CPU time: the target is the work after start-up, and on a shared
    machine the wall clock also counts the time spent queueing for a core (both are shown).
    """
    from benchmarks.resolver.evaluate import distinct_phrases, load_phrases
    from peermatch.files.loading import load, shipped_data_dir

    phrases = distinct_phrases(load_phrases())
    catalogue = load(shipped_data_dir()).catalogue
    started = time.perf_counter()
    r = catalogue.resolver()
    r.resolve("warm up")
    build = time.perf_counter() - started
    wall, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        r.resolve_many(phrases)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    file = OUT / "phrases-10k.txt"
    file.write_text("\n".join(phrases) + "\n", encoding="utf-8")
    t = interleaved(
        {
            "one": peermatch("resolve", "bed blocking", "--format", "csv"),
            "many": peermatch("resolve", "--file", str(file), "--format", "csv"),
        },
        runs,
    )
    ok = t["many"].ok and t["one"].ok
    after_wall = t["many"].median - t["one"].median
    after_cpu = t["many"].cpu_median - t["one"].cpu_median
    return [
        floor_row("resolver: build (shipped catalogue), in process", Timing([build], [], [], True)),
        _seconds_row(
            "resolver: 10,000 phrases, in process", statistics.median(wall), statistics.median(cpu)
        ),
        floor_row("resolver: resolve one phrase, command line (start-up)", t["one"]),
        _seconds_row(
            "resolver: resolve --file 10,000 phrases less start-up", after_wall, after_cpu, ok
        ),
    ], []


def _seconds_row(name: str, wall: float, cpu: float, ok: bool = True) -> Row:
    """A figure under 1 s of CPU time (the wall clock beside it)."""
    if not ok:
        return Row(name, "failed", "", "", "", "< 1 s cpu", "FAIL")
    verdict = "PASS" if cpu < 1 else "FAIL"
    return Row(name, f"{wall:.3f} s", f"cpu {cpu:.3f} s", "", "", "< 1 s cpu", verdict)


def validate_suite(runs: int, systems: int = 50) -> Rows:
    """validate on a 50-system file against check-jsonschema with a one-line schema."""
    label = f"validate, {systems} systems"
    checker = shutil.which("check-jsonschema", path=str(Path(PY).parent)) or shutil.which(
        "check-jsonschema"
    )
    if checker is None:
        return [Row(label, "not measured", "", "", "", "<= 0.5x", "n/a")], [
            "validate: check-jsonschema is not installed (pip install check-jsonschema, for "
            "the benchmark only); the validate target is not measured"
        ]
    data = cohort(systems, 40)
    schema = OUT / "one-line.schema.json"
    schema.write_text('{"type": "object"}\n', encoding="utf-8")
    validate = peermatch("validate", "--data", str(data))
    commands: dict[str, Command] = {
        "floor": [checker, "--schemafile", str(schema), str(data / "systems.yaml")],
        "warm": warm(validate),
        "no-cache": [*validate, "--no-cache"],
    }
    t = interleaved(commands, runs)
    return [
        floor_row(f"{label}: check-jsonschema, one-line schema (floor)", t["floor"]),
        ratio_row(f"{label}: peermatch validate, warm cache", t["warm"], t["floor"], 0.5),
        ratio_row(f"{label}: peermatch validate --no-cache", t["no-cache"], t["floor"], 0.5),
    ], []


def large(profiles: int, topics: int, runs: int) -> Rows:
    data = cohort(profiles, topics)
    systems = data / "systems.yaml"
    size_mb = systems.stat().st_size / 1e6
    target = OUT / "suggest.csv"
    floor_code = (
        "import yaml\n"
        f"text = open({str(systems)!r}, encoding='utf-8').read()\n"
        "yaml.load(text, Loader=yaml.CSafeLoader)\n"
    )
    suggest = peermatch(
        "suggest", "--data", str(data), "--top", "5", "--format", "csv", "-o", str(target)
    )
    commands: dict[str, Command] = {
        "floor": [PY, "-c", floor_code],
        "suggest": Cold(suggest),
        "warm": warm(suggest),
        "rows": data_only(suggest, data),
        "no-cache": [*suggest, "--no-cache"],
    }
    t = interleaved(commands, runs)
    label = f"{profiles:,} x {topics}"
    rows = [
        floor_row(f"{label}: yaml.load(CSafeLoader) of {size_mb:.0f} MB (floor)", t["floor"], 2),
        ratio_row(
            f"{label}: suggest --top 5 -f csv -o FILE, --no-cache", t["no-cache"], t["floor"], 1.5
        ),
        ratio_row(f"{label}: suggest, first run (empty cache)", t["suggest"], t["floor"], 1.5),
        ratio_row(f"{label}: suggest, second run (warm cache)", t["warm"], t["floor"], 0.2),
        ratio_row(f"{label}: suggest, second run, rows made afresh", t["rows"], t["floor"], 1.5),
    ]
    peak = t["suggest"].peak
    rows.append(
        Row(
            f"{label}: suggest peak memory",
            f"{peak:,.0f} MB",
            "",
            "",
            "",
            "< 2,048 MB",
            "PASS" if t["suggest"].ok and peak < 2048 else "FAIL",
        )
    )
    notes = []
    if target.is_file():
        lines = sum(1 for _ in target.open(encoding="utf-8")) - 1
        notes.append(f"suggest wrote {lines:,} rows for {profiles:,} learners")
    return rows, notes


def plan(profiles: int, runs: int) -> Rows:
    probe = subprocess.run(
        peermatch("plan", "--help"), cwd=REPO, env=ENV, capture_output=True, check=False
    )
    label = f"{profiles:,} x 200: plan -f json -o FILE"
    if probe.returncode != 0:
        return [Row(label, "not measured", "", "", "", "<= 2x", "n/a")], [
            "plan: this checkout has no 'plan' command yet; the plan target is not measured"
        ]
    data = cohort(profiles, 200)
    # both with the checked data cached and nothing else: suggest's rows made afresh
    suggest = data_only(
        peermatch(
            "suggest", "--data", str(data), "--top", "5", "-f", "csv", "-o", str(OUT / "s.csv")
        ),
        data,
    )
    commands: dict[str, Command] = {
        "suggest": suggest,
        "plan": DataOnly(
            peermatch("plan", "--data", str(data), "-f", "json", "-o", str(OUT / "p.json")),
            suggest.seed,
        ),
    }
    t = interleaved(commands, runs)
    rows = [
        floor_row(
            f"{profiles:,} x 200: suggest --top 5, rows made afresh (floor)", t["suggest"], 2
        ),
        ratio_row(label, t["plan"], t["suggest"], 2.0),
    ]
    return rows, []


def scaling(sizes: Sequence[int], topics: int, topic_sizes: Sequence[int], at: int) -> Rows:
    """One run each: suggest as profiles grow (at ``topics``), then as topics grow (at ``at``)."""
    rows = []
    grid = [(n, topics) for n in sizes] + [(at, t) for t in topic_sizes if t != topics]
    for n, t in grid:
        data = cohort(n, t)
        out = str(OUT / "scaling.csv")
        cmd = peermatch("suggest", "--data", str(data), "--top", "5", "-f", "csv", "-o", out)
        timing = interleaved({"s": data_only(cmd, data)}, 1)["s"]  # rows made, not read
        rows.append(
            Row(
                f"scaling: suggest --top 5, {n:,} x {t}",
                f"{timing.median:.2f} s" if timing.ok else "failed",
                "",
                "",
                "",
                "",
                f"{timing.peak:,.0f} MB" if timing.ok else "FAIL",
            )
        )
    return rows, []


# --------------------------------------------------------------------------- the report


def machine() -> list[str]:
    from importlib.metadata import version

    import numpy
    import pydantic
    import scipy
    import typer
    import yaml

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    libyaml = "yes" if getattr(yaml, "__with_libyaml__", False) else "no"
    return [
        f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        f"python {platform.python_version()}; numpy {numpy.__version__}, scipy {scipy.__version__},"
        f" highspy {version('highspy')}, PyYAML {yaml.__version__} (libyaml: {libyaml}),"
        f" pydantic {pydantic.VERSION}, typer {typer.__version__}",
    ]


def table(rows: list[Row]) -> str:
    head = Row("measurement", "median", "floor", "ratio", "cpu ratio", "target", "result")
    grid = [head, *rows]
    widths = [max(len(getattr(r, f)) for r in grid) for f in Row.__dataclass_fields__]
    lines = []
    for i, r in enumerate(grid):
        cells = [getattr(r, f) for f in Row.__dataclass_fields__]
        lines.append(
            "  ".join(
                c.ljust(w) if j == 0 else c.rjust(w)
                for j, (c, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()
        )
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        choices=["cold", "resolver", "validate", "large", "plan", "scaling"],
        action="append",
    )
    parser.add_argument("--quick", action="store_true", help="small cohorts, fewer runs")
    parser.add_argument("--profiles", type=int, default=20_000, help="large cohort size")
    parser.add_argument("--topics", type=int, default=200)
    parser.add_argument("--plan-profiles", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3, help="runs per large measurement")
    parser.add_argument("--cold-runs", type=int, default=21, help="runs per cold-start figure")
    parser.add_argument("--scaling", action="store_true", help="also time several sizes")
    args = parser.parse_args(argv)
    if args.quick:
        args.profiles, args.plan_profiles, args.runs, args.cold_runs = 2_000, 1_000, 1, 7
    everything = ["cold", "resolver", "validate", "large", "plan"]
    suites = set(args.only or everything + (["scaling"] if args.scaling else []))
    OUT.mkdir(parents=True, exist_ok=True)
    # An installed package has its bytecode compiled (pip does it); a checkout run with
    # PYTHONDONTWRITEBYTECODE would compile every module on every start. Compile once.
    subprocess.run([PY, "-m", "compileall", "-q", str(REPO / "peermatch")], check=True, env=ENV)
    started = datetime.now(UTC)
    rows: list[Row] = []
    notes: list[str] = []
    for suite, run in (
        ("cold", lambda: cold_start(args.cold_runs)),
        ("resolver", lambda: resolver(max(args.runs, 5))),
        ("validate", lambda: validate_suite(args.cold_runs)),
        ("large", lambda: large(args.profiles, args.topics, args.runs)),
        ("plan", lambda: plan(args.plan_profiles, args.runs)),
        (
            "scaling",
            lambda: scaling(
                (1_000, 2_000, 5_000, 10_000, 20_000), args.topics, (50, 200, 1_000), 5_000
            ),
        ),
    ):
        if suite in suites:
            r, n = run()
            rows += r
            notes += n
            print(f"... {suite} done", file=sys.stderr, flush=True)
    print(f"peermatch benchmarks, {started:%Y-%m-%d %H:%M} UTC")
    for line in machine():
        print(line)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"medians of {args.runs} runs (large, plan) and {args.cold_runs} runs (cold start), "
        f"interleaved; load average at the end {load}"
    )
    print("ratio = wall-clock median / floor's (the verdict); cpu ratio = the same in CPU time")
    print()
    print(table(rows))
    for note in notes:
        print(f"note: {note}")
    failed = [r for r in rows if r.result.startswith("FAIL")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
