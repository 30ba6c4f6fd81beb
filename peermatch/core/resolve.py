"""Place free text on catalogue topics by meaning, offline (issue 14).

    resolver = catalogue.resolver()          # built once per catalogue, then cached
    r = resolver.resolve("bed blocking")     # Resolution(topic="discharge", score=..., ...)
    rs = resolver.resolve_many(texts)        # vectorised, same answers as map(resolve)

Every method gives each topic a score from 0 to 100. The best topic is the answer when its
score reaches the method's no-match threshold (calibrated on the dev split of
``benchmarks/resolver/phrases.yaml``); below it the answer is ``topic=None`` and the
alternatives still name the nearest topics. An id, name or alias typed exactly (ignoring
case, spacing and punctuation around it) always wins with score 100 and ``how="exact"``;
ids before names before aliases, as in :meth:`Catalogue.resolve`. Ties are broken by topic
id, so the same input always gives the same output.

Methods (chosen by measurement; ``docs/performance.md`` has the figures):

- ``"tfidf"`` (the default): TF-IDF over each topic's name, aliases and description, with
  word unigrams and bigrams and character 3-grams, numpy only, after expanding NHS
  shorthand with :data:`peermatch.core.glossary.GLOSSARY`.
- ``"fuzzy"``: rapidfuzz WRatio against names and aliases (what peermatch did before).

A static embedding model (wordllama) was measured and not adopted; its scorer lives in
``benchmarks/resolver/wordllama.py`` and plugs in through ``Resolver(..., scorer=...)``.

The resolver only ever *suggests*: YAML references stay exact (:meth:`Catalogue.resolve`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol

import numpy as np

from peermatch.core.glossary import STOPWORDS, Labelled, exact_labels, expand, fold, stem
from peermatch.core.resolution import Resolution

__all__ = ["METHODS", "THRESHOLDS", "Resolution", "Resolver", "Scorer", "TopicText"]

# No-match thresholds on each method's 0-100 score, calibrated on the dev split by
# benchmarks/resolver/evaluate.py --calibrate: the most accurate threshold (a no-fit phrase
# is right only when answered "no match") among those answering at least 9 in 10 no-fit
# dev phrases "no match", the middle one of those that tie.
THRESHOLDS: Mapping[str, float] = {"fuzzy": 85.9, "tfidf": 17.8}

METHODS = ("tfidf", "fuzzy")


class TopicText(Labelled, Protocol):
    """What the resolver reads of a topic (a :class:`peermatch.core.catalogue.Topic`)."""

    @property
    def description(self) -> str | None: ...


class Scorer(Protocol):
    """A method: the 0-100 score of every topic for every text, shape (texts, topics)."""

    def scores(self, texts: Sequence[str]) -> np.ndarray: ...


class Tfidf:
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

    def __init__(self, topics: Sequence[TopicText]) -> None:
        # feature ids: the catalogue's features first (rows of the matrices), then any new
        # feature a query brings (they only add to its norm); one id space per family
        self.ids: tuple[dict[str, int], dict[str, int]] = ({}, {})
        self._word_cache: dict[str, tuple[str, list[int]]] = {}
        docs: list[tuple[dict[int, float], dict[int, float]]] = []
        for t in topics:
            labels = [t.name, *t.aliases]
            doc: tuple[dict[int, float], dict[int, float]] = ({}, {})
            for text in labels:
                self._add(doc, text, self.LABEL_WEIGHT, shorthand=True)
            self._add(doc, t.description or "", 1.0, shorthand=False)
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
            hit = (stem(word), [self._id(1, g) for g in grams])
            if len(self._word_cache) < 200_000:
                self._word_cache[word] = hit
        return hit

    def _features(self, text: str, shorthand: bool) -> tuple[list[int], list[int]]:
        raw = fold(text).split()
        if shorthand:
            raw = expand(raw)
        stems: list[str] = []
        chars: list[int] = []
        for w in raw:
            if w in STOPWORDS:
                continue
            stem, grams = self._word(w)
            stems.append(stem)
            chars.extend(grams)
        words = [self._id(0, s) for s in stems]
        words += [self._id(0, f"{a} {b}") for a, b in itertools.pairwise(stems)]
        return words, chars

    def _add(
        self,
        doc: tuple[dict[int, float], dict[int, float]],
        text: str,
        weight: float,
        shorthand: bool,
    ) -> None:
        for fam, feats in enumerate(self._features(text, shorthand)):
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
            w, c = self._features(t, shorthand=True)
            wf.append(w)
            cf.append(c)
        words = self._cosines(0, wf, self.matrices[0])
        chars = self._cosines(1, cf, self.matrices[1])
        return 100.0 * (self.WORD_WEIGHT * words + (1.0 - self.WORD_WEIGHT) * chars)


class Fuzzy:
    """rapidfuzz WRatio against each topic's id, name and aliases: the best label per topic."""

    name = "fuzzy"

    def __init__(self, topics: Sequence[TopicText]) -> None:
        self.labels: list[str] = []
        owner: list[int] = []
        for j, t in enumerate(topics):
            for label in (t.id, t.name, *t.aliases):
                self.labels.append(label)
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


SCORERS: Mapping[str, Callable[[Sequence[TopicText]], Scorer]] = {"fuzzy": Fuzzy, "tfidf": Tfidf}


class Resolver:
    """Built once from the catalogue; `resolve` / `resolve_many` place free text on topics.

    ``scorer`` plugs in a method from outside the package (the benchmarks' wordllama); its
    ``threshold`` must then be given too.
    """

    def __init__(
        self,
        topics: Iterable[TopicText],
        method: str = "tfidf",
        threshold: float | None = None,
        alternatives: int = 3,
        scorer: Callable[[Sequence[TopicText]], Scorer] | None = None,
    ) -> None:
        if scorer is None and method not in SCORERS:
            raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
        if threshold is None and method not in THRESHOLDS:
            raise ValueError(f"method {method!r} needs a threshold")
        # topics in id order: ties between equal scores then go to the smaller id
        self.topics = sorted(topics, key=lambda t: t.id)
        self.ids = [t.id for t in self.topics]
        self.method = method
        self.threshold = THRESHOLDS[method] if threshold is None else float(threshold)
        self.n_alternatives = alternatives
        self._factory = scorer or SCORERS[method]
        self.exact = exact_labels(self.topics)
        self._scorer: Scorer | None = None

    @property
    def scorer(self) -> Scorer:
        """The method's scorer, built on first use."""
        if self._scorer is None:
            self._scorer = self._factory(self.topics)
        return self._scorer

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """The method's raw 0-100 score of every topic for every text: (texts, topics)."""
        return np.asarray(self.scorer.scores(list(texts)), dtype=np.float64)

    def resolve(self, text: str) -> Resolution:
        return self.resolve_many([text])[0]

    def resolve_many(self, texts: Sequence[str]) -> list[Resolution]:
        texts = list(texts)
        keys = [fold(t) for t in texts]
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
