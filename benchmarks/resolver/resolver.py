"""Place free text onto catalogue topics by meaning, offline (issue 14).

Self-contained on purpose: it takes the catalogue as plain data (a list of dicts with ``id``,
``name``, ``aliases``, ``description``, ``area``) and imports nothing from peermatch, so the
integration phase can move it into the package as it is.

    resolver = Resolver(topics)            # cheap: builds a few numpy arrays
    r = resolver.resolve("bed blocking")   # Resolution(topic="discharge", score=..., ...)
    rs = resolver.resolve_many(texts)      # vectorised, same answers as map(resolve)

Every method gives each topic a score from 0 to 100. The best topic is the answer when its
score reaches the method's no-match threshold (calibrated on the dev split of
benchmarks/resolver/phrases.yaml); below it the answer is ``topic=None`` and the
alternatives still name the nearest topics. An id, name or alias typed exactly (ignoring
case, spacing and punctuation around it) always wins with score 100 and ``how="exact"``.
Ties are broken by topic id, so the same input always gives the same output.

Methods:

- ``"fuzzy"``: rapidfuzz WRatio against names and aliases (what peermatch did before).
- ``"tfidf"`` (the default): TF-IDF over each topic's name, aliases and description, with
  word unigrams and bigrams and character 3-grams, numpy only, after expanding NHS
  shorthand with the small glossary below.
- ``"wordllama"``: a static embedding model shipped inside the ``wordllama`` wheel (optional
  extra; loaded from the package's own folder with downloads disabled: nothing touches the
  network).
- ``"blend"``: tfidf's score with a tenth of wordllama's, when wordllama is installed.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = [
    "GLOSSARY",
    "METHODS",
    "THRESHOLDS",
    "Resolution",
    "Resolver",
    "available_methods",
    "normalise",
]

# NHS shorthand -> plain words, added to (never replacing) the words of a query. Written as a
# general glossary of terms that NHS staff use, not fitted to the labelled phrases: it
# explains what a term means in words a catalogue description might use. Keys are normalised
# text (see `normalise`), matched as whole words or word sequences.
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

# No-match thresholds on each method's 0-100 score, calibrated on the dev split by
# benchmarks/resolver/evaluate.py --calibrate: the most accurate threshold (a no-fit phrase
# is right only when answered "no match") among those answering at least 9 in 10 no-fit
# dev phrases "no match", the middle one of those that tie.
THRESHOLDS: Mapping[str, float] = {
    "fuzzy": 85.9,
    "tfidf": 14.7,
    "wordllama": 42.3,
    "blend": 17.3,
}

METHODS = ("fuzzy", "tfidf", "wordllama", "blend")

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "get",
        "gets",
        "getting",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "too",
        "was",
        "we",
        "who",
        "with",
    ]
)

_WORD = re.compile(r"[a-z0-9@&]+")


def normalise(text: str) -> str:
    """Lower case, accents folded, punctuation other than ``&``/``@`` as spaces, one space."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(_WORD.findall(folded.casefold().replace("'", "")))


def _stem(word: str) -> str:
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
_GLOSSARY_BY_FIRST: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {}
for _key, _value in GLOSSARY.items():
    _words = tuple(_key.split())
    _GLOSSARY_BY_FIRST.setdefault(_words[0], []).append((_words, _value.split()))
for _entries in _GLOSSARY_BY_FIRST.values():
    _entries.sort(key=lambda e: (-len(e[0]), e[0]))


def _expand(words: list[str]) -> list[str]:
    """The query's words followed by the glossary expansions of any shorthand in it."""
    extra: list[str] = []
    for i, w in enumerate(words):
        entries = _GLOSSARY_BY_FIRST.get(w)
        if entries is None:
            continue
        for key, expansion in entries:
            if len(key) == 1 or tuple(words[i : i + len(key)]) == key:
                extra.extend(expansion)
    return words + extra if extra else words


@dataclass(frozen=True)
class Resolution:
    """Where one phrase landed: ``topic`` is None when nothing fits well enough."""

    text: str
    topic: str | None
    score: float
    alternatives: tuple[tuple[str, float], ...]
    how: str


class _Tfidf:
    """TF-IDF over catalogue text with word 1-2-grams and character 3-grams (numpy only).

    A topic's document is its name and aliases (counted twice: they are what people type) and
    its description. A query's score against a topic is a weighted mean of the cosine of their
    word vectors and of their character vectors; words the catalogue never uses still count in
    the query's norm, so a phrase about something else scores low everywhere.
    """

    name = "tfidf"
    # share of the word-level cosine in the score, the rest being the character-level one;
    # chosen on the dev split (a closest-single-label character cosine was tried, and lost)
    WORD_WEIGHT = 0.5
    LABEL_WEIGHT = 2.0

    def __init__(self, topics: Sequence[Mapping[str, Any]]) -> None:
        # feature ids: the catalogue's features first (rows of the matrices), then any new
        # feature a query brings (they only add to its norm); one id space per family
        self.ids: tuple[dict[str, int], dict[str, int]] = ({}, {})
        self._word_cache: dict[str, tuple[str, list[int]]] = {}
        docs: list[tuple[dict[int, float], dict[int, float]]] = []
        for t in topics:
            labels = [str(t["name"]), *(str(a) for a in t.get("aliases") or ())]
            doc: tuple[dict[int, float], dict[int, float]] = ({}, {})
            for text in labels:
                self._add(doc, text, self.LABEL_WEIGHT, expand=True)
            self._add(doc, str(t.get("description") or ""), 1.0, expand=False)
            docs.append(doc)
        n = len(docs)
        self.unknown_idf = math.log(1 + n) + 1.0
        self.matrices: list[np.ndarray] = []
        self.idfs: list[np.ndarray] = []
        for fam in (0, 1):
            v = len(self.ids[fam])
            df = np.zeros(v)
            m = np.zeros((v, n))
            for j, d in enumerate(docs):
                for f, tf in d[fam].items():
                    df[f] += 1
                    m[f, j] = 1.0 + math.log(tf) if tf >= 1 else tf
            idf = np.log((1 + n) / (1 + df)) + 1.0
            m *= idf[:, None]
            norms = np.linalg.norm(m, axis=0)
            m /= np.where(norms > 0, norms, 1.0)
            self.matrices.append(m.astype(np.float32))
            self.idfs.append(idf)
        self.n_topics = n

    def _id(self, fam: int, feature: str) -> int:
        ids = self.ids[fam]
        i = ids.get(feature)
        if i is None:
            i = ids[feature] = len(ids)
        return i

    def _word(self, word: str) -> tuple[str, list[int]]:
        """A word's stem and the ids of its character 3-grams (cached)."""
        hit = self._word_cache.get(word)
        if hit is None:
            padded = f" {word} "
            grams = [padded[i : i + 3] for i in range(len(padded) - 2)]
            hit = (_stem(word), [self._id(1, g) for g in grams])
            if len(self._word_cache) < 200_000:
                self._word_cache[word] = hit
        return hit

    def _features(self, text: str, expand: bool) -> tuple[list[int], list[int]]:
        raw = normalise(text).split()
        if expand:
            raw = _expand(raw)
        stems: list[str] = []
        chars: list[int] = []
        for w in raw:
            if w in _STOPWORDS:
                continue
            stem, grams = self._word(w)
            stems.append(stem)
            chars.extend(grams)
        words = [self._id(0, s) for s in stems]
        words += [self._id(0, f"{a} {b}") for a, b in itertools.pairwise(stems)]
        return words, chars

    def _add(
        self, doc: tuple[dict[int, float], dict[int, float]], text: str, weight: float, expand: bool
    ) -> None:
        for fam, feats in enumerate(self._features(text, expand)):
            d = doc[fam]
            for f in feats:
                d[f] = d.get(f, 0.0) + weight

    def _cosines(self, fam: int, feats: list[list[int]], matrix: np.ndarray) -> np.ndarray:
        """Cosine of each query's vector in one family with each column of the matrix."""
        idf = self.idfs[fam]
        v, n_topics = matrix.shape
        lengths = np.fromiter((len(f) for f in feats), dtype=np.int64, count=len(feats))
        out = np.zeros((len(feats), n_topics))
        if lengths.sum() == 0:
            return out
        q = np.repeat(np.arange(len(feats), dtype=np.int64), lengths)
        f = np.fromiter(itertools.chain.from_iterable(feats), dtype=np.int64, count=len(q))
        span = max(len(self.ids[fam]), 1)
        keys, counts = np.unique(q * span + f, return_counts=True)
        q, f = keys // span, keys % span
        known = f < v
        w = 1.0 + np.log(counts)
        w *= np.where(known, idf[np.minimum(f, v - 1)], self.unknown_idf)
        norms = np.sqrt(np.bincount(q, weights=w * w, minlength=len(feats)))
        qk, fk, wk = q[known], f[known], w[known].astype(np.float32)
        # sum each query's rows of the matrix, weighted, in blocks that stay in cache
        block = 1 << 15
        for lo in range(0, len(qk), block):
            qb, fb = qk[lo : lo + block], fk[lo : lo + block]
            contrib = matrix[fb]
            contrib *= wk[lo : lo + block, None]
            starts = np.flatnonzero(np.r_[True, qb[1:] != qb[:-1]])
            out[qb[starts]] += np.add.reduceat(contrib, starts, axis=0)
        out /= np.where(norms > 0, norms, 1.0)[:, None]
        return out

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        wf: list[list[int]] = []
        cf: list[list[int]] = []
        for t in texts:
            w, c = self._features(t, expand=True)
            wf.append(w)
            cf.append(c)
        words = self._cosines(0, wf, self.matrices[0])
        chars = self._cosines(1, cf, self.matrices[1])
        return 100.0 * (self.WORD_WEIGHT * words + (1.0 - self.WORD_WEIGHT) * chars)


class _Fuzzy:
    """rapidfuzz WRatio against each topic's id, name and aliases: the best label per topic."""

    name = "fuzzy"

    def __init__(self, topics: Sequence[Mapping[str, Any]]) -> None:
        self.labels: list[str] = []
        owner: list[int] = []
        for j, t in enumerate(topics):
            for label in (t["id"], t["name"], *(t.get("aliases") or ())):
                self.labels.append(str(label))
                owner.append(j)
        self.owner = np.asarray(owner)
        self.n_topics = len(topics)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        from rapidfuzz import fuzz, process, utils

        per_label = process.cdist(
            list(texts), self.labels, scorer=fuzz.WRatio, processor=utils.default_process
        )
        out = np.zeros((len(texts), self.n_topics))
        np.maximum.at(out.T, self.owner, per_label.T)
        return out


def _load_wordllama() -> Any:
    """The wordllama model from the files inside its own wheel, downloads disabled.

    `WordLlama.load` looks in the package folder first, and with ``disable_download=True``
    raises instead of fetching anything; the tokenizer is read with ``Tokenizer.from_file``.
    """
    import logging
    from pathlib import Path

    root = logging.getLogger()
    had_handlers = list(root.handlers)
    level = root.level
    import wordllama  # its __init__ calls logging.basicConfig(level=INFO): undo that below

    for h in list(root.handlers):
        if h not in had_handlers:
            root.removeHandler(h)
    root.setLevel(level)
    own = Path(wordllama.__file__).parent
    return wordllama.WordLlama.load(cache_dir=own, disable_download=True)


class _WordLlama:
    """Cosine between the query's embedding and each topic's label and description embeddings."""

    name = "wordllama"

    def __init__(self, topics: Sequence[Mapping[str, Any]]) -> None:
        self.model = _load_wordllama()
        texts: list[str] = []
        owner: list[int] = []
        for j, t in enumerate(topics):
            labels = [str(t["name"]), *(str(a) for a in t.get("aliases") or ())]
            for text in (*labels, str(t.get("description") or "")):
                texts.append(text)
                owner.append(j)
        self.owner = np.asarray(owner)
        self.n_topics = len(topics)
        # the topic's whole text too, so that a description-like query meets its topic
        whole = [
            " ".join([str(t["name"]), *map(str, t.get("aliases") or ()), str(t.get("description"))])
            for t in topics
        ]
        self.items = self._embed(texts)
        self.whole = self._embed(whole)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        expanded = [" ".join(_expand(normalise(t).split())) or t for t in texts]
        v = np.asarray(self.model.embed(expanded, norm=True), dtype=np.float64)
        return v

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        q = self._embed(texts)
        per_item = q @ self.items.T
        best = np.full((len(texts), self.n_topics), -1.0)
        np.maximum.at(best.T, self.owner, per_item.T)
        sims: np.ndarray = 0.5 * best + 0.5 * (q @ self.whole.T)
        return np.asarray(100.0 * np.clip(sims, 0.0, 1.0))


class _Blend:
    """tfidf's score plus a share of wordllama's (the share that did best on the dev split)."""

    WORDLLAMA_SHARE = 0.1

    name = "blend"

    def __init__(self, topics: Sequence[Mapping[str, Any]]) -> None:
        self.parts = (_Tfidf(topics), _WordLlama(topics))

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        a, b = (p.scores(texts) for p in self.parts)
        return (1.0 - self.WORDLLAMA_SHARE) * a + self.WORDLLAMA_SHARE * b


_SCORERS: dict[str, Callable[[Sequence[Mapping[str, Any]]], Any]] = {
    "fuzzy": _Fuzzy,
    "tfidf": _Tfidf,
    "wordllama": _WordLlama,
    "blend": _Blend,
}


@lru_cache(maxsize=1)
def _wordllama_installed() -> bool:
    from importlib.util import find_spec

    return find_spec("wordllama") is not None


def available_methods() -> tuple[str, ...]:
    """The methods this installation can run (wordllama and blend need the optional extra)."""
    if _wordllama_installed():
        return METHODS
    return ("fuzzy", "tfidf")


class Resolver:
    """Built once from the catalogue; `resolve` / `resolve_many` place free text on topics."""

    def __init__(
        self,
        topics: Iterable[Mapping[str, Any]],
        method: str = "tfidf",
        threshold: float | None = None,
        alternatives: int = 3,
    ) -> None:
        if method not in _SCORERS:
            raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
        # topics in id order: ties between equal scores then go to the smaller id
        self.topics = sorted((dict(t) for t in topics), key=lambda t: str(t["id"]))
        self.ids = [str(t["id"]) for t in self.topics]
        self.method = method
        self.threshold = THRESHOLDS[method] if threshold is None else float(threshold)
        self.n_alternatives = alternatives
        self.exact: dict[str, str] = {}
        for t in self.topics:
            for label in (t["id"], t["name"], *(t.get("aliases") or ())):
                self.exact.setdefault(normalise(str(label)), str(t["id"]))
        self._scorer: Any = None

    @property
    def scorer(self) -> Any:
        """The method's scorer, built on first use (wordllama loads a model)."""
        if self._scorer is None:
            self._scorer = _SCORERS[self.method](self.topics)
        return self._scorer

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """The method's raw 0-100 score of every topic for every text: (texts, topics)."""
        return np.asarray(self.scorer.scores(list(texts)), dtype=np.float64)

    def resolve(self, text: str) -> Resolution:
        return self.resolve_many([text])[0]

    def resolve_many(self, texts: Sequence[str]) -> list[Resolution]:
        texts = list(texts)
        keys = [normalise(t) for t in texts]
        exact = [self.exact.get(k) for k in keys]
        todo = [i for i, e in enumerate(exact) if e is None and keys[i]]
        out: list[Resolution | None] = [None] * len(texts)
        k = self.n_alternatives
        if todo:
            s = np.round(self.scores([texts[i] for i in todo]), 1)
            # stable sort on -score keeps id order among equal scores
            order = np.argsort(-s, axis=1, kind="stable")[:, : k + 1]
            for row, i in enumerate(todo):
                ranked = [(self.ids[j], float(s[row, j])) for j in order[row]]
                best_id, best = ranked[0]
                hit = best >= self.threshold and best > 0
                out[i] = Resolution(
                    text=texts[i],
                    topic=best_id if hit else None,
                    score=best,
                    alternatives=tuple(ranked[1:] if hit else ranked[:k]),
                    how=self.method,
                )
        for i, t in enumerate(texts):
            e = exact[i]
            if e is not None:
                out[i] = Resolution(text=t, topic=e, score=100.0, alternatives=(), how="exact")
            elif out[i] is None:  # empty after normalising: nothing to place
                out[i] = Resolution(text=t, topic=None, score=0.0, alternatives=(), how=self.method)
        return [r for r in out if r is not None]
