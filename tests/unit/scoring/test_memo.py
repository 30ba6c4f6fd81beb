"""The rows of a large ``suggest`` kept for the next run: the same rows from the cache as
made afresh, and a miss whenever anything they depend on changes; a damaged, foreign or
half-made entry is never read back."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from peermatch.core.weights import DEFAULT_WEIGHTS
from peermatch.files import cache_store as store
from peermatch.files.cache import load_cached
from peermatch.scoring import memo as memo_module
from peermatch.scoring.adjustments import Adjustments
from peermatch.scoring.match import Match
from peermatch.scoring.memo import Memo, decode, encode_rows, matches_key
from peermatch.scoring.ranking import FAST_FROM, iter_suggest, suggest


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmarks.generate import generate

    return generate(tmp_path_factory.mktemp("cohort"), profiles=FAST_FROM + 20, topics=40, seed=5)


class Heard:
    """A Memo's reports, kept."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def __call__(self, message: str) -> None:
        self.said.append(message)


def rows(folder: Path, heard: Heard | None = None, **options: object) -> list[Match]:
    data = load_cached(folder).dataset
    memo = Memo(heard) if heard is not None else Memo()
    return list(iter_suggest(data, memo=memo, **options))  # type: ignore[arg-type]


def test_the_second_run_reads_the_rows_the_first_made(cohort: Path, private_cache: Path) -> None:
    fresh = list(iter_suggest(load_cached(cohort, use_cache=False).dataset, top=3))
    first, second = Heard(), Heard()
    assert rows(cohort, first, top=3) == fresh
    assert first.said[0].startswith("matches: miss (no entry for these inputs); stored ")
    assert rows(cohort, second, top=3) == fresh
    assert second.said == [f"matches: hit ({first.said[0].split('stored ')[1]})"]
    # and suggest's list reads the same entry
    third = Heard()
    data = load_cached(cohort).dataset
    assert suggest(data, top=3, memo=Memo(third)) == fresh
    assert third.said == second.said


@pytest.mark.parametrize(
    "changed",
    [
        {"top": 2},
        {"min_score": 30.0},
        {"new_only": True},
        {"across": True},
        {"weights": dataclasses.replace(DEFAULT_WEIGHTS, related_factor=0.25)},
    ],
)
def test_any_option_or_weight_that_shapes_the_rows_misses(
    cohort: Path, private_cache: Path, changed: dict[str, object]
) -> None:
    rows(cohort, top=3)
    heard = Heard()
    got = rows(cohort, heard, **{"top": 3, **changed})
    assert heard.said[0].startswith("matches: miss (no entry for these inputs)")
    assert got == list(
        iter_suggest(load_cached(cohort, use_cache=False).dataset, **{"top": 3, **changed})  # type: ignore[arg-type]
    )


def test_a_change_to_the_data_misses(cohort: Path, tmp_path: Path, private_cache: Path) -> None:
    import shutil

    copy = Path(shutil.copytree(cohort, tmp_path / "copy"))
    rows(copy, top=2)
    systems = copy / "systems.yaml"
    text = systems.read_text(encoding="utf-8")
    changed = text.replace("priority: 3", "priority: 1", 1)
    assert changed != text
    systems.write_text(changed, encoding="utf-8")
    heard = Heard()
    got = rows(copy, heard, top=2)
    assert heard.said[0].startswith("matches: miss (no entry for these inputs)")
    assert got == list(iter_suggest(load_cached(copy, use_cache=False).dataset, top=2))


def test_the_history_is_part_of_the_key(cohort: Path) -> None:
    data = load_cached(cohort).dataset
    a, b = data.systems[0].id, data.systems[1].id
    plain = matches_key(data, DEFAULT_WEIGHTS, None, ("suggest", 3))
    none = Adjustments(year=2026, window=2)
    lifted = Adjustments(year=2026, window=2, factors={(a, b): 1.125})
    repeat = Adjustments(year=2026, window=2, excluded={(a, b): ()})
    keys = {
        plain,
        *(matches_key(data, DEFAULT_WEIGHTS, h, ("suggest", 3)) for h in (lifted, repeat)),
    }
    assert len(keys) == 3
    # an empty history changes no row: the same key as none at all is not required, but
    # two empty histories agree
    assert matches_key(data, DEFAULT_WEIGHTS, none, ("x",)) == matches_key(
        data, DEFAULT_WEIGHTS, Adjustments(year=2027, window=3), ("x",)
    )


def test_new_code_misses(
    cohort: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows(cohort, top=3)
    monkeypatch.setattr(memo_module, "code_digest", lambda: "an edited scorer")
    heard = Heard()
    rows(cohort, heard, top=3)
    assert heard.said[0].startswith("matches: miss (no entry for these inputs)")


def test_code_digest_covers_every_module() -> None:
    root = Path(memo_module.__file__).resolve().parent.parent
    modules = list(root.rglob("*.py"))
    assert len(modules) > 50 and memo_module.code_digest() == memo_module.code_digest()


def _only_entry(folder: Path, key: str) -> Path:
    return store.entry_path(folder, key)


def test_a_damaged_entry_is_rebuilt(cohort: Path, private_cache: Path) -> None:
    fresh = rows(cohort, top=3)
    data = load_cached(cohort).dataset
    key = matches_key(data, DEFAULT_WEIGHTS, None, ("suggest", 3, 0.0, False, False))
    path = _only_entry(private_cache, key)
    raw = bytearray(path.read_bytes())
    raw[-10] ^= 0x20
    path.write_bytes(bytes(raw))
    heard = Heard()
    assert rows(cohort, heard, top=3) == fresh
    assert heard.said[0].startswith("matches: miss (no entry for these inputs); stored ")
    assert rows(cohort, Heard(), top=3) == fresh


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"format": "matches-0", "rows": []}',
        b'{"format": "matches-1", "rows": {}}',
        b'{"format": "matches-1", "rows": [[1, "a", "b", 50, [], true, [], false, ""]]}',
        b'{"format": "matches-1", "rows": [[1, "a", "b", 50.0, ["x", 2], true, [], false, ""]]}',
        b'{"format": "matches-1", "rows": [[1, "a", "b", 50.0, [], true, [], false]]}',
        b"\xff\xfe",
    ],
)
def test_an_intact_entry_that_is_not_rows_is_a_miss(
    cohort: Path, private_cache: Path, body: bytes
) -> None:
    assert decode(body) is None
    data = load_cached(cohort).dataset
    key = matches_key(data, DEFAULT_WEIGHTS, None, ("suggest", 3, 0.0, False, False))
    assert store.write_entry(private_cache, key, body, store.cache_cap()) is None
    heard = Heard()
    got = rows(cohort, heard, top=3)
    assert heard.said[0].startswith("matches: miss (the entry did not decode); stored ")
    assert got == list(iter_suggest(load_cached(cohort, use_cache=False).dataset, top=3))


def test_rows_read_back_to_the_bit() -> None:
    match = Match(2, "a", "b", 0.1 + 0.2, ("t", "u"), True, ("v<-w",), False, "r; é")
    row = [2, "a", "b", 0.1 + 0.2, ["t", "u"], True, ["v<-w"], False, "r; é"]
    assert decode(encode_rows([row])) == [match]


def test_a_run_stopped_half_way_stores_nothing(cohort: Path, private_cache: Path) -> None:
    data = load_cached(cohort).dataset
    before = {e.path for e in store.entries(private_cache)}
    stream: Iterator[Match] = iter_suggest(data, top=3, memo=Memo())
    next(stream)
    stream.close()  # type: ignore[attr-defined]
    assert {e.path for e in store.entries(private_cache)} == before


def test_not_kept_without_a_fingerprint_or_bound(cohort: Path, private_cache: Path) -> None:
    data = load_cached(cohort).dataset
    assert data.fingerprint
    cut = data.with_needs_only([data.systems[0].id])
    assert cut.fingerprint == ""
    heard = Heard()
    list(iter_suggest(dataclasses.replace(data, fingerprint=""), top=3, memo=Memo(heard)))
    assert heard.said == ["matches: not cached (the data was built in code, or cut to some topics)"]
    silent = Heard()  # --top 0: unbounded rows are never kept, and nothing is said
    list(iter_suggest(data, top=0, memo=Memo(silent)))
    assert silent.said == []


def test_no_fingerprint_without_the_cache(cohort: Path) -> None:
    assert load_cached(cohort, use_cache=False).dataset.fingerprint == ""
    miss, hit = load_cached(cohort), load_cached(cohort)
    assert miss.dataset.fingerprint == hit.dataset.fingerprint != ""


def test_too_many_rows_are_not_stored(
    cohort: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memo_module, "MAX_ROWS", 10)
    heard = Heard()
    got = rows(cohort, heard, top=3)
    assert len(got) > 10
    assert heard.said == [
        "matches: miss (no entry for these inputs); more than 10 rows, not stored"
    ]


def test_a_cache_folder_that_cannot_be_made_means_no_memo(
    cohort: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = load_cached(cohort).dataset
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("PEERMATCH_CACHE_DIR", str(blocker / "peermatch"))  # even root fails
    heard = Heard()
    got = list(iter_suggest(data, top=3, memo=Memo(heard)))
    assert got == list(iter_suggest(data, top=3))
    assert heard.said[0].startswith("matches: miss (no entry for these inputs); not stored: ")
