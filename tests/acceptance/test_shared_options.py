"""The options commands share come from one place (``@shares``), in one order, after theirs."""

from __future__ import annotations

import pytest
import typer
from conftest import SMALL, invoke

from peermatch.cli import app
from peermatch.cli.options import GROUPS, Shared, shares

SHARED = [p.name for params in GROUPS.values() for p in params]


def command_params() -> dict[str, list[str]]:
    group = typer.main.get_command(app)
    return {
        name: [p.name or "" for p in cmd.params if p.name != "help"]
        for name, cmd in group.commands.items()  # type: ignore[attr-defined]
    }


def test_shared_options_come_last_in_the_one_order() -> None:
    for name, params in command_params().items():
        tail: list[str] = []
        for param in reversed(params):
            if param not in SHARED:
                break
            tail.insert(0, param)
        assert tail == sorted(tail, key=SHARED.index), name
        assert name == "import" or "output" in tail, name


def test_a_command_without_shared_is_refused() -> None:
    with pytest.raises(TypeError, match="needs a parameter 'shared: Shared'"):

        @shares("data")
        def broken(top: int = 3) -> None:  # pragma: no cover
            pass


def test_an_unknown_group_is_refused() -> None:
    with pytest.raises(ValueError, match="no such option group"):
        shares("colour")  # type: ignore[arg-type]


def test_options_a_command_does_not_take_keep_their_defaults() -> None:
    seen: list[Shared] = []

    @shares("data")
    def probe(*, shared: Shared) -> None:
        seen.append(shared)

    probe(data=None, systems=None, challenges=None)
    (shared,) = seen
    assert shared.window == 2 and shared.fmt.value == "table" and shared.output is None


@pytest.mark.parametrize(
    ("name", "first_line"),
    [
        ("out.csv", "id,name,kind,part_of,country,population,tags,strengths,challenges,partners"),
        ("out.JSON", "{"),
        ("out.md", "| id | name | kind | part_of | country | population | tags | strengths "),
        ("out.txt", "id     name       kind  country  strengths           challenges"),
    ],
)
def test_output_infers_the_format_from_its_extension(tmp_path, name, first_line) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / name
    result = invoke("systems", "--data", str(SMALL), "--output", str(out))
    assert (result.exit_code, result.stdout) == (0, "")
    assert out.read_text().splitlines()[0].startswith(first_line.rstrip())


def test_format_wins_over_the_extension(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.md"
    assert invoke("systems", "--data", str(SMALL), "-f", "csv", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("id,name,kind,")


@pytest.mark.parametrize("args", [["systems", "-f", "json"], ["schema", "systems"]])
def test_output_dash_is_stdout(tmp_path, monkeypatch, args) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    to_stdout = invoke(
        *args, "--output", "-", *(["--data", str(SMALL)] if args[0] != "schema" else [])
    )
    plain = invoke(*args, *(["--data", str(SMALL)] if args[0] != "schema" else []))
    assert to_stdout.exit_code == 0 and to_stdout.stdout == plain.stdout != ""
    assert list(tmp_path.iterdir()) == []
