"""Cold start: the quick paths never import what they do not need.

Timings belong in benchmarks/run.py; these tests pin the cause instead — which modules a
command imports — so a top-level import added anywhere in the CLI shows up at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, SMALL

HEAVY = ("numpy", "scipy", "rapidfuzz")


def python_c(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -c code args...`` from the checkout, in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PEERMATCH_DATA", None)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def imported_by(code: str) -> set[str]:
    """The top-level modules (and peermatch's own) that ``code`` leaves imported."""
    probe = (
        "import sys\n"
        f"{code}\n"
        "names = sorted(sys.modules)\n"
        "import json\n"
        "print(json.dumps(names), file=sys.__stderr__)\n"
    )
    proc = python_c(probe)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def run_cli(*args: str) -> str:
    return (
        "from peermatch.cli import app\n"
        "try:\n"
        f"    app({list(args)!r}, prog_name='peermatch')\n"
        "except SystemExit:\n"
        "    pass\n"
    )


def test_help_and_version_skip_the_library() -> None:
    for args in (["--version"], ["--help"]):
        names = imported_by(run_cli(*args))
        for module in (
            *HEAVY,
            "pydantic",
            "peermatch.files.loading",
            "peermatch.scoring.ranking",
            "rich",
            "json",
        ):
            assert module not in names, (args, module)


def test_command_help_skips_the_library() -> None:
    # typer itself validates a command's options with pydantic, so only ours are checked
    names = imported_by(run_cli("suggest", "--help"))
    for module in (*HEAVY, "peermatch.files.loading", "peermatch.scoring.ranking"):
        assert module not in names, module


def test_suggest_on_a_small_cohort_skips_numpy_scipy_rapidfuzz() -> None:
    names = imported_by(run_cli("suggest", "--data", str(SMALL), "--format", "csv"))
    assert "peermatch.scoring.ranking" in names  # it did run
    # json is the data cache's format (peermatch.files.cache_codec): it is imported now
    for module in (*HEAVY, "peermatch.scoring.matrix", "rich.progress"):
        assert module not in names, module


def test_import_peermatch_is_lazy_but_complete() -> None:
    names = imported_by("import peermatch")
    assert "pydantic" not in names
    import peermatch

    for name in peermatch.__all__:
        assert getattr(peermatch, name) is not None
    assert set(peermatch.__all__) <= set(dir(peermatch))


def test_default_weights_are_the_validated_defaults() -> None:
    from peermatch.core.weights import DEFAULT_WEIGHTS, Weights

    assert Weights() == DEFAULT_WEIGHTS
    assert Weights.model_validate({}) == DEFAULT_WEIGHTS
    assert Weights.model_validate({"context": {}, "priority": {}}) == DEFAULT_WEIGHTS
    assert hash(DEFAULT_WEIGHTS) == hash(Weights())


def test_the_console_script_builds_only_the_command_that_runs() -> None:
    """main() registers just the command named first (typer builds every registered one on
    each start); help, errors and output must not change. Both run as real processes: the
    console script's main() and the whole app."""
    from peermatch.cli import app

    def process(entry: str, args: list[str]) -> tuple[int, str, str]:
        env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "100", "NO_COLOR": "1"}
        env.pop("PEERMATCH_DATA", None)
        code = f"import sys\nfrom peermatch.cli import {entry}\n"
        code += "main()" if entry == "main" else "app(prog_name='peermatch')"
        proc = subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
            timeout=60,
            check=False,
        )
        return proc.returncode, proc.stdout, proc.stderr

    names = [info.name or info.callback.__name__ for info in app.registered_commands]
    assert len(names) >= 10
    cases = [[name.replace("_", "-"), "--help"] for name in names] + [
        ["suggest", "--data", str(SMALL), "--top", "1"],
        ["suggest", "--bogus"],
        ["plan", "--ring-size"],
        ["explain", "--data", str(SMALL), "nobody", "else"],
        ["suggestt"],
        ["suggest", "--top", "abc"],  # values from the command line: typer's own coercion
        ["suggest", "-f", "JSON", "--top", "1", "--min-score", "0"],
        ["cache", "wipe"],
        ["-q", "validate", "--data", str(SMALL)],
        [],
    ]
    # some forty processes, run side by side: each pair is compared as before
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        mains = list(pool.map(lambda args: process("main", args), cases))
        apps = list(pool.map(lambda args: process("app", args), cases))
    for args, by_main, by_app in zip(cases, mains, apps, strict=True):
        assert by_main == by_app, args
    probe = (
        "import sys\nfrom peermatch.cli.app import app, only_the_command\n"
        "only_the_command(['suggest', '--top', '1'])\n"
        "print(len(app.registered_commands), file=sys.__stderr__)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert proc.stderr.strip().splitlines()[-1] == "1"


def test_who_answers_an_exact_topic_without_numpy_and_free_text_without_scipy() -> None:
    topics = str(REPO / "tests" / "data" / "valid" / "topics")
    exact = imported_by(run_cli("who", "DTOC", "--data", topics, "--format", "csv"))
    assert "peermatch.analysis.who" in exact  # it did run
    for module in (*HEAVY, "peermatch.core.resolve"):
        assert module not in exact, module
    meant = imported_by(run_cli("who", "bed blocking", "--data", topics, "--format", "csv"))
    assert "peermatch.core.resolve" in meant
    for module in ("scipy", "rapidfuzz", "peermatch.scoring.matrix"):
        assert module not in meant, module


def test_validate_with_a_warm_cache_and_a_path_option_skips_pydantic(tmp_path: Path) -> None:
    """``--data DIR`` is coerced by typer's own path check, not a pydantic TypeAdapter
    (cli.app._plain_value); a warm ``validate`` then needs no pydantic at all."""
    cache = tmp_path / "cache"
    code = (
        f"import os\nos.environ['PEERMATCH_CACHE_DIR'] = {str(cache)!r}\n"
        "import sys\n"
        f"sys.argv = ['peermatch', 'validate', '--data', {str(SMALL)!r}]\n"
        "from peermatch.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )
    imported_by(code)  # fills the cache
    names = imported_by(code)
    assert "peermatch.files.checking" in names  # it did run
    for module in (*HEAVY, "pydantic", "yaml", "rich", "peermatch.files.loading"):
        assert module not in names, module


def _outcome(
    coerce: Callable[..., object], *args: object, **kwargs: object
) -> tuple[str, object, type]:
    try:
        value = coerce(*args, **kwargs)
    except Exception as exc:  # typer's BadParameter: the same message either way
        return "error", str(exc), type(exc)
    return "ok", value, type(value)


def test_values_taken_without_the_adapter_are_those_typer_makes() -> None:
    """For every option and argument of every command, each value that _plain_value takes
    without typer's pydantic adapter comes out exactly as through the adapter (or fails
    with the same message)."""
    import typer

    coercion = pytest.importorskip("typer._coercion")
    from peermatch.cli import app
    from peermatch.cli.app import _ADAPTER, _plain_value

    values = ["", "5", "007", "1000", "1001", "-1", "+5", " 5", "5_0", "٣", "x", "json",
              "JSON", "csv", "a b", str(SMALL), str(SMALL / "systems.yaml"), "~/nowhere", "-",
              "9" * 18, "9" * 19]  # fmt: skip
    group = typer.main.get_command(app)
    commands = list(group.commands.values())  # type: ignore[attr-defined]
    taken = kinds = 0
    for command in commands:
        commands.extend(getattr(command, "commands", {}).values())
        ctx = typer.Context(command)
        for param in command.params:
            descriptor = getattr(param, "type_descriptor", None)
            if descriptor is None:
                continue
            real = coercion.build_runtime_param(descriptor)
            took = False
            for value in values:
                plain = _outcome(_plain_value, value, descriptor, param, ctx)
                if plain[1] is _ADAPTER:
                    continue
                took = True
                expected = _outcome(real.coerce, value, param=param, ctx=ctx)
                assert plain == expected, (command.name, param.name, value)
                taken += 1
            kinds += took
    assert taken > 1000 and kinds > 80, (taken, kinds)


GC_PROBE = """
import gc, sys
collections = []
gc.callbacks.append(lambda phase, info: phase == "stop" and collections.append(info))
import peermatch.cli.loaders as loaders
real = loaders.load_cached
def spy(*args, **kwargs):
    loaded = real(*args, **kwargs)
    print("while loading:", len(collections), gc.isenabled(), file=sys.__stderr__)
    return loaded
loaders.load_cached = spy
sys.argv = ["peermatch", *sys.argv[1:]]
from peermatch.__main__ import run
collections.clear()  # the probe's own imports above ran with the collector on
try:
    run()
except SystemExit:
    pass
print("after:", gc.isenabled(), gc.get_freeze_count() > 0, file=sys.__stderr__)
"""


def test_start_up_runs_without_the_cyclic_collector_until_the_data_is_loaded() -> None:
    """The console script pauses the collector before it imports the command line and
    resumes it, with what start-up built frozen, once the data is loaded; what is alive at
    the end is frozen too (cli.app.main)."""
    proc = python_c(GC_PROBE, "suggest", "--data", str(SMALL), "--top", "1")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[-2:] == ["while loading: 0 False", "after: True True"], proc.stderr
    assert "learner" in proc.stdout  # it did run
    # validate loads no dataset: paused to the end, and all frozen then, so that the
    # collection at exit walks nothing
    proc = python_c(GC_PROBE, "validate", "--data", str(SMALL), "--no-cache")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "after: False True", proc.stderr
    assert "no problems found" in proc.stdout


def test_the_collector_is_left_alone_outside_the_console_script() -> None:
    """Library callers and in-process runs (CliRunner) keep their collector as it is."""
    import gc

    from conftest import invoke

    frozen = gc.get_freeze_count()
    assert gc.isenabled()
    result = invoke("suggest", "--data", str(SMALL), "--top", "1")
    assert result.exit_code == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_validate_of_a_clean_file_skips_the_scoring_code_and_the_fuzzy_matcher() -> None:
    """A verdict in words needs neither the listings (and through them the scoring code)
    nor rapidfuzz, numpy or rich: nothing is misspelt, nothing is drawn."""
    names = imported_by(run_cli("validate", "--data", str(SMALL), "--no-cache"))
    assert "peermatch.files.checking" in names and "pydantic" in names  # it did check
    for module in (*HEAVY, "rich", "peermatch.scoring", "peermatch.present.listings"):
        assert module not in names, module


def test_a_first_run_builds_only_the_models_of_the_files_it_reads(tmp_path: Path) -> None:
    """The data files' models are built when a file of their kind is first checked
    (defer_build): a first suggest builds the systems' and challenges' models, never the
    peer pool's."""
    code = (
        f"import os\nos.environ['PEERMATCH_CACHE_DIR'] = {str(tmp_path / 'cache')!r}\n"
        "import sys\n"
        f"sys.argv = ['peermatch', 'suggest', '--data', {str(SMALL)!r}]\n"
        "from peermatch.__main__ import run\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "from peermatch.files import models\n"
        "built = [m.__name__ for m in (models.SystemsFile, models.ChallengesFile,"
        " models.PeersFile) if m.__pydantic_complete__]\n"
        "print(built, file=sys.__stderr__)\n"
    )
    proc = python_c(code)
    assert proc.stderr.strip().splitlines()[-1] == "['SystemsFile', 'ChallengesFile']"
