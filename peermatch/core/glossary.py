"""The words of free text, for the topic resolver (:mod:`peermatch.core.resolve`).

:func:`fold` folds text to plain lower-case words; :func:`stem` meets "waits", "waiting"
and "waited"; :func:`expand` adds plain words for NHS shorthand from :data:`GLOSSARY`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Protocol

__all__ = ["GLOSSARY", "STOPWORDS", "exact_labels", "expand", "fold", "stem"]

# NHS shorthand -> plain words, added to (never replacing) the words of a query. Written as a
# general glossary of terms that NHS staff use, not fitted to the labelled phrases: it
# explains what a term means in words a catalogue description might use. Keys are normalised
# text (see `fold`), matched as whole words or word sequences.
GLOSSARY: Mapping[str, str] = {
    # urgent and emergency care
    "a e": "accident and emergency department",
    "a and e": "accident and emergency department",
    "a&e": "accident and emergency department",
    "ed": "emergency department",
    "4 hour": "emergency department four hour standard performance",
    "four hour": "emergency department four hour standard performance",
    "12 hour": "emergency department long waits",
    "trolley waits": "emergency department long waits",
    "corridor care": "emergency department crowding flow",
    "sdec": "same day emergency care",
    "utc": "urgent treatment centre urgent care",
    "uec": "urgent and emergency care",
    "ucr": "urgent community response",
    "hah": "hospital at home",
    "h@h": "hospital at home",
    "vw": "virtual ward",
    "see and treat": "ambulance conveyance",
    "hear and treat": "ambulance conveyance clinical triage",
    "hiu": "high intensity users",
    "frequent attenders": "high intensity users",
    "frequent flyers": "high intensity users",
    "paramedic": "ambulance crew",
    "paramedics": "ambulance crews",
    "ambulance queues": "ambulance handover delays",
    "ambulances queuing": "ambulance handover delays",
    "ambulances queueing": "ambulance handover delays",
    "front door": "emergency department",
    # hospital flow
    "dtoc": "delayed transfers of care delayed discharge",
    "nctr": "no criteria to reside delayed discharge",
    "no criteria to reside": "delayed discharge",
    "mffd": "medically fit for discharge",
    "medically fit": "ready for discharge",
    "medically optimised": "ready for discharge",
    "bed blocking": "delayed discharge",
    "bed blockers": "delayed discharge",
    "stranded": "long stays length of stay",
    "super stranded": "long stays length of stay",
    "los": "length of stay",
    # planned care, diagnostics and cancer
    "girft": "getting it right first time elective",
    "rtt": "referral to treatment waiting times",
    "18 week": "referral to treatment waiting times",
    "52 week": "long waits waiting list",
    "ptl": "patient tracking list",
    "pifu": "patient initiated follow up outpatient",
    "a&g": "advice and guidance referral",
    "advice and guidance": "referral outpatient",
    "cdc": "community diagnostic centre diagnostics imaging",
    "cdcs": "community diagnostic centres diagnostics imaging",
    "mri": "imaging scan radiology",
    "ct": "imaging scan radiology",
    "xray": "imaging radiology",
    "x ray": "imaging radiology",
    "ultrasound": "imaging diagnostics",
    "fds": "faster diagnosis standard",
    "2ww": "urgent suspected cancer referral",
    "2 week wait": "urgent suspected cancer referral",
    "two week wait": "urgent suspected cancer referral",
    "62 day": "cancer waiting times",
    "28 day": "faster diagnosis standard",
    "theatres": "operations surgical elective",
    "theatre": "operations surgical elective",
    # long-term conditions and population health
    "bp": "blood pressure",
    "ltc": "long term conditions",
    "ltcs": "long term conditions",
    "icu": "intensive care critical care",
    "itu": "intensive care critical care",
    "hdu": "high dependency critical care",
    "long covid": "post covid",
    "cga": "comprehensive geriatric assessment frailty",
    "geriatric": "older people",
    "elderly": "older people",
    "rehab": "rehabilitation",
    "pulmonary": "lung respiratory",
    "breathing": "respiratory lung",
    "memory": "dementia",
    "aging": "ageing",
    "phm": "population health management",
    "eol": "end of life",
    # mental health and learning disability
    "mh": "mental health",
    "camhs": "children and young people's mental health services",
    "cypmhs": "children and young people's mental health services",
    "kids": "children",
    "teenagers": "young people",
    "adolescents": "young people",
    "iapt": "adult mental health talking therapies",
    "talking therapies": "adult mental health",
    "ld": "learning disability",
    "leder": "learning disability mortality review",
    # primary, community and social care
    "gp": "general practice",
    "gps": "general practice",
    "surgery": "general practice",
    "pcn": "primary care network",
    "pcns": "primary care networks",
    "mdt": "multidisciplinary team",
    "mdts": "multidisciplinary teams",
    "asc": "adult social care",
    "dom care": "domiciliary care",
    # systems, partnership, leadership, improvement
    "icb": "integrated care board",
    "icbs": "integrated care boards",
    "ics": "integrated care system",
    "nhse": "nhs england",
    "cqc": "care quality commission regulation inspection",
    "bcf": "better care fund pooled budgets",
    "better care fund": "pooled budgets",
    "section 75": "pooled budgets",
    "s75": "pooled budgets",
    "third sector": "voluntary sector",
    "charities": "voluntary sector",
    "ahp": "allied health professionals",
    "ahps": "allied health professionals",
    "qi": "quality improvement",
    "pdsa": "plan do study act quality improvement",
    "psirf": "patient safety incident response framework",
    "health innovation network": "academic health science network innovation",
    "cip": "cost improvement programme savings cost reduction",
    "cips": "cost improvement programme savings cost reduction",
    "cost improvement": "savings cost reduction",
    "cost of living": "money worries benefits advice energy costs",
    "wte": "workforce staff",
    "nurses": "staff",
    "doctors": "staff clinicians",
    "leavers": "staff retention",
    "leaving": "retention",
    "burnout": "staff wellbeing",
    "burn out": "staff wellbeing",
    "firefighting": "operational pressures",
    "buddying": "peer support mentoring",
    "buddy": "peer support mentoring",
    "harm": "patient safety",
    "never events": "patient safety incidents",
    "notes": "records",
    "analysis": "analytics",
    "patient initiated follow up": "outpatient follow up",
}

#: Words that say nothing about a topic, left out of the word features.
STOPWORDS = frozenset(
    """
    a an and are as at be but by for from get gets getting has have in into is it its of
    on or our so that the their them they this to too was we who with
    """.split()  # noqa: SIM905 (a word list reads better as words than as 38 quoted lines)
)

_WORD = re.compile(r"[a-z0-9@&]+")


def fold(text: str) -> str:
    """Lower case, accents folded, punctuation other than ``&``/``@`` as spaces, one space."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(_WORD.findall(folded.casefold().replace("'", "")))


def stem(word: str) -> str:
    """A light suffix stripper: enough that "waits"/"waiting"/"waited" meet."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, repl in (
        ("ies", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("ly", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + repl
    return word


# glossary entries by their first word, longest first
GLOSSARY_BY_FIRST: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {}
for _key, _value in GLOSSARY.items():
    _words = tuple(_key.split())
    GLOSSARY_BY_FIRST.setdefault(_words[0], []).append((_words, _value.split()))
for _entries in GLOSSARY_BY_FIRST.values():
    _entries.sort(key=lambda e: (-len(e[0]), e[0]))


def expand(words: list[str]) -> list[str]:
    """The query's words followed by the glossary expansions of any shorthand in it."""
    extra: list[str] = []
    for i, w in enumerate(words):
        entries = GLOSSARY_BY_FIRST.get(w)
        if entries is None:
            continue
        for key, expansion in entries:
            if len(key) == 1 or tuple(words[i : i + len(key)]) == key:
                extra.extend(expansion)
    return words + extra if extra else words


class Labelled(Protocol):
    """A topic's id, name and aliases (a :class:`peermatch.core.catalogue.Topic`)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...


def exact_labels(topics: Iterable[Labelled]) -> dict[str, str]:
    """Each topic's id, name and aliases, folded, to its id: what counts as typed exactly.

    Ids first, then names, then aliases, each in id order: an id always means its own topic.
    numpy-free, so an exact query answers without loading the resolver's matrices.
    """
    ordered = sorted(topics, key=lambda t: t.id)
    table: dict[str, str] = {}
    for t in ordered:
        table.setdefault(fold(t.id), t.id)
    for t in ordered:
        table.setdefault(fold(t.name), t.id)
    for t in ordered:
        for alias in t.aliases:
            table.setdefault(fold(alias), t.id)
    return table
