"""The cache folder: where it is, entries written whole and read back only when intact, and
the size cap.

An entry is one file, ``<key>.entry``: a header line ``peermatch-cache <format> <digest>
<key>`` and then the body, whose BLAKE2b digest the header holds. A read returns the body
only when the header names this format and this key and the digest matches; anything else
(truncated, corrupt, another version's, renamed) is ``None``, and the caller rebuilds it.
Writes go to a temporary file in the same folder and replace the entry in one
``os.replace``: two processes writing the same entry leave one whole entry. They are not
fsynced (see :func:`write_entry`): after a crash an entry may be torn or empty, and its
checksum then makes it a miss.

Nothing here raises on a folder that is missing, read-only or not private to the user: the
cache is then simply not used, and the reason is returned for ``-v``.
"""

from __future__ import annotations

import os
import stat
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

try:  # the same BLAKE2b as hashlib's, without importing hashlib's OpenSSL (2.5 ms)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the builtin module
    from hashlib import blake2b

from peermatch.core.errors import PeermatchError

#: Bumped whenever an entry's layout changes; older entries then miss and are replaced.
FORMAT = "2"
MAGIC = b"peermatch-cache"
SUFFIX = ".entry"
TEMP_PREFIX = ".tmp-"

#: The cache's size cap in bytes (env ``PEERMATCH_CACHE_MAX_BYTES``): past it, the least
#: recently used entries are dropped. An entry for 20,000 profiles is about 30 MB.
DEFAULT_CAP = 256_000_000

#: A temporary file older than this is a crashed writer's and is removed.
STALE_TEMP_SECONDS = 3600


def digest(data: bytes) -> str:
    """The content hash used for keys and checksums: BLAKE2b, 32 bytes, in hex."""
    return blake2b(data, digest_size=32).hexdigest()


def cache_dir() -> Path:
    """``$PEERMATCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/peermatch``, else ``~/.cache/peermatch``."""
    own = os.environ.get("PEERMATCH_CACHE_DIR", "").strip()
    if own:
        return Path(own).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():  # the XDG spec: a relative path is to be ignored
        return Path(xdg) / "peermatch"
    return Path.home() / ".cache" / "peermatch"


def cache_cap() -> int:
    """The size cap in bytes: env ``PEERMATCH_CACHE_MAX_BYTES`` or :data:`DEFAULT_CAP`."""
    raw = os.environ.get("PEERMATCH_CACHE_MAX_BYTES", "").strip()
    if not raw:
        return DEFAULT_CAP
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        value = -1
    if value < 0:
        raise PeermatchError(
            "PEERMATCH_CACHE_MAX_BYTES must be a whole number of bytes "
            f"(e.g. 500000000; 0 keeps nothing), not {raw!r}"
        )
    return value


def private_folder(folder: Path, *, create: bool) -> str | None:
    """Why ``folder`` cannot hold the cache, or ``None`` when it can.

    With ``create``, a missing folder is made (mode 0700). A folder someone else owns, or
    that others may write to, is not used: its entries could have been written by them.
    """
    if create:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            return f"cannot create {folder}: {exc.strerror or exc}"
    try:
        info = folder.stat()
    except OSError as exc:
        return f"{folder}: {exc.strerror or exc}"
    if not stat.S_ISDIR(info.st_mode):
        return f"{folder} is not a folder"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return f"{folder} belongs to another user"
    if info.st_mode & 0o022:
        return f"{folder} is writable by other users; chmod 700 it to use it"
    return None


def entry_path(folder: Path, key: str) -> Path:
    return folder / f"{key}{SUFFIX}"


def read_entry(folder: Path, key: str) -> bytes | None:
    """The body of ``key``'s entry, or ``None`` when it is missing or not intact."""
    path = entry_path(folder, key)
    try:
        with path.open("rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    end = raw.find(b"\n")
    head = raw[:end].split(b" ") if end > 0 else []
    if len(head) != 4 or head[0] != MAGIC or head[1] != FORMAT.encode():
        return None
    body = raw[end + 1 :]
    if head[3] != key.encode() or head[2] != digest(body).encode():
        return None
    with suppress(OSError):  # used now: the least recently used entries are dropped first
        os.utime(path)
    return body


def write_entry(folder: Path, key: str, body: bytes, cap: int) -> str | None:
    """Write ``key``'s entry whole, then keep the folder under ``cap``; why not, or ``None``."""
    data = b" ".join((MAGIC, FORMAT.encode(), digest(body).encode(), key.encode())) + b"\n"
    data += body
    if len(data) > cap:
        return f"the entry ({len(data):,} bytes) is larger than the cap ({cap:,} bytes)"
    # a name no other writer picks (tempfile would cost more to import than the write)
    tmp = folder / f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(8).hex()}{SUFFIX}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        return f"cannot write in {folder}: {exc.strerror or exc}"
    try:
        # No fsync: it bought no correctness, and cost a first run 1 ms on a quiet disk
        # and about 35 ms on a busy one. The replace is atomic either way (no reader sees
        # a half-written entry), and an entry a crash leaves torn or empty fails its
        # header or checksum on the next read (read_entry), which is then a miss and
        # rebuilt: a cache may lose an entry, never give a wrong one.
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        tmp.replace(entry_path(folder, key))
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        return f"cannot write in {folder}: {exc.strerror or exc}"
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    evict(folder, cap)
    return None


@dataclass(frozen=True)
class Entry:
    path: Path
    size: int
    used_ns: int  # the last time it was written or read (its mtime)


def entries(folder: Path) -> list[Entry]:
    """The folder's entries, least recently used first (ties by name)."""
    found = []
    try:
        with os.scandir(folder) as scan:
            for item in scan:
                if item.name.endswith(SUFFIX) and not item.name.startswith(TEMP_PREFIX):
                    try:
                        info = item.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if stat.S_ISREG(info.st_mode):
                        found.append(Entry(Path(item.path), info.st_size, info.st_mtime_ns))
    except OSError:
        return []
    return sorted(found, key=lambda e: (e.used_ns, e.path.name))


def evict(folder: Path, cap: int) -> list[Path]:
    """Drop the least recently used entries until the folder holds at most ``cap`` bytes;
    remove crashed writers' temporary files too. The paths dropped."""
    import time

    dropped = []
    listed = entries(folder)
    total = sum(e.size for e in listed)
    for entry in listed:
        if total <= cap:
            break
        try:
            entry.path.unlink()
        except OSError:
            continue
        total -= entry.size
        dropped.append(entry.path)
    stale = time.time() - STALE_TEMP_SECONDS
    for tmp in folder.glob(f"{TEMP_PREFIX}*{SUFFIX}"):
        try:
            if tmp.stat().st_mtime < stale:
                tmp.unlink()
        except OSError:
            pass
    return dropped


def clear(folder: Path) -> int:
    """Remove every entry (and temporary file); how many entries were removed.

    Only the cache's own files go: a folder named by ``PEERMATCH_CACHE_DIR`` keeps anything
    else it holds."""
    removed = 0
    for entry in entries(folder):
        try:
            entry.path.unlink()
            removed += 1
        except OSError as exc:
            raise PeermatchError(
                f"cannot remove {entry.path}: {exc.strerror or exc}; check its permissions"
            ) from None
    for tmp in folder.glob(f"{TEMP_PREFIX}*{SUFFIX}"):
        tmp.unlink(missing_ok=True)
    return removed
