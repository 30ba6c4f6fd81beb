"""Run the tests on the lowest version of every dependency that pyproject.toml allows.

    python benchmarks/floors.py            # a new venv in a temporary folder, then pytest -q
    python benchmarks/floors.py -x -k cli  # extra arguments go to pytest

Every ``name>=X`` in ``[project] dependencies`` and in the ``test`` extra is installed as
``name==X`` (a requirement without a floor takes today's release), peermatch itself without
its dependencies, and the README's test command runs against that environment. A failure
here means a floor in pyproject.toml is a false promise: raise it there. What the
dependencies themselves pull in (click under typer, for example) resolves to today's
releases that fit, as it would for a user who has the floors installed already.

Run it by hand (it downloads and installs a whole environment; CI does not run it).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_FLOOR = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9_.\-]*)\s*>=\s*(?P<version>[^,;\s]+)")
_BARE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")


def floors(pyproject: Path = REPO / "pyproject.toml") -> list[str]:
    """The requirements of the package and its ``test`` extra, each pinned to its floor."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    pins = []
    for requirement in requirements:
        if match := _FLOOR.fullmatch(requirement.strip()):
            pins.append(f"{match['name']}=={match['version']}")
        elif _BARE.fullmatch(requirement.strip()):
            pins.append(requirement.strip())  # no floor declared: today's release
        else:
            raise SystemExit(
                f"floors: cannot read a floor from {requirement!r} in pyproject.toml; "
                "write it as 'name>=X' or teach this script the new form"
            )
    return pins


def main(pytest_args: list[str]) -> int:
    pins = floors()
    with tempfile.TemporaryDirectory(prefix="peermatch-floors-") as tmp:
        env_dir = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
        python = str(env_dir / "bin" / "python")
        pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        print("floors:", " ".join(pins), flush=True)
        subprocess.run([*pip, *pins], check=True)
        subprocess.run([*pip, "--no-deps", "-e", str(REPO)], check=True)
        subprocess.run([python, "-m", "pip", "check"], check=True)
        env = {**os.environ, "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}"}
        env.pop("PYTHONPATH", None)
        tests = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]
        return subprocess.run(tests, cwd=REPO, env=env, check=False).returncode


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as exc:
        # pip has said what failed; a floor that cannot be installed is raised in pyproject
        sys.exit(f"floors: {' '.join(map(str, exc.cmd[:4]))} ... failed (exit {exc.returncode})")
