"""Reading free text in a spreadsheet cell as a catalogue topic: exactly (id, alias, name),
fuzzily when one candidate is clearly best, or by asking (``Question``) on a terminal."""

from __future__ import annotations

from collections.abc import Callable

from peermatch.core.catalogue import Catalogue, normalise, ranked_matches
from peermatch.files.import_result import Decide, Question

#: A fuzzy match at least this good (rapidfuzz WRatio, 0-100; a bare substring such as
#: "delays" scores 90, so it is asked about) and clear of the next candidate by
#: :data:`CLEAR_MARGIN` is taken without asking.
STRONG_MATCH = 92.0
CLEAR_MARGIN = 5.0
#: Candidates below this are not offered at all.
WEAK_MATCH = 60.0
#: The least score at which a question offers its best candidate as the default (Enter
#: takes it). At 85 most of the text agrees with the topic ("hospital discharge delays" ->
#: discharge, 90; "ambulance waits" -> ambulance-handover, 85.5); below it the best
#: candidate usually shares a fragment only ("DTOC" -> hospital-demand, 68, where DTOC,
#: delayed transfers of care, is discharge), and one Enter must not turn a guess into data:
#: the user types a number. Nor is a best candidate tied with the next ("hospital stays":
#: three topics at 85.5): Enter would pick by catalogue order. The one place this is
#: decided (:func:`default_answer`), so a resolver with other scores changes it here.
DEFAULT_ANSWER = 85.0

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
        candidates = _candidates(text, self.choices, self.catalogue)
        if not candidates:
            return None, "", 0.0, ()
        best = candidates[0]
        second = candidates[1][2] if len(candidates) > 1 else 0.0
        if best[2] >= STRONG_MATCH and best[2] - second >= CLEAR_MARGIN:
            return best[0], "fuzzy", best[2], candidates
        if self.decide is not None:
            chosen = self.decide(Question(text, number, column, candidates))
            if chosen is not None:
                score = next((s for t, _, s in candidates if t == chosen), 0.0)
                return chosen, "chosen", score, candidates
        return None, "", 0.0, candidates


def default_answer(question: Question) -> str | None:
    """The candidate a question offers as its default, or None: none below
    :data:`DEFAULT_ANSWER`, none tied with the next."""
    scores = [score for _, _, score in question.candidates]
    if scores and scores[0] >= DEFAULT_ANSWER and (len(scores) == 1 or scores[0] > scores[1]):
        return question.candidates[0][0]
    return None


def _topic_choices(catalogue: Catalogue) -> dict[str, str]:
    """Normalised ids, aliases, names and ids-as-words -> topic id (exact matches)."""
    choices: dict[str, str] = {}
    for topic in catalogue:
        choices.setdefault(normalise(topic.name), topic.id)
        choices.setdefault(normalise(topic.id.replace("-", " ")), topic.id)
    choices.update(catalogue._lookup)  # ids and aliases win
    return choices


def _candidates(
    text: str, choices: dict[str, str], catalogue: Catalogue
) -> tuple[tuple[str, str, float], ...]:
    ranked = ranked_matches(text, choices, WEAK_MATCH)[:3]
    return tuple((tid, catalogue.topics[tid].name, round(score, 1)) for tid, score in ranked)
