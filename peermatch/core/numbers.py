"""Every number a user can give, with its range, and the one parser of whole numbers.

Python refuses some numbers itself (an integer of more than 4,300 digits, a float of
``1e400`` that becomes infinity), and a solver refuses others (a capacity beyond a C long).
Every number peermatch reads, from a data file, a spreadsheet, a plan's JSON or the
command line, has a range here, and anything outside it is one clear error. Like
:mod:`peermatch.core.defaults`, this module imports nothing, so the CLI's options can read
it at start-up.
"""

from __future__ import annotations

#: No number peermatch reads needs more digits than this; longer ones are refused before
#: Python converts them.
MAX_DIGITS = 20

#: People a system serves (the world's population is about 8 billion).
POPULATION = (0, 10_000_000_000)
#: Links a system takes in a plan as teacher or learner (profile or ``--teach``/``--learn``).
CAPACITY = (0, 1000)
#: A year in a history file, ``--year``.
YEAR = (1900, 2200)
#: A score: a percentage of a learner's weighted needs.
SCORE = (0, 100)
#: Teachers per learner (``--top``), members per group (``--size``), groups per system.
COUNT = (0, 1_000_000)
#: Rounds planned jointly (``--rounds``): each round multiplies the plan's links.
ROUNDS = (1, 100)
#: Seconds a solver may take (``--time-limit``): a week at most.
SECONDS = (0.1, 604_800.0)


class NumberError(ValueError):
    """A number outside its range, or too long to be one; the message says which."""


def too_long(digits: str) -> bool:
    """Whether ``digits`` (a number's text) has more digits than :data:`MAX_DIGITS`."""
    return sum(ch.isdigit() for ch in digits) > MAX_DIGITS


def whole_number(text: str, bounds: tuple[int, int]) -> int:
    """The whole number ``text`` (ASCII digits, an optional sign) within ``bounds``.

    Raises :class:`NumberError` with a message that names the range.
    """
    low, high = bounds
    body = text.strip()
    unsigned = body[1:] if body[:1] in "+-" else body
    if not unsigned.isascii() or not unsigned.isdigit():
        raise NumberError(f"must be a whole number from {low:,} to {high:,}; got '{text[:40]}'")
    if too_long(unsigned):
        raise NumberError(
            f"a number of {len(unsigned):,} digits is out of range; "
            f"it must be from {low:,} to {high:,}"
        )
    value = int(body)
    if not low <= value <= high:
        raise NumberError(f"must be from {low:,} to {high:,}; got {value:,}")
    return value
