"""Shell completion works as the README and docs/hardening.md say (bash; no terminal needed).

``peermatch --show-completion bash`` prints the script, ``--install-completion bash`` installs
it, and with the script sourced bash completes commands, options and option values.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run

COMPLETE = "complete -o default -F _peermatch_completion peermatch"

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def test_show_completion_prints_the_bash_script() -> None:
    proc = run("--show-completion", "bash")
    assert proc.returncode == 0, proc.stderr
    assert COMPLETE in proc.stdout
    assert "_PEERMATCH_COMPLETE=complete_bash" in proc.stdout


def test_install_completion_writes_the_script_and_sources_it(tmp_path: Path) -> None:
    proc = run("--install-completion", "bash", env={"HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    script = tmp_path / ".bash_completions" / "peermatch.sh"
    assert COMPLETE in script.read_text()
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()
    assert "bash completion installed" in proc.stdout


def complete(words: str, tmp_path: Path) -> list[str]:
    """What bash offers for the command line ``words`` (a trailing space: a new word)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    launcher = bin_dir / "peermatch"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m peermatch "$@"\n')
    launcher.chmod(0o755)
    script = run("--show-completion", "bash").stdout
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(REPO),
        "SCRIPT": script,
        "WORDS": words,
    }
    env.pop("PEERMATCH_DATA", None)
    probe = (
        'eval "$SCRIPT"\n'
        'read -r -a COMP_WORDS <<< "$WORDS"\n'
        '[[ "$WORDS" == *" " ]] && COMP_WORDS+=("")\n'
        "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
        "_peermatch_completion peermatch\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    proc = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return proc.stdout.split()


@needs_bash
@pytest.mark.parametrize(
    ("words", "offered"),
    [
        ("peermatch sugg", ["suggest"]),
        ("peermatch ex", ["explain", "export-csv"]),
        ("peermatch plan --ri", ["--ring-size"]),
        ("peermatch suggest -f ", ["table", "csv", "json", "markdown"]),
        ("peermatch schema ", ["systems", "challenges", "peers", "both"]),
    ],
)
def test_bash_completes_commands_options_and_values(
    words: str, offered: list[str], tmp_path: Path
) -> None:
    assert complete(words, tmp_path) == offered
