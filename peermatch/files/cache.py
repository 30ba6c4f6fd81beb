"""The validated-data cache: load the checked :class:`Dataset` without parsing YAML or
building pydantic models when the same bytes were checked before.

An entry's key is the BLAKE2b hash of everything that decides the dataset: the cache
format, peermatch's version, the size limit (``PEERMATCH_MAX_BYTES`` changes what passes),
each file's name as shown in messages, and each file's *content* hash. The files are read
and hashed on every run, whatever their timestamps say: any change to their bytes is a
miss, and an unchanged file with a new timestamp is still a hit (hashing a 39 MB file
costs about 0.05 s, so there is nothing worth saving by trusting a stat).

On a miss the files are checked for real (:func:`peermatch.files.loading.load`); the
dataset is stored only if it is valid and the files still hash the same after the load (a
file edited during the load is not cached under the old bytes). Weights are not part of
the key: the dataset does not depend on them, and ``--weights`` files are always read.

The entry format is JSON (see :mod:`peermatch.files.cache_codec`): plain lists, strings
and numbers, checked field by field when read; never pickle. ``docs/performance.md`` says
why JSON rather than msgspec or numpy's ``.npy``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from peermatch.core.dataset import Dataset
from peermatch.core.findings import Finding
from peermatch.core.version import __version__
from peermatch.files import cache_store as store
from peermatch.files.locations import data_paths


@dataclass(frozen=True)
class Loaded:
    """A dataset and what the cache did, in words (``-v`` prints it)."""

    dataset: Dataset
    cache: str
    hit: bool = False


@dataclass(frozen=True)
class Checked:
    """``validate``'s findings, from the files or from the cache, and what the cache did."""

    findings: list[Finding]
    cache: str
    hit: bool = False


@dataclass(frozen=True)
class _Key:
    key: str
    folder: Path
    files: tuple[Path, Path]
    digests: tuple[str, str]


def load_cached(
    data: str | Path | None = None,
    systems: str | Path | None = None,
    challenges: str | Path | None = None,
    *,
    use_cache: bool = True,
) -> Loaded:
    """The checked dataset, from the cache when the files' bytes are those cached before."""
    from_cache, key, why = _lookup(data, systems, challenges, use_cache)
    if from_cache is not None:
        assert key is not None
        from_cache.fingerprint = key.key
        return Loaded(from_cache, f"cache: hit ({_where(key)})", hit=True)
    from peermatch.files.loading import load

    dataset = load(data, systems=systems, challenges=challenges)
    return Loaded(dataset, _store(key, dataset, why))


def check_cached(
    data: str | Path | None = None,
    systems: str | Path | None = None,
    challenges: str | Path | None = None,
    *,
    use_cache: bool = True,
) -> Checked:
    """Every finding in the data (as :func:`~peermatch.files.loading.validate`); when the
    files' bytes are those of a valid dataset cached before, its warnings, checked then."""
    from_cache, key, why = _lookup(data, systems, challenges, use_cache)
    if from_cache is not None:
        findings = sorted(from_cache.warnings, key=_file_order)
        return Checked(
            findings,
            "cache: hit, the same bytes were checked before and were valid "
            f"({_where(key)}); --no-cache checks them again",
            hit=True,
        )
    from peermatch.files.loading import checked

    dataset, findings = checked(data, systems=systems, challenges=challenges)
    if dataset is None:
        if key is None or why.startswith("not used"):
            return Checked(findings, f"cache: {why}")
        return Checked(findings, f"cache: miss ({why}); the data has errors, not stored")
    return Checked(findings, _store(key, dataset, why))


def _file_order(f: Finding) -> tuple[str, int, int, str, str]:
    return (f.file, f.line, f.column, f.code, f.message)


def _where(key: _Key | None) -> str:
    return str(store.entry_path(key.folder, key.key)) if key is not None else ""


def _lookup(
    data: str | Path | None,
    systems: str | Path | None,
    challenges: str | Path | None,
    use_cache: bool,
) -> tuple[Dataset | None, _Key | None, str]:
    """The cached dataset (or ``None``), the entry's key, and why a miss missed."""
    if not use_cache:
        return None, None, "not used (--no-cache)"
    paths = data_paths(data, systems, challenges)
    digests = _digests(paths)
    if digests is None:  # the loader will say what is wrong with the files
        return None, None, "not used: a data file cannot be read whole"
    folder = store.cache_dir()
    key = _Key(_key(paths, digests), folder, paths, digests)
    why = store.private_folder(folder, create=False) if folder.exists() else None
    if why is not None:
        return None, key, f"not used: {why}"
    body = store.read_entry(folder, key.key)
    if body is None:
        return None, key, "no entry for these bytes"
    from peermatch.core.gc_pause import paused_gc
    from peermatch.files.cache_codec import decode_entry

    with paused_gc():  # a million small objects: the collector would revisit them all
        dataset = decode_entry(body)
    if dataset is None or (dataset.systems_file, dataset.challenges_file) != tuple(map(str, paths)):
        return None, key, "the entry did not decode; rebuilt"
    return dataset, key, ""


def _store(key: _Key | None, dataset: Dataset, why: str) -> str:
    """Store ``dataset`` under ``key`` if the files still hold the bytes hashed; say what
    happened."""
    if key is None or why.startswith("not used"):
        return f"cache: {why}"
    if _digests(key.files) != key.digests:
        return f"cache: miss ({why}); a data file changed while it was read, not stored"
    dataset.fingerprint = key.key  # the bytes checked are the bytes hashed
    failed = store.private_folder(key.folder, create=True)
    if failed is None:
        from peermatch.core.gc_pause import paused_gc
        from peermatch.files.cache_codec import encode_entry

        with paused_gc():  # 20,000 profiles: 0.5 s paused, 4 s with the collector running
            body = encode_entry(dataset)
        failed = store.write_entry(key.folder, key.key, body, store.cache_cap())
    if failed is not None:
        return f"cache: miss ({why}); not stored: {failed}"
    return f"cache: miss ({why}); stored {_where(key)}"


def _digests(paths: tuple[Path, Path]) -> tuple[str, str] | None:
    """Each file's content hash, or ``None`` if one cannot be read or is above the limit.

    Read by the one safe reader, so a named pipe or a device is refused before it is opened
    (the load that follows then says why, at the file).
    """
    from peermatch.core.errors import DataError
    from peermatch.files.checked_read import read_bytes

    out = []
    for path in paths:
        try:
            raw = read_bytes(path, str(path))
        except DataError:
            return None
        out.append(store.digest(raw))
    return out[0], out[1]


def _key(paths: tuple[Path, Path], digests: tuple[str, str]) -> str:
    from peermatch.files.checked_read import max_bytes

    parts = [store.FORMAT, __version__, str(max_bytes()), *map(str, paths), *digests]
    return store.digest("\0".join(parts).encode("utf-8", "surrogateescape"))


# --------------------------------------------------------------------------- cache info|clear


@dataclass(frozen=True)
class CacheInfo:
    """What ``peermatch cache info`` reports."""

    folder: Path
    entries: int
    size: int  # bytes
    cap: int  # bytes
    problem: str | None  # why the folder cannot hold the cache, if it cannot

    def as_row(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "entries": self.entries,
            "bytes": self.size,
            "cap": self.cap,
            "usable": self.problem is None,
            "problem": self.problem or "",
        }


def cache_info() -> CacheInfo:
    """The cache folder, its entries and their total size, and the size cap."""
    folder = store.cache_dir()
    found = store.entries(folder)
    problem = store.private_folder(folder, create=False) if folder.exists() else None
    return CacheInfo(folder, len(found), sum(e.size for e in found), store.cache_cap(), problem)


def clear_cache() -> tuple[Path, int]:
    """Remove every entry; the folder and how many entries went."""
    folder = store.cache_dir()
    return folder, store.clear(folder)
