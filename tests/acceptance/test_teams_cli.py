"""``peermatch teams`` through the real door: exact output, exit codes, --strict, usage
errors with "did you mean", and the peers.yaml bad-input corpus (tests/data/invalid_peers)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cohorts import Spec, write_yaml
from conftest import REPO, SMALL, TEST_DATA, invoke, run

PEERS_CORPUS = TEST_DATA / "invalid_peers"
CASES = sorted(p.name for p in PEERS_CORPUS.iterdir() if p.is_dir())
EXAMPLE = str(REPO / "examples" / "peers.yaml")


@pytest.fixture
def cohort(tmp_path: Path) -> str:
    """h needs t-a (high) and t-c (low); a and b teach t-a, c teaches t-c; b is h's partner."""
    specs = [
        Spec("h", needs={"t-a": 3, "t-c": 1}, partners=("b",)),
        Spec("a", strengths={"t-a": 3}, kind="trust"),
        Spec("b", strengths={"t-a": 3}, partners=("h",)),
        Spec("c", strengths={"t-c": 2}, kind="trust"),
        Spec("g", needs={"t-d": 2}),
    ]
    return str(write_yaml(specs, tmp_path / "data"))


def test_teams_table_csv_and_json(cohort: str) -> None:
    result = invoke("teams", "--data", cohort, "--size", "2")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Teams for 2 hosts: total coverage 93.8\n"
        "  member  role   topics\n"
        "h: 2 of 2, coverage 93.8\n"
        "  a       trust  t-a\n"
        "  c       trust  t-c\n"
        "\n"
        "optimal: no teams within the rules cover more (bound 93.8)\n"
        "short of a full team (1 host):\n"
        "  g: 0 of 2 places: only 0 systems can bring one of its needs\n"
    )
    csv = invoke("teams", "--data", cohort, "--size", "2", "-f", "csv")
    assert (
        csv.stdout == "host,member,role,topics,coverage\nh,a,trust,t-a,93.8\nh,c,trust,t-c,93.8\n"
    )
    assert csv.stderr == "short: g: 0 of 2 places: only 0 systems can bring one of its needs\n"
    doc = json.loads(invoke("teams", "--data", cohort, "--size", "2", "-f", "json").stdout)
    assert doc["version"] == 1 and doc["optimal"] is True
    assert doc["teams"][1] == {
        "host": "h",
        "coverage": 93.75,
        "members": [
            {"member": "a", "role": "trust", "topics": ["t-a"]},
            {"member": "c", "role": "trust", "topics": ["t-c"]},
        ],
        "uncovered": [],
        "reason": None,
    }
    assert doc["total"] == doc["bound"] == 93.75
    assert doc["short"] == [
        {"host": "g", "reason": "0 of 2 places: only 0 systems can bring one of its needs"}
    ]


def test_strict_exits_1_for_a_short_team(cohort: str) -> None:
    result = invoke("teams", "--data", cohort, "--host", "h", "--size", "3", "--strict")
    assert result.exit_code == 1
    assert result.stderr == "1 host(s) short of a full team (--strict)\n"
    full = invoke("teams", "--data", cohort, "--host", "h", "--size", "2", "--strict")
    assert full.exit_code == 0


def test_a_partner_never_joins_and_per_member_caps(cohort: str) -> None:
    result = invoke("teams", "--data", cohort, "--host", "h", "--per-member", "0", "-f", "csv")
    assert result.exit_code == 0
    assert result.stdout == "host,member,role,topics,coverage\n"
    rows = invoke("teams", "--data", cohort, "--host", "h", "-f", "csv").stdout
    assert ",b," not in rows


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--roles", "trust"],
            "usage error: --roles 'trust': write ROLE:COUNT pairs separated by commas, "
            "e.g. --roles officer:2,member:1\n",
        ),
        (
            ["--roles", "trust:3", "--size", "2"],
            "usage error: --roles: the role minimums add up to 3, more than the team size "
            "of 2; lower them or raise --size\n",
        ),
    ],
)
def test_usage_errors_exit_2(cohort: str, args: list[str], message: str) -> None:
    result = invoke("teams", "--data", cohort, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_an_unknown_host_is_usage_with_did_you_mean() -> None:
    result = invoke("teams", "--host", "wakefeld city")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "usage error: --host: unknown system 'wakefeld city'; did you mean wakefield?\n"
    )


def test_the_example_pool_through_a_real_process() -> None:
    args = ("teams", "--peers", EXAMPLE, "--host", "gloucestershire", "--size", "3")
    proc = run(*args, "--roles", "officer:1", "-f", "csv")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "host,member,role,topics,coverage"
    assert len(lines) == 4 and sum(",officer," in line for line in lines) >= 1
    assert proc.stdout == run(*args, "--roles", "officer:1", "-f", "csv").stdout


@pytest.mark.parametrize("case", CASES)
def test_bad_peers_files(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(PEERS_CORPUS / case, tmp_path / case)
    monkeypatch.chdir(tmp_path / case)
    out = tmp_path / "out.csv"
    result = invoke("teams", "--data", str(SMALL), "--peers", "peers.yaml", "-o", str(out))
    expected = (PEERS_CORPUS / case / "expected.txt").read_text()
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", expected)
    assert not out.exists()


def test_a_pool_in_a_spreadsheet_round_trips(tmp_path: Path) -> None:
    csv_file = tmp_path / "pool.csv"
    assert invoke("export-csv", "--peers", EXAMPLE, "--output", str(csv_file)).exit_code == 0
    imported = invoke("import", str(csv_file), "--peers", "--to", str(tmp_path / "pool"))
    assert imported.exit_code == 0, imported.stderr
    assert imported.stderr == f"wrote 12 people to {tmp_path / 'pool' / 'peers.yaml'}\n"
    again = invoke("export-csv", "--peers", str(tmp_path / "pool" / "peers.yaml"))
    assert again.stdout == csv_file.read_text()
    teams = ("teams", "--size", "3", "--roles", "officer:1", "-f", "json", "--peers")
    assert (
        invoke(*teams, str(tmp_path / "pool" / "peers.yaml")).stdout
        == invoke(*teams, EXAMPLE).stdout
    )
    refused = invoke("import", str(csv_file), "--peers", "--to", str(tmp_path / "pool"))
    assert refused.exit_code == 1
    assert refused.stderr.endswith("peers.yaml already exists; add --force to replace it\n")


def test_a_bad_pool_spreadsheet_names_each_cell(tmp_path: Path) -> None:
    csv_file = tmp_path / "pool.csv"
    csv_file.write_text(
        "name,role,home,expertise,evidence_1\n"
        "Ada Fictional,officer,wakefeld,discharge:3,Ran a discharge team.\n"
        "Ben Madeup,member,,dischrge:2,Led a ward.\n"
        "Cara Invented,clinician,,discharge:9,x\n"
    )
    result = invoke("import", str(csv_file), "--peers", "--to", str(tmp_path / "pool"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{csv_file}:2:3: home: unknown system 'wakefeld'; did you mean wakefield?\n"
        f"{csv_file}:3:4: expertise: unknown topic 'dischrge'; did you mean discharge, "
        "length-of-stay or copd?\n"
        f"{csv_file}:4:4: expertise: write TOPIC:LEVEL (1-3); got 'discharge:9'\n"
    )
    assert not (tmp_path / "pool").exists()


def test_a_pool_spreadsheet_is_read_like_a_responses_one(tmp_path: Path) -> None:
    """The hardening of import applies to --peers too: numbers in range, a character the
    data files refuse (a bidi override) found at its cell, a neutralised formula read back
    as written."""
    csv_file = tmp_path / "pool.csv"
    csv_file.write_text(
        "name,role,capacity,expertise,evidence_1\n"
        "Ada Fictional,officer,99999999999999999999999,discharge:3,Ran a team.\n"
        "Ben\u202e Madeup,member,2,discharge:2,Led a ward.\n"
        "'=Cara Invented,member,2,discharge:2,Led a ward.\n"
    )
    result = invoke("import", str(csv_file), "--peers", "--to", str(tmp_path / "pool"))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        f"{csv_file}:2:3: capacity: a number of 23 digits is out of range; "
        "it must be from 0 to 1,000"
    )
    assert lines[1].startswith(f"{csv_file}:3:1: name: ")
    assert "\u202e" not in result.stderr and len(lines) == 2
    csv_file.write_text(
        "name,role,capacity,expertise,evidence_1\n"
        "'=Cara Invented,member,2,discharge:2,Led a ward.\n"
    )
    assert invoke("import", str(csv_file), "--peers", "--to", str(tmp_path / "pool")).exit_code == 0
    assert "name: =Cara Invented" in (tmp_path / "pool" / "peers.yaml").read_text()
