"""The wordllama scorers the resolver was measured with (issue 14), kept out of the package.

wordllama (a static embedding model inside its PyPI wheel) was measured against the
package's tfidf and not adopted (docs/performance.md says why). These scorers plug into
:class:`peermatch.core.resolve.Resolver` through ``scorer=`` so that
``benchmarks/resolver/evaluate.py`` can still reproduce the figures when wordllama is
installed; nothing in ``peermatch`` imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from peermatch.core.glossary import expand, fold
from peermatch.core.resolve import Scorer, Tfidf, TopicText

# no-match thresholds, calibrated on the dev split as the package's are
THRESHOLDS: Mapping[str, float] = {"wordllama": 42.3, "blend": 17.3}


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


class WordLlamaScorer:
    """Cosine between the query's embedding and each topic's label and description embeddings."""

    name = "wordllama"

    def __init__(self, topics: Sequence[TopicText]) -> None:
        self.model = _load_wordllama()
        texts: list[str] = []
        owner: list[int] = []
        for j, t in enumerate(topics):
            labels = [t.name, *t.aliases]
            for text in (*labels, t.description or ""):
                texts.append(text)
                owner.append(j)
        self.owner = np.asarray(owner)
        self.n_topics = len(topics)
        # the topic's whole text too, so that a description-like query meets its topic
        whole = [" ".join([t.name, *t.aliases, str(t.description)]) for t in topics]
        self.items = self._embed(texts)
        self.whole = self._embed(whole)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        expanded = [" ".join(expand(fold(t).split())) or t for t in texts]
        v = np.asarray(self.model.embed(expanded, norm=True), dtype=np.float64)
        return v

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        q = self._embed(texts)
        per_item = q @ self.items.T
        best = np.full((len(texts), self.n_topics), -1.0)
        np.maximum.at(best.T, self.owner, per_item.T)
        sims: np.ndarray = 0.5 * best + 0.5 * (q @ self.whole.T)
        return np.asarray(100.0 * np.clip(sims, 0.0, 1.0))


class BlendScorer:
    """tfidf's score plus a share of wordllama's (the share that did best on the dev split)."""

    WORDLLAMA_SHARE = 0.1

    name = "blend"

    def __init__(self, topics: Sequence[TopicText]) -> None:
        self.parts = (Tfidf(topics), WordLlamaScorer(topics))

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        a, b = (p.scores(texts) for p in self.parts)
        return (1.0 - self.WORDLLAMA_SHARE) * a + self.WORDLLAMA_SHARE * b


SCORERS: Mapping[str, Callable[[Sequence[TopicText]], Scorer]] = {
    "wordllama": WordLlamaScorer,
    "blend": BlendScorer,
}


@lru_cache(maxsize=1)
def installed() -> bool:
    """Whether wordllama can be imported here (it is no dependency of peermatch)."""
    from importlib.util import find_spec

    return find_spec("wordllama") is not None
