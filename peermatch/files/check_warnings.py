"""The data's warnings: nothing wrong enough to stop a run, but worth fixing
(``validate --strict`` turns them into a failure). :class:`peermatch.files.checks.Checker`
runs them once the profiles are built."""

from __future__ import annotations

import re
from collections.abc import Callable

from peermatch.core.catalogue import Catalogue, skeleton
from peermatch.core.dataset import Profile
from peermatch.files.documents import Document
from peermatch.files.yaml_positions import Path_

#: How a warning is recorded: at a path of a document, with a code and a message.
Warn = Callable[[Document, Path_, str, str], None]

#: A figure in exemplar evidence: a digit, or a word that states a measured ratio ("halved A&E
#: admissions" is a result as much as "cut by 30"; evidence keeps the report's own word).
_DIGIT = re.compile(
    r"\d|\b(?:halved|doubled|tripled|trebled|quadrupled|quartered)\b", re.IGNORECASE
)


def look_alikes(systems_doc: Document, warn: Warn) -> None:
    """Names that differ as text but look the same (NFC/NFD, Cyrillic 'а' for 'a'):
    ``--for`` could not tell them apart."""
    seen: dict[str, tuple[str, str]] = {}  # skeleton -> (id, name)
    for i, s in enumerate(systems_doc.model.systems):
        key = skeleton(s.name)
        first = seen.setdefault(key, (s.id, s.name))
        if first[0] != s.id:
            how = (
                "is the same as"
                if first[1] == s.name
                else "looks the same as (spelt with other characters)"
            )
            warn(
                systems_doc,
                ("systems", i, "name"),
                "look-alike",
                f"the name of '{s.id}' {how} the name of '{first[0]}'; rename one so "
                "that --for and readers can tell them apart",
            )


def usage_warnings(
    challenges_doc: Document,
    systems_doc: Document,
    catalogue: Catalogue,
    profiles: list[Profile],
    shared: Callable[[], bool],
    warn: Warn,
) -> None:
    """Profiles that take no part, exemplar evidence without a figure, one-sided
    partners, and topics no system uses (in a catalogue of the user's own)."""
    index: dict[str, int] = {}
    for i, s in enumerate(systems_doc.model.systems):
        index.setdefault(s.id, i)
    by_id = {p.id: p for p in profiles}
    used: set[str] = set()
    for p in profiles:
        i = index[p.id]
        used.update(p.strengths, p.needs)
        # teach-only (no challenges) and learn-only (no strengths) profiles are normal;
        # only a profile with neither takes no part in matching at all
        if not p.strengths and not p.needs:
            warn(
                systems_doc,
                ("systems", i, "id"),
                "empty-profile",
                f"system '{p.id}' has no strengths and no challenges, "
                "so it can neither teach nor learn",
            )
        model_strengths = systems_doc.model.systems[i].strengths
        for j, st in enumerate(model_strengths):
            if st.level == 3 and not _DIGIT.search(st.evidence):
                warn(
                    systems_doc,
                    ("systems", i, "strengths", j, "evidence"),
                    "exemplar-without-figure",
                    "a level-3 (exemplar) strength should give its measured result; "
                    "the evidence has no figure",
                )
        for j, ref in enumerate(systems_doc.model.systems[i].partners):
            other = by_id.get(ref)
            if other is not None and other.id != p.id and p.id not in other.partners:
                warn(
                    systems_doc,
                    ("systems", i, "partners", j),
                    "one-sided-partner",
                    f"'{ref}' does not list '{p.id}' as a partner; add it on both sides",
                )
    if set(catalogue.topics) <= used or shared():
        # the shipped catalogue is a shared vocabulary, larger than any one cohort: that
        # a programme uses part of it is normal. The warning is for a catalogue the user
        # keeps, where an unused topic is a typo or a topic left behind.
        return
    _unused_topics(challenges_doc, catalogue, used, warn)


def _unused_topics(
    challenges_doc: Document, catalogue: Catalogue, used: set[str], warn: Warn
) -> None:
    topic_row: dict[str, int] = {}
    for i, ch in enumerate(challenges_doc.model.challenges):
        topic_row.setdefault(ch.id, i)
    for topic in catalogue.topics:
        if topic not in used:
            warn(
                challenges_doc,
                ("challenges", topic_row[topic], "id"),
                "unused-topic",
                f"no system lists topic '{topic}' as a strength or challenge",
            )
