"""From a spreadsheet of form responses to ``systems.yaml``, and back again.

A programme lead collects profiles with a form whose answers land in a spreadsheet, one
row per system. :func:`read_responses` turns that CSV into profiles; :func:`export_listing`
writes loaded profiles in the same layout, so a round trip gives the same profiles.

The layout (header names are matched ignoring case, spaces and hyphens; column order is
free; common form wordings such as "Organisation name" are understood (see
``import_cells.HEADER_SYNONYMS``); a form's ``Timestamp`` settles ``--keep``; other
columns are ignored with a note):

==================  ========  =====================================================
column              required  what goes in it
==================  ========  =====================================================
``id``              no        a slug; left empty, it is made from the name
``name``            yes       the system's name
``kind``            yes       ics, trust, provider-collaborative, place, pcn, council,
                              national-body, international, partnership, vcse (or e.g.
                              "Integrated care system", "NHS trust", "Local authority")
``part_of``         no        the id or name of the row this system is a unit of
``country``         no        e.g. England
``population``      no        a whole number; ``1,200,000``, ``310k`` and ``1.2m`` are fine
``tags``            no        context tags, ``;`` or ``,`` between them
``capacity_teach``  no        most links as a teacher in a plan
``capacity_learn``  no        most links as a learner in a plan
``partners``        no        ids or names of other rows, ``;`` between them
``exclude``         no        ids or names of other rows never to pair with
``strengths``       yes       ``topic:level`` items, ``;`` between them; level 1-3 or
                              emerging / established / exemplar
``challenges``      yes       ``topic:priority`` items; priority 1-3 or low / medium /
                              high (2 when left out)
``evidence_N``      no        evidence for the N-th item of ``strengths``
``source_N``        no        where that evidence comes from
``note_N``          no        a note on the N-th item of ``challenges``
``need_source_N``   no        where the N-th item of ``challenges`` is stated
==================  ========  =====================================================

A topic is a catalogue id, alias or name, in any case. Anything else is free text, read
against the catalogue with rapidfuzz: a clear, close match is taken (and reported); a weak
or ambiguous one is a *question* for the ``decide`` callback (the CLI asks on a terminal),
and without one it is an error naming the row and column. Rows are numbered as in a
spreadsheet: the header is row 1.
"""

from __future__ import annotations

from pathlib import Path

from peermatch.core.catalogue import Catalogue
from peermatch.core.keep import Keep
from peermatch.files.import_cells import (
    read_csv,
)
from peermatch.files.import_result import Decide, ImportResult
from peermatch.files.import_rows import RowReader

# --------------------------------------------------------------------------- results


# --------------------------------------------------------------------------- reading


def read_responses(
    path: str | Path,
    catalogue: Catalogue,
    *,
    decide: Decide | None = None,
    keep: Keep | None = None,
) -> ImportResult:
    """Read a CSV of form responses (layout: module docstring) into profiles.

    Never raises for a problem in a row: every one becomes an error finding at its row and
    column. Raises :class:`DataError` only when the file itself cannot be read.
    """
    return parse_responses(read_csv(path), str(path), catalogue, decide=decide, keep=keep)


def parse_responses(
    records: list[list[str]],
    display: str,
    catalogue: Catalogue,
    *,
    decide: Decide | None = None,
    keep: Keep | None = None,
) -> ImportResult:
    """Profiles from CSV records already read (the header first); see :func:`read_responses`.

    With ``decide``, the whole file is read once without asking first: a problem no answer
    can fix (a missing column, a bad kind, a duplicate response) is reported before any
    question is asked, so nobody answers questions about a file that will fail anyway.
    ``keep`` settles an organisation's second response (else it is an error).
    """
    if decide is None:
        return RowReader(display, catalogue, None, keep).run(records)
    first = RowReader(display, catalogue, None, keep)
    checked = first.run(records)
    open_ = first.topics.open_questions
    asked = [f for f in checked.findings if f.code == "unknown-topic" and (f.line, f.path) in open_]
    if len(asked) < len(checked.errors):  # the questions wait until the rest is right
        checked.findings = [f for f in checked.findings if f not in asked]
        return checked
    second = RowReader(display, catalogue, decide, keep)
    # what the first pass matched stands; only its open questions are asked
    second.topics.cache = {k: v for k, v in first.topics.cache.items() if v[0] or not v[3]}
    return second.run(records)


# --------------------------------------------------------------------------- writing a folder
