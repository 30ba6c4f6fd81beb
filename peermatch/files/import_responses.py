"""One organisation, two form responses: a resubmitted form is found by its name (and id,
when given) and reported with its rows, or settled by ``--keep latest|first``, by the
form's Timestamp column when every one reads as a date and time, else by row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from peermatch.core.catalogue import normalise
from peermatch.core.keep import Keep

Row = tuple[int, dict[str, str]]
#: ``report(row, column, message)`` records a finding (an error, or a warning once settled)
Report = Callable[[int, str, str], None]

_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d.%m.%Y %H:%M:%S",
)


def when(text: str) -> datetime | None:
    """A form's timestamp as a date and time (ISO, or day first as in the UK), or None."""
    text = text.strip().removesuffix(" GMT").removesuffix(" UTC").removesuffix(" BST")
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        pass
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def settle(rows: list[Row], keep: Keep | None, error: Report, warn: Report) -> list[Row]:
    """The rows with each organisation once: a second response is an error naming both
    rows, unless ``keep`` says which to keep (the others are dropped with a warning)."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        name = normalise(row[1].get("name", ""))
        if name:
            groups.setdefault((row[1].get("id", ""), name), []).append(row)
    dropped: set[int] = set()
    for group in groups.values():
        if len(group) < 2:
            continue
        numbers = [n for n, _ in group]
        name = group[0][1]["name"]
        shown = ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"
        if keep is None:
            for number in numbers[1:]:
                error(
                    number,
                    "name",
                    f"a second response from '{name}' (rows {shown}): a resubmitted form; "
                    "keep one with --keep latest or --keep first, or delete a row",
                )
                dropped.add(number)
            continue
        kept, how = _choose(group, keep)
        dropped.update(n for n in numbers if n != kept)
        warn(
            kept,
            "name",
            f"'{name}' answered in rows {shown}; kept row {kept} (--keep {keep.value}, {how})",
        )
    return [row for row in rows if row[0] not in dropped]


def _choose(group: list[Row], keep: Keep) -> tuple[int, str]:
    """The row to keep and how it was chosen."""
    stamps = [when(cells.get("timestamp", "")) for _, cells in group]
    if all(s is not None for s in stamps):
        order = sorted(range(len(group)), key=lambda i: (stamps[i], group[i][0]))
        how = "by Timestamp"
    else:
        order = list(range(len(group)))
        how = "by row; no Timestamp to go by"
    pick = order[-1] if keep is Keep.latest else order[0]
    return group[pick][0], how
