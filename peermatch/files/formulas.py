"""Spreadsheet formulas: the one rule for which cell text a spreadsheet could run, used by
the CSV writer (:func:`peermatch.present.listing.neutralise` marks it with a ``'``) and by
``import`` (:func:`unneutralise` removes the mark again), so that ``export-csv | import``
gives back the text exactly. It imports nothing: the CLI reads it at start-up."""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Blanks a spreadsheet may trim before it reads a formula (space, no-break and the others).
_BLANKS = " \u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u3000"


#: Every first character of a cell that :func:`formula_like` must look at further: a cell
#: starting with anything else is taken as it is (the CSV writer's fast path).
FORMULA_FIRST = frozenset(_BLANKS + "'" + "".join(_FORMULA_START))


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula: it starts with ``= + - @``,
    a tab or a carriage return, after any blanks (a spreadsheet that trims spaces still
    evaluates ``" =1+1"``); or it is itself a marked cell (``'=x``), so that marking it
    again keeps the round trip exact."""
    if not text or text[0] not in FORMULA_FIRST:
        return False  # the common case, decided by one character
    if text.lstrip(_BLANKS).startswith(_FORMULA_START):
        return True
    return text.startswith("'") and formula_like(text[1:])


def neutralise(text: str) -> str:
    """A leading ``'`` on a cell :func:`formula_like` (OWASP's CSV injection advice)."""
    return "'" + text if formula_like(text) else text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise`: ``'=x`` -> ``=x``, ``' =x`` -> `` =x``, ``''=x`` -> ``'=x``;
    a cell it would not have marked stays as it is."""
    if text.startswith("'") and formula_like(text[1:]):
        return text[1:]
    return text
