"""The one checked file reader: a data file as text, or one finding saying why not
(missing, a folder, above the size limit, binary, not UTF-8)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from peermatch.core.errors import DataError, PeermatchError
from peermatch.core.findings import Finding

#: Files above this size are refused before parsing (override: env PEERMATCH_MAX_BYTES).
#: 100 MB is about twice a 20,000-profile file with a paragraph of evidence per strength.
DEFAULT_MAX_BYTES = 100_000_000


#: At most one YAML value (scalar, list or mapping) per this many bytes of the size limit:
#: 4,000,000 values at the default. Real profiles use about 40 bytes a value; the budget
#: stops a file of ``[1,1,1,...]`` from taking gigabytes of memory.
BYTES_PER_VALUE = 25


def max_bytes() -> int:
    """The size limit in bytes: env ``PEERMATCH_MAX_BYTES`` or :data:`DEFAULT_MAX_BYTES`."""
    raw = os.environ.get("PEERMATCH_MAX_BYTES")
    if raw is None or not raw.strip():
        return DEFAULT_MAX_BYTES
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        value = -1
    if value < 1:
        raise PeermatchError(
            f"PEERMATCH_MAX_BYTES must be a positive whole number of bytes "
            f"(e.g. 200000000), not {raw!r}"
        )
    return value


def max_values(limit: int | None = None) -> int:
    """How many YAML values a file may hold under the size limit ``limit``."""
    return max(1000, (max_bytes() if limit is None else limit) // BYTES_PER_VALUE)


def read_bytes(
    path: Path, display: str, *, what: str = "YAML", hint: str = "check the path"
) -> bytes:
    """The bytes of a data file, or a :class:`DataError` with one finding naming ``display``.

    The one safe reader: a regular file is read if it is within the size limit; a
    character device (``/dev/zero``) is read at most up to the limit; a named pipe, a socket
    or a terminal is refused before it is opened, so nothing waits for a writer that never
    comes. ``what`` names the kind of file in messages; ``hint`` ends the one for a missing
    file.
    """
    limit = max_bytes()
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise _fail(display, 0, 0, f"is a folder; give the path of a {what} file", "not-a-file")
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise _too_large(display, info.st_size, limit)
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISCHR(info.st_mode)):
            raise _fail(
                display,
                0,
                0,
                f"is {_kind(info.st_mode)}, not a regular file; save the {what} "
                "to a file and give its path",
                "not-a-file",
            )
        # Read at most one byte more than the limit, so that a device that never ends
        # (/dev/zero) is refused, not read forever; non-blocking, so a terminal is not waited on.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as handle:
            if os.isatty(fd):
                raise _fail(display, 0, 0, f"is a terminal, not a {what} file", "not-a-file")
            raw = handle.read(limit + 1) or b""
    except FileNotFoundError:
        raise _fail(display, 0, 0, f"no such file; {hint}", "no-file") from None
    except OSError as exc:
        raise _fail(
            display, 0, 0, f"cannot read the file: {exc.strerror or exc}", "unreadable"
        ) from None
    if len(raw) > limit:
        raise _too_large(display, None, limit)
    return raw


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a file"


def read_text(path: Path, display: str, *, hint: str = "check the path or --data") -> str:
    """Read a YAML file as text: UTF-8 (a BOM is allowed), not binary, not too large.

    Every refusal is a :class:`DataError` with one finding naming ``display``; ``hint`` ends
    the message for a missing file.
    """
    raw = read_bytes(path, display, hint=hint)
    if b"\0" in raw:
        line = raw[: raw.index(b"\0")].count(b"\n") + 1
        raise _fail(display, line, 0, "this is a binary file, not YAML text (a NUL byte)", "binary")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace"))
        bad = raw[exc.start]
        raise _fail(
            display,
            line,
            col + 1,
            f"not valid UTF-8 (byte 0x{bad:02x}); save the file as UTF-8",
            "encoding",
        ) from None


def _too_large(display: str, size: int | None, limit: int) -> DataError:
    size_text = f"{size:,} bytes, above" if size is not None else "larger than"
    return _fail(
        display,
        0,
        0,
        f"the file is {size_text} the limit of {limit:,} bytes; "
        "raise it with the environment variable PEERMATCH_MAX_BYTES",
        "too-large",
    )


def _fail(
    display: str, line: int, col: int, message: str, code: str = "yaml-syntax", path: str = ""
) -> DataError:
    return DataError([Finding(display, line, col, path, code, message)])
