"""Help texts that are true and complete: what each option does, nothing a pip-installed
user cannot follow, and the command list whole."""

from __future__ import annotations

import pytest

from tests.conftest import invoke

WIDE = {"COLUMNS": "200"}


def test_the_command_list_shows_each_first_line_whole() -> None:
    listing = invoke("--help", env={"COLUMNS": "80"}).stdout
    commands = listing.split("Commands:\n", 1)[1]
    assert "..." not in commands
    assert (
        "report The programme drawn as a network, with the topics' supply and demand, the "
        "gaps, and each system's links with the evidence behind them. schema"
    ) in " ".join(commands.split())


def test_explain_usage_names_teacher_and_learner() -> None:
    assert invoke("explain", "--help").stdout.startswith(
        "Usage: peermatch explain [OPTIONS] TEACHER LEARNER\n"
    )


def test_validate_history_says_what_validate_does_with_it() -> None:
    text = " ".join(invoke("validate", "--help", env=WIDE).stdout.split())
    assert "Also check this history.yaml of past links" in text
    assert "repeats" not in text and "lift" not in text


def test_import_challenges_does_not_mention_data() -> None:
    text = invoke("import", "--help", env=WIDE).stdout
    option = " ".join(text.split("--challenges", 1)[1].split("--no-input", 1)[0].split())
    assert option == (
        "<file> The catalogue to read topics against and copy into the folder [default: the "
        "folder's challenges.yaml, else the shipped catalogue]."
    )


def test_plan_help_describes_the_method() -> None:
    text = " ".join(invoke("plan", "--help", env=WIDE).stdout.split())
    assert (
        "A linear programme (a b-matching, whose optimum is whole) solved by HiGHS with column "
        "generation: the exact optimum up to 2,000 profiles, proven within 0.1% of it above"
    ) in text


@pytest.mark.parametrize(
    "command",
    [
        "suggest",
        "explain",
        "systems",
        "challenges",
        "validate",
        "import",
        "export-csv",
        "plan",
        "groups",
        "gaps",
        "report",
        "schema",
    ],
)
def test_no_help_sends_a_user_to_a_readme(command: str) -> None:
    assert "README" not in invoke(command, "--help", env=WIDE).stdout
