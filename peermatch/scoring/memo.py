"""The rows of a large ``suggest``, kept for the next run with the same inputs.

On a large cohort most of a ``suggest`` run is ranking every learner's teachers and
explaining each row (seconds on 20,000 profiles), and most runs repeat the run before with
the same files and options. :class:`Memo` keeps the rows in the data cache's folder
(:mod:`peermatch.files.cache_store`: private, size-capped, entries written whole and read
back only when intact), under a key made of everything the rows depend on:

* the data's own cache key (:attr:`Dataset.fingerprint
  <peermatch.core.dataset.Dataset.fingerprint>`: the files' content hashes and paths, the
  peermatch version), set only by a load that hashed the bytes it checked;
* the code itself: a hash of every module of the ``peermatch`` package, so an edited
  scorer never reads rows an older one wrote, whatever the version number says;
* the weights, the history's adjustments (each lifted pair and factor, each repeat), and
  every option that shapes the rows (``top``, ``min_score``, ``new_only``, ``across``).

Anything else misses: a dataset without a fingerprint (built in code, or cut to some
topics), ``--top 0`` (the rows are unbounded), and more than :data:`MAX_ROWS` rows. An
entry that does not decode to rows of the right shape is a miss, and is rebuilt. Rows are
stored only when the run made all of them: a run stopped half way stores nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from peermatch.core.dataset import Dataset
from peermatch.core.weights import Weights
from peermatch.files import cache_store as store

if TYPE_CHECKING:
    from peermatch.scoring.adjustments import Adjustments
    from peermatch.scoring.match import Match

#: The layout of a stored body; a change of layout changes every key.
FORMAT = "matches-1"
#: Above this many rows (about 250 MB to hold while they are written) nothing is stored.
MAX_ROWS = 1_000_000
_FIELDS = 9  # rank, learner, teacher, score, topics, two_way, related_topics, partner, reason


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class Memo:
    """Keep and reuse ``suggest``'s rows; ``report`` hears hit or miss (``-v``)."""

    report: Callable[[str], None] = _quiet

    def matches(
        self,
        data: Dataset,
        weights: Weights,
        adjustments: Adjustments | None,
        options: tuple[object, ...],
        compute: Callable[[], Iterable[Match]],
    ) -> Iterator[Match]:
        """The rows ``compute`` makes, from the cache when these inputs made them before."""
        if not data.fingerprint:
            self.report("matches: not cached (the data was built in code, or cut to some topics)")
            return iter(compute())
        key = matches_key(data, weights, adjustments, options)
        folder = store.cache_dir()
        problem = store.private_folder(folder, create=False) if folder.exists() else None
        if problem is not None:
            self.report(f"matches: not cached: {problem}")
            return iter(compute())
        body = store.read_entry(folder, key)
        rows = decode(body) if body is not None else None
        if rows is not None:
            self.report(f"matches: hit ({store.entry_path(folder, key)})")
            return iter(rows)
        why = "no entry for these inputs" if body is None else "the entry did not decode"
        return self._made(compute(), folder, key, why)

    def _made(self, rows: Iterable[Match], folder: Path, key: str, why: str) -> Iterator[Match]:
        kept: list[list[object]] | None = []
        for m in rows:
            if kept is not None:
                kept.append(_encode_row(m))
                if len(kept) > MAX_ROWS:
                    kept = None
            yield m
        # only here when every row was made and used: a run stopped early stores nothing
        if kept is None:
            self.report(f"matches: miss ({why}); more than {MAX_ROWS:,} rows, not stored")
            return
        failed = store.private_folder(folder, create=True)
        if failed is None:
            failed = store.write_entry(folder, key, encode_rows(kept), store.cache_cap())
        if failed is not None:
            self.report(f"matches: miss ({why}); not stored: {failed}")
        else:
            self.report(f"matches: miss ({why}); stored {store.entry_path(folder, key)}")


def matches_key(
    data: Dataset, weights: Weights, adjustments: Adjustments | None, options: tuple[object, ...]
) -> str:
    """The key of the rows these inputs make (see the module's docstring)."""
    lifted = sorted(adjustments.factors.items()) if adjustments is not None else None
    repeats = sorted(adjustments.excluded) if adjustments is not None else None
    parts = (FORMAT, data.fingerprint, code_digest(), weights, lifted, repeats, options)
    return store.digest(repr(parts).encode("utf-8", "surrogateescape"))


@cache
def code_digest() -> str:
    """A hash of every module of the installed ``peermatch`` package, by path and bytes."""
    root = Path(__file__).resolve().parent.parent
    parts = []
    for path in sorted(root.rglob("*.py")):
        parts.append(str(path.relative_to(root)).encode())
        parts.append(store.digest(path.read_bytes()).encode())
    return store.digest(b"\0".join(parts))


def _encode_row(m: Match) -> list[object]:
    return [
        m.rank,
        m.learner,
        m.teacher,
        m.score,
        list(m.topics),
        m.two_way,
        list(m.related_topics),
        m.partner,
        m.reason,
    ]


def encode_rows(rows: list[list[object]]) -> bytes:
    """The stored body: ``{"format": ..., "rows": [[field, ...], ...]}`` as UTF-8 JSON
    (floats are written as ``repr`` writes them, so every score reads back to the bit)."""
    doc = {"format": FORMAT, "rows": rows}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def decode(body: bytes) -> list[Match] | None:
    """The rows of a stored body, or ``None`` when it is not one (a miss, never an error)."""
    from peermatch.scoring.match import Match

    try:
        doc = json.loads(body)
    except ValueError:  # also UnicodeDecodeError
        return None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return None
    rows = doc.get("rows")
    if not isinstance(rows, list):
        return None
    out = []
    for row in rows:
        if not _well_formed(row):
            return None
        rank, learner, teacher, score, topics, two_way, related, partner, reason = row
        out.append(
            Match(
                rank,
                learner,
                teacher,
                score,
                tuple(topics),
                two_way,
                tuple(related),
                partner,
                reason,
            )
        )
    return out


def _well_formed(row: object) -> bool:
    if not isinstance(row, list) or len(row) != _FIELDS:
        return False
    rank, learner, teacher, score, topics, two_way, related, partner, reason = row
    return (
        type(rank) is int
        and type(learner) is str
        and type(teacher) is str
        and type(score) is float
        and type(two_way) is bool
        and type(partner) is bool
        and type(reason) is str
        and _strings(topics)
        and _strings(related)
    )


def _strings(values: object) -> bool:
    return isinstance(values, list) and all(type(v) is str for v in values)
