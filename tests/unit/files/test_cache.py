"""The validated-data cache, by behaviour: content decides hit or miss; a damaged, foreign or
old entry is a miss and is rebuilt; writers never leave half an entry; an unusable folder
is no cache; the cap drops the least recently used; cached equals uncached."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from cohorts import doc_cohorts, fast_cohorts
from conftest import REPO, SMALL, examples
from hypothesis import given, settings

from peermatch.files import cache_store as store
from peermatch.files.cache import cache_info, check_cached, clear_cache, load_cached
from peermatch.files.cache_codec import decode_entry, encode_entry
from peermatch.files.loading import load, validate


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the small dataset that a test may change."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("systems.yaml", "challenges.yaml"):
        (folder / name).write_bytes((SMALL / name).read_bytes())
    return folder


def only_entry(folder: Path) -> Path:
    (entry,) = store.entries(folder)
    return entry.path


# --------------------------------------------------------------------------- hit and miss


def test_a_second_load_of_the_same_bytes_is_a_hit_equal_to_a_real_load(
    data: Path, private_cache: Path
) -> None:
    first = load_cached(data)
    assert not first.hit and first.cache.startswith("cache: miss (no entry for these bytes)")
    second = load_cached(data)
    assert second.hit and second.cache == f"cache: hit ({only_entry(private_cache)})"
    assert second.dataset == first.dataset == load(data)


def test_different_bytes_with_the_same_size_and_mtime_miss(data: Path) -> None:
    systems = data / "systems.yaml"
    load_cached(data)
    before = systems.stat()
    text = systems.read_text()
    assert "level: 3" in text
    systems.write_text(text.replace("level: 3", "level: 2", 1))  # same size
    os.utime(systems, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = systems.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    again = load_cached(data)
    assert not again.hit and again.dataset == load(data)


def test_the_same_bytes_with_a_new_mtime_hit(data: Path) -> None:
    load_cached(data)
    systems = data / "systems.yaml"
    systems.write_bytes(systems.read_bytes())
    os.utime(systems, ns=(1, 1))
    assert load_cached(data).hit


def test_a_change_to_either_file_or_the_size_limit_misses(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_cached(data)
    with (data / "challenges.yaml").open("a") as handle:
        handle.write("# a comment changes the bytes\n")
    assert not load_cached(data).hit
    assert load_cached(data).hit
    monkeypatch.setenv("PEERMATCH_MAX_BYTES", "50000000")
    assert not load_cached(data).hit


def test_the_same_bytes_under_another_name_are_another_entry(data: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    for name in ("systems.yaml", "challenges.yaml"):
        (other / name).write_bytes((data / name).read_bytes())
    load_cached(data)
    moved = load_cached(other)
    assert not moved.hit  # messages name the files: the names are part of the key
    assert moved.dataset.systems_file == str(other / "systems.yaml")


def test_a_file_changed_while_it_was_loaded_is_not_stored(
    data: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peermatch.files import loading

    real = loading.load

    def load_then_edit(*args: object, **kwargs: object) -> object:
        dataset = real(*args, **kwargs)  # type: ignore[arg-type]
        with (data / "systems.yaml").open("a") as handle:
            handle.write("# edited meanwhile\n")
        return dataset

    monkeypatch.setattr(loading, "load", load_then_edit)
    loaded = load_cached(data)
    assert loaded.cache.endswith("a data file changed while it was read, not stored")
    assert store.entries(private_cache) == []


def test_invalid_data_is_never_cached(data: Path, private_cache: Path) -> None:
    from peermatch.core.errors import DataError

    (data / "systems.yaml").write_text("systems: [{id: Bad Id}]\n")
    for _ in range(2):
        with pytest.raises(DataError):
            load_cached(data)
    assert store.entries(private_cache) == []


# --------------------------------------------------------------------------- damaged entries


def damage(entry: Path, how: str) -> None:
    raw = entry.read_bytes()
    head, body = raw.split(b"\n", 1)
    if how == "flipped":
        middle = len(body) // 2
        raw = head + b"\n" + body[:middle] + bytes([body[middle] ^ 1]) + body[middle + 1 :]
    elif how == "truncated":
        raw = raw[: len(raw) // 2]
    elif how == "empty":
        raw = b""
    elif how == "old-version":
        from peermatch.files.cache_store import FORMAT

        now = f"peermatch-cache {FORMAT} ".encode()
        raw = head.replace(now, b"peermatch-cache 0 ") + b"\n" + body
    elif how == "not-json":  # a right header and checksum around a body that is not JSON
        body = b"\x80not json"
        raw = _header(entry, body) + body
    elif how == "wrong-shape":  # valid JSON, right checksum, fields of the wrong type
        doc = json.loads(body)
        doc["systems"][0][4] = "many"  # population
        body = json.dumps(doc).encode()
        raw = _header(entry, body) + body
    elif how == "unknown-topic":
        doc = json.loads(body)
        doc["systems"][0][10][0][0] = "no-such-topic"
        body = json.dumps(doc).encode()
        raw = _header(entry, body) + body
    elif how == "unknown-partner":
        doc = json.loads(body)
        doc["systems"][0][8] = ["nobody"]
        body = json.dumps(doc).encode()
        raw = _header(entry, body) + body
    elif how == "deep":
        body = b"[" * 100_000 + b"]" * 100_000
        raw = _header(entry, body) + body
    entry.write_bytes(raw)


def _header(entry: Path, body: bytes) -> bytes:
    key = entry.name.removesuffix(store.SUFFIX)
    return f"peermatch-cache {store.FORMAT} {store.digest(body)} {key}\n".encode()


@pytest.mark.parametrize(
    "how",
    [
        "flipped",
        "truncated",
        "empty",
        "old-version",
        "not-json",
        "wrong-shape",
        "unknown-topic",
        "unknown-partner",
        "deep",
    ],
)
def test_a_damaged_entry_is_a_miss_and_is_rebuilt(
    data: Path, private_cache: Path, how: str
) -> None:
    expected = load_cached(data).dataset
    damage(only_entry(private_cache), how)
    rebuilt = load_cached(data)
    assert not rebuilt.hit and rebuilt.dataset == expected
    assert load_cached(data).hit  # the entry was written again, whole


def test_a_foreign_entry_under_this_key_is_a_miss(
    data: Path, tmp_path: Path, private_cache: Path
) -> None:
    """Another dataset's entry, renamed to this key's file name: its header names the
    other key, so it is not read."""
    load_cached(SMALL)
    foreign = only_entry(private_cache)
    load_cached(data)
    mine = next(e.path for e in store.entries(private_cache) if e.path != foreign)
    mine.write_bytes(foreign.read_bytes())
    again = load_cached(data)
    assert not again.hit and again.dataset == load(data)


def test_an_entry_whose_file_names_differ_is_a_miss(data: Path, private_cache: Path) -> None:
    load_cached(data)
    entry = only_entry(private_cache)
    body = entry.read_bytes().split(b"\n", 1)[1]
    doc = json.loads(body)
    doc["systems_file"] = "/elsewhere/systems.yaml"
    body = json.dumps(doc).encode()
    entry.write_bytes(_header(entry, body) + body)
    assert not load_cached(data).hit


# --------------------------------------------------------------------------- writers


WRITER = """
import sys
from pathlib import Path
from peermatch.files import cache_store as store
folder, key, fill = Path(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
for _ in range(40):
    assert store.write_entry(folder, key, fill * 200_000, 10**9) is None
"""


def test_two_processes_writing_one_entry_leave_a_whole_entry(private_cache: Path) -> None:
    private_cache.mkdir(mode=0o700)
    key = store.digest(b"one key")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(private_cache), key, fill], env=env)
        for fill in ("a", "b")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    body = store.read_entry(private_cache, key)
    assert body in (b"a" * 200_000, b"b" * 200_000)
    assert sorted(p.name for p in private_cache.iterdir()) == [f"{key}{store.SUFFIX}"]


def test_a_failed_write_leaves_no_file(
    private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_cache.mkdir(mode=0o700)

    real_fdopen = os.fdopen

    class Full:
        """The entry's temporary file on a full disk: the write fails."""

        def __init__(self, fd: int, mode: str) -> None:
            self.handle = real_fdopen(fd, mode)

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", Full)
    why = store.write_entry(private_cache, store.digest(b"k"), b"body", 10**9)
    assert why is not None and "No space left on device" in why
    assert list(private_cache.iterdir()) == []


# --------------------------------------------------------------------------- the folder


def test_a_missing_folder_is_created_private(data: Path, private_cache: Path) -> None:
    assert not private_cache.exists()
    load_cached(data)
    assert private_cache.stat().st_mode & 0o777 == 0o700
    assert only_entry(private_cache).stat().st_mode & 0o777 == 0o600


def test_a_folder_that_cannot_be_created_is_no_cache(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PEERMATCH_CACHE_DIR", str(blocker / "peermatch"))
    for _ in range(2):
        loaded = load_cached(data)
        assert not loaded.hit and loaded.dataset == load(data)
    assert "not stored: cannot create" in loaded.cache


def test_a_read_only_folder_is_no_cache(
    data: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing fails as on a read-only file system (EROFS: root is refused too)."""
    private_cache.mkdir(mode=0o700)

    real_open = os.open

    def read_only(path: object, flags: int, *args: object) -> int:
        if flags & os.O_CREAT:
            raise OSError(30, "Read-only file system")
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", read_only)
    for _ in range(2):
        loaded = load_cached(data)
        assert not loaded.hit and loaded.dataset == load(data)
    assert loaded.cache.endswith(
        f"not stored: cannot write in {private_cache}: Read-only file system"
    )
    assert list(private_cache.iterdir()) == []


def test_a_read_only_folder_still_serves_its_entries(data: Path, private_cache: Path) -> None:
    load_cached(data)
    private_cache.chmod(0o500)
    try:
        assert load_cached(data).hit
    finally:
        private_cache.chmod(0o700)


def test_a_folder_others_may_write_to_is_not_used(data: Path, private_cache: Path) -> None:
    load_cached(data)
    private_cache.chmod(0o777)
    try:
        loaded = load_cached(data)
        assert not loaded.hit
        assert f"{private_cache} is writable by other users" in loaded.cache
        assert cache_info().problem is not None
    finally:
        private_cache.chmod(0o700)


def test_where_the_folder_is(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PEERMATCH_CACHE_DIR", str(tmp_path / "own"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert store.cache_dir() == tmp_path / "own"
    monkeypatch.delenv("PEERMATCH_CACHE_DIR")
    assert store.cache_dir() == tmp_path / "xdg" / "peermatch"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert store.cache_dir() == tmp_path / "home" / ".cache" / "peermatch"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert store.cache_dir() == tmp_path / "home" / ".cache" / "peermatch"


def test_xdg_cache_home_holds_the_entries(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PEERMATCH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_cached(data)
    assert load_cached(data).hit
    assert len(store.entries(tmp_path / "xdg" / "peermatch")) == 1


# --------------------------------------------------------------------------- the cap


def test_the_cap_drops_the_least_recently_used(
    private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_cache.mkdir(mode=0o700)
    keys = [store.digest(str(i).encode()) for i in range(4)]
    for i, key in enumerate(keys[:3]):
        assert store.write_entry(private_cache, key, b"x" * 1000, 10**9) is None
        os.utime(store.entry_path(private_cache, key), ns=(i * 10**9, i * 10**9))
    assert store.read_entry(private_cache, keys[0]) is not None  # used now: the newest
    size = store.entries(private_cache)[0].size
    assert store.write_entry(private_cache, keys[3], b"x" * 1000, 3 * size) is None
    left = {e.path.name.removesuffix(store.SUFFIX) for e in store.entries(private_cache)}
    assert left == {keys[0], keys[2], keys[3]}  # keys[1] was the least recently used


def test_an_entry_larger_than_the_cap_is_not_stored(
    data: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERMATCH_CACHE_MAX_BYTES", "100")
    loaded = load_cached(data)
    assert "is larger than the cap (100 bytes)" in loaded.cache
    assert store.entries(private_cache) == []


def test_a_bad_cap_is_one_error(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from peermatch.core.errors import PeermatchError

    monkeypatch.setenv("PEERMATCH_CACHE_MAX_BYTES", "lots")
    with pytest.raises(PeermatchError, match="PEERMATCH_CACHE_MAX_BYTES must be a whole number"):
        load_cached(data)


def test_info_and_clear(data: Path, private_cache: Path) -> None:
    assert cache_info().entries == 0
    load_cached(data)
    load_cached(SMALL)
    (private_cache / "keep-me.txt").write_text("not the cache's")
    info = cache_info()
    assert (info.folder, info.entries, info.problem) == (private_cache, 2, None)
    assert info.size == sum(e.size for e in store.entries(private_cache))
    assert clear_cache() == (private_cache, 2)
    assert [p.name for p in private_cache.iterdir()] == ["keep-me.txt"]
    assert not load_cached(data).hit


# --------------------------------------------------------------------------- validate


def test_validate_uses_the_cache_only_for_identical_bytes(data: Path) -> None:
    first = check_cached(data)
    assert not first.hit and first.findings == validate(data)
    second = check_cached(data)
    assert second.hit and second.findings == validate(data)
    assert "the same bytes were checked before and were valid" in second.cache
    with (data / "systems.yaml").open("a") as handle:
        handle.write("bogus: true\n")
    third = check_cached(data)
    assert not third.hit and third.findings == validate(data) and third.findings


def test_validate_keeps_the_warnings_in_file_order(tmp_path: Path) -> None:
    from peermatch.files.locations import shipped_data_dir

    shipped = shipped_data_dir()
    assert check_cached(shipped).findings == check_cached(shipped).findings == validate(shipped)


# --------------------------------------------------------------------------- what a hit costs


def imported_by(code: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def test_a_hit_imports_neither_pydantic_nor_yaml(data: Path) -> None:
    code = (
        "from peermatch.files.cache import load_cached\n"
        f"loaded = load_cached({str(data)!r})\n"
        "assert loaded.hit == HIT, loaded.cache\n"
    )
    miss = imported_by("HIT = False\n" + code)
    assert {"pydantic", "yaml"} <= miss  # the probe sees them when they are imported
    hit = imported_by("HIT = True\n" + code)
    for module in ("pydantic", "yaml", "peermatch.files.models", "peermatch.files.loading"):
        assert module not in hit, module


def test_a_hit_through_the_console_script_imports_neither_pydantic_nor_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console script's main() also keeps typer from building a pydantic validator for
    options left at their defaults (peermatch.cli.app.defaults_without_pydantic): a bare
    ``peermatch suggest`` on the shipped data; and for a value given on the command line,
    such as ``--data DIR`` or ``--top 3``, which typer's own functions coerce
    (peermatch.cli.app._plain_value). Finding the shipped data does not import
    importlib.resources' readers (zipfile, 3 ms)."""
    from peermatch.files.locations import shipped_data_dir

    for n, args in enumerate(
        (["suggest"], ["suggest", "--data", str(shipped_data_dir()), "--top", "3"])
    ):
        monkeypatch.setenv("PEERMATCH_CACHE_DIR", str(tmp_path / f"cache-{n}"))
        code = (
            "from peermatch.__main__ import run\n"
            f"sys.argv = ['peermatch', *{args!r}]\n"
            "try:\n"
            "    run()\n"
            "except SystemExit:\n"
            "    pass\n"
        )
        first = imported_by(code)
        assert {"yaml", "pydantic"} <= first  # the first run parses and checks
        hit = imported_by(code)
        assert "peermatch.scoring.ranking" in hit  # it did run
        for module in (
            "yaml",
            "pydantic",
            "peermatch.files.models",
            "peermatch.files.loading",
            "zipfile",
            "importlib.readers",
        ):
            assert module not in hit, (args, module)


# --------------------------------------------------------------------------- cached == uncached


@settings(max_examples=examples(60))
@given(doc_cohorts())
def test_cached_results_equal_uncached_ones(docs: tuple[dict[str, object], ...]) -> None:
    from peermatch.scoring.ranking import suggest

    systems, challenges = docs
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "systems.yaml").write_text(yaml.safe_dump(systems, sort_keys=False))
        (folder / "challenges.yaml").write_text(yaml.safe_dump(challenges, sort_keys=False))
        uncached = load(folder)
        load_cached(folder)
        cached = load_cached(folder)
        assert cached.hit
        assert cached.dataset == uncached
        assert suggest(cached.dataset, top=0) == suggest(uncached, top=0)


@settings(max_examples=examples(100))
@given(fast_cohorts())
def test_an_entry_decodes_to_the_dataset_encoded(dataset: object) -> None:
    from peermatch.core.dataset import Dataset

    assert isinstance(dataset, Dataset)
    assert decode_entry(encode_entry(dataset)) == dataset


def test_the_codec_covers_every_field() -> None:
    """An entry holds every field of the dataset's types: a field added to one of them must
    be encoded and decoded in peermatch/files/cache_codec.py (and cache_store.FORMAT
    bumped, so older entries miss) before it is added to the lists below; otherwise a hit
    would return a dataset without it."""
    from dataclasses import fields

    from peermatch.core.catalogue import Catalogue, Topic
    from peermatch.core.dataset import Dataset, NeedEntry, Profile, StrengthEntry
    from peermatch.core.findings import Finding

    def names(kind: type) -> list[str]:
        return [f.name for f in fields(kind)]

    assert names(Dataset) == [
        "systems",
        "catalogue",
        "systems_file",
        "challenges_file",
        "warnings",
        "file_order",
        "by_id",
        "fingerprint",
    ]  # by_id is rebuilt from systems; fingerprint is the entry's key, set by load_cached
    # _lookup is rebuilt from topics; _resolver and _exact are caches built on first use
    assert names(Catalogue) == ["topics", "_lookup", "_resolver", "_exact"]
    assert names(Topic) == ["id", "name", "area", "aliases", "related", "description"]
    assert names(Profile) == [
        "id",
        "name",
        "kind",
        "country",
        "population",
        "tags",
        "teach_capacity",
        "learn_capacity",
        "partners",
        "exclude",
        "strengths",
        "needs",
        "part_of",
    ]
    assert names(StrengthEntry) == ["topic", "level", "evidence", "source"]
    assert names(NeedEntry) == ["topic", "priority", "note", "source"]
    assert names(Finding) == ["file", "line", "column", "path", "code", "message", "severity"]
