"""Reading free text in a spreadsheet cell as a catalogue topic: exactly (id, alias, name),
by meaning (the catalogue's resolver, :meth:`Catalogue.resolver`) when one topic is clearly
best, or by asking (``Question``) on a terminal."""

from __future__ import annotations

from collections.abc import Callable

from peermatch.core.catalogue import Catalogue, normalise
from peermatch.core.resolve import THRESHOLDS
from peermatch.files.import_result import Decide, Question

#: The resolver's answer (a topic above its no-match threshold) is taken without asking when
#: the next topic scores at least this many points (of 100) less. On the dev phrases of
#: benchmarks/resolver/phrases.yaml every reading this clear was right (45 of 45; with 15
#: points, 63 of 65). "delays" (ambulance-handover 29.9, discharge 29.4) is asked about.
CLEAR_MARGIN = 20.0
#: The least score at which a question offers its best candidate as the default (Enter
#: takes it): the resolver's own no-match threshold, calibrated on the dev phrases, below
#: which its best candidate is more often wrong than right (the old fuzzy match offered
#: 'DTOC' -> hospital-demand at 68; the resolver reads DTOC as discharge). One Enter must
#: not turn a guess into data, so below it the user types a number. Nor is a best candidate
#: tied with the next ("hospital stays"): Enter would pick by catalogue order. Decided in
#: one place, :func:`default_answer`.
DEFAULT_ANSWER = THRESHOLDS["tfidf"]

Candidates = tuple[tuple[str, str, float], ...]


class TopicMatcher:
    """Matches cell text to topics, caching each distinct text's answer."""

    def __init__(self, catalogue: Catalogue, decide: Decide | None) -> None:
        self.catalogue = catalogue
        self.decide = decide
        self.choices = _topic_choices(catalogue)
        self.cache: dict[str, tuple[str | None, str, float, Candidates]] = {}
        self.readings: dict[tuple[str, str], list[int]] = {}
        self.reading_how: dict[tuple[str, str], tuple[str, float]] = {}
        #: (row, column) of each question left open because there was no one to ask
        self.open_questions: set[tuple[int, str]] = set()

    def topic(
        self, number: int, column: str, text: str, error: Callable[[int, str, str, str], None]
    ) -> str | None:
        """The topic id ``text`` (a cell item) names, or None after reporting through
        ``error``; a fuzzy or chosen reading is remembered for the import's summary."""
        key = normalise(text)
        if not key:
            error(number, column, "unknown-topic", "an item has no topic before ':'")
            return None
        exact = self.choices.get(key)
        if exact is not None:
            return exact
        if key not in self.cache:
            self.cache[key] = self._fuzzy(number, column, text)
        topic, how, score, candidates = self.cache[key]
        if topic is not None:
            self.readings.setdefault((text, topic), []).append(number)
            self.reading_how[(text, topic)] = (how, score)
            return topic
        if not candidates:
            error(
                number,
                column,
                "unknown-topic",
                f"'{text}' matches no catalogue topic; see 'peermatch challenges' for the ids",
            )
        else:
            if self.decide is None:
                self.open_questions.add((number, column))
            shown = ", ".join(f"{tid} ({score:.0f})" for tid, _, score in candidates)
            rerun = (
                "; write a topic id, or run without --no-input on a terminal to choose"
                if self.decide is None
                else "; write a topic id"
            )
            error(
                number,
                column,
                "unknown-topic",
                f"'{text}' is not a catalogue topic; closest: {shown}{rerun}",
            )
        return None

    def _fuzzy(
        self, number: int, column: str, text: str
    ) -> tuple[str | None, str, float, tuple[tuple[str, str, float], ...]]:
        candidates = _candidates(text, self.catalogue)
        if not candidates:
            return None, "", 0.0, ()
        best = candidates[0]
        second = candidates[1][2] if len(candidates) > 1 else 0.0
        answered = best[2] >= self.catalogue.resolver().threshold
        if answered and best[2] - second >= CLEAR_MARGIN:
            return best[0], "fuzzy", best[2], candidates
        if self.decide is not None:
            chosen = self.decide(Question(text, number, column, candidates))
            if chosen is not None:
                score = next((s for t, _, s in candidates if t == chosen), 0.0)
                return chosen, "chosen", score, candidates
        return None, "", 0.0, candidates


def _topic_choices(catalogue: Catalogue) -> dict[str, str]:
    """Normalised ids, aliases, names and ids-as-words -> topic id (exact matches)."""
    choices: dict[str, str] = {}
    for topic in catalogue:
        choices.setdefault(normalise(topic.name), topic.id)
        choices.setdefault(normalise(topic.id.replace("-", " ")), topic.id)
    choices.update(catalogue._lookup)  # ids and aliases win
    return choices


def _candidates(text: str, catalogue: Catalogue) -> tuple[tuple[str, str, float], ...]:
    """The resolver's three nearest topics with a score above 0, best first."""
    r = catalogue.resolver().resolve(text)
    ranked = [(tid, score) for tid, score in r.ranked() if score > 0][:3]
    return tuple((tid, catalogue.topics[tid].name, score) for tid, score in ranked)


def default_answer(question: Question) -> str | None:
    """The candidate a question offers as its default, or None: none below
    :data:`DEFAULT_ANSWER`, none tied with the next."""
    scores = [score for _, _, score in question.candidates]
    if scores and scores[0] >= DEFAULT_ANSWER and (len(scores) == 1 or scores[0] > scores[1]):
        return question.candidates[0][0]
    return None
