from conftest import SMALL, invoke, run


def test_suggest_small_runs():
    result = invoke("suggest", "--data", str(SMALL), "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("rank,learner,teacher,score,topics,two_way")


def test_subprocess_version():
    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.startswith("peermatch ")
