"""Cost in proportion to the input: the three runs docs/hardening.md promises figures for.

    python benchmarks/hardening_costs.py            # all three; prints a table
    python benchmarks/hardening_costs.py import     # one of: import, suggest, validate

- ``import`` of a 100,000-row CSV of form responses (about 6 MB): under 10 s, under 1 GB;
- ``suggest --top 0`` on 1,000 profiles (every pair, about half a million rows) written as
  CSV to a file: under 30 s, memory bounded;
- ``validate`` on a systems.yaml of about 26 MB with 2.5 million references: under 1 GB.

The time is wall-clock (what the promise is about); the CPU time beside it (user + system)
varies less on a machine shared with other work.

Each command runs in a child process (the installed ``peermatch`` of this checkout, through
``python -m peermatch``); its peak memory is the child's ``ru_maxrss`` from
``resource.getrusage(RUSAGE_CHILDREN)``, read in a fresh helper process per run so runs do
not mask each other. Inputs are generated under benchmarks/out/costs/ (deterministic).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out" / "costs"

#: One run: python -m peermatch ARGS; prints {"seconds", "peak_mb", "returncode"} as JSON.
_CHILD = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.run([sys.executable, "-m", "peermatch", *sys.argv[1:]],
                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak = usage.ru_maxrss / 1024
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, "returncode": proc.returncode,
                  "stderr": proc.stderr[-300:]}))
"""

TOPICS = [f"topic-{i:02d}" for i in range(40)]


def catalogue(folder: Path) -> Path:
    lines = ["challenges:"]
    for t in TOPICS:
        lines += [f"  - id: {t}", f"    name: Topic {t[-2:]}", "    area: area"]
    path = folder / "challenges.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def import_csv(folder: Path, rows: int = 100_000) -> Path:
    rnd = random.Random(1)
    path = folder / "responses.csv"
    with path.open("w") as out:
        out.write("name,kind,population,strengths,challenges\n")
        for i in range(rows):
            s = "; ".join(f"{t}:{rnd.randint(1, 3)}" for t in rnd.sample(TOPICS, 2))
            c = "; ".join(f"{t}:{rnd.randint(1, 3)}" for t in rnd.sample(TOPICS, 2))
            out.write(f"System {i},ics,{rnd.randint(1000, 999999)},{s},{c}\n")
    return path


def systems_yaml(folder: Path, n: int, strengths: int, needs: int, partners: int = 0) -> Path:
    rnd = random.Random(2)
    path = folder / "systems.yaml"
    with path.open("w") as out:
        out.write("systems:\n")
        for i in range(n):
            out.write(f"  - id: s{i}\n    name: System {i}\n    kind: ics\n")
            if partners:
                refs = ", ".join(f"s{(i + k) % n}" for k in range(1, partners + 1))
                out.write(f"    exclude: [{refs}]\n")
            out.write("    strengths:\n")
            for t in rnd.sample(TOPICS, strengths):
                out.write(f"      - {{challenge: {t}, level: 2, evidence: e}}\n")
            out.write("    challenges:\n")
            for t in rnd.sample(TOPICS, needs):
                out.write(f"      - {{challenge: {t}, priority: 2}}\n")
    return path


def measure(args: list[str]) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, *args], capture_output=True, text=True, cwd=REPO, check=True
    )
    result: dict[str, float] = json.loads(proc.stdout)
    return result


def run(which: str) -> tuple[str, dict[str, float], float, float]:
    folder = OUT / which
    folder.mkdir(parents=True, exist_ok=True)
    if which == "import":
        cat = catalogue(folder)
        csv = import_csv(folder)
        target = folder / "imported"
        args = ["import", str(csv), "--to", str(target), "--no-input", "--challenges", str(cat)]
        args += ["--force"]
        size = csv.stat().st_size / 1e6
        label, limit_s, limit_mb = f"import, 100,000 rows ({size:.1f} MB)", 10, 1000
    elif which == "suggest":
        catalogue(folder)
        systems_yaml(folder, 1000, 6, 6)
        args = ["suggest", "--data", str(folder), "--top", "0", "-f", "csv"]
        args += ["-o", str(folder / "matches.csv")]
        label, limit_s, limit_mb = "suggest --top 0, 1,000 profiles", 30, 1000
    else:
        catalogue(folder)
        path = systems_yaml(folder, 25_000, 2, 2, partners=96)
        size = path.stat().st_size / 1e6
        label, limit_s, limit_mb = f"validate, {size:.0f} MB, 2.5 million references", 60, 1000
        args = ["validate", "--data", str(folder)]
    return label, measure(args), limit_s, limit_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("which", nargs="*", default=["import", "suggest", "validate"])
    ns = parser.parse_args()
    failed = False
    print(f"peermatch hardening costs, {time.strftime('%Y-%m-%d')}")
    for which in ns.which:
        label, r, limit_s, limit_mb = run(which)
        ok = r["seconds"] < limit_s and r["peak_mb"] < limit_mb
        failed |= not ok
        extra = "" if r["returncode"] in (0, 1) else f" (exit {r['returncode']}: {r['stderr']})"
        print(
            f"{label:<44} {r['seconds']:5.1f} s (< {limit_s} s; CPU {r['cpu']:5.1f} s)  "
            f"{r['peak_mb']:7.0f} MB (< {limit_mb} MB)  {'PASS' if ok else 'FAIL'}{extra}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
