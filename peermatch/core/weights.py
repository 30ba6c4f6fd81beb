"""Every number the score uses, in one place, overridable with ``--weights FILE``.

A weights file is YAML with any subset of these keys (shown with their defaults)::

    priority: {low: 1, medium: 2, high: 3}          # points a need is worth
    level_shortfall: {emerging: 0.5, established: 0.25, exemplar: 0}
    related_factor: 0.5      # share of the points a related (near) topic earns
    context_weight: 0.1      # how far context similarity can lower a score (0 = ignore)
    context: {kind: 1, country: 1, size: 1, tags: 1}   # the parts of context similarity
    partner_factor: 1.0      # multiply existing partners' scores (1 = no penalty)
    history_lift: 0.125      # with --history: the most a well-rated past record lifts a pair

The defaults are binary fractions, so the sums in a score are exact in floating point and
any evaluation order (the reference loop or the vectorised path) gives the same bits.

The weights are plain frozen dataclasses, so that a run with the default weights (and a
warm data cache) never imports pydantic; :meth:`Weights.model_validate` checks a mapping
of overrides against the rules in :mod:`peermatch.core.weights_schema` (pydantic, imported
only then).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from peermatch.core.weights_schema import Weights as Rules


@dataclass(frozen=True)
class PriorityWeights:
    low: float = 1.0
    medium: float = 2.0
    high: float = 3.0

    def of(self, priority: int) -> float:
        return (self.low, self.medium, self.high)[priority - 1]


@dataclass(frozen=True)
class LevelShortfall:
    emerging: float = 0.5
    established: float = 0.25
    exemplar: float = 0.0

    def of(self, level: int) -> float:
        return (self.emerging, self.established, self.exemplar)[level - 1]


@dataclass(frozen=True)
class ContextWeights:
    kind: float = 1.0
    country: float = 1.0
    size: float = 1.0
    tags: float = 1.0


@dataclass(frozen=True)
class Weights:
    """The scoring weights. See the README's "How a match is scored"."""

    priority: PriorityWeights = field(default_factory=PriorityWeights)
    level_shortfall: LevelShortfall = field(default_factory=LevelShortfall)
    related_factor: float = 0.5
    context_weight: float = 0.1
    context: ContextWeights = field(default_factory=ContextWeights)
    partner_factor: float = 1.0
    #: With ``--history``: a pair whose teacher's past links on one of the learner's needs
    #: were rated 5 is multiplied by ``1 + history_lift`` (rated 4: half that); see
    #: :mod:`peermatch.files.history`. The score is capped at 100.
    history_lift: float = 0.125

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Weights:
        """A copy with ``update``'s fields replaced, unchecked (as pydantic's ``model_copy``,
        which these weights were until the data cache kept pydantic out of a warm run)."""
        return replace(self, **(update or {}))

    def model_dump(self) -> dict[str, Any]:
        """The weights as nested dicts (as pydantic's ``model_dump``)."""
        return asdict(self)

    @classmethod
    def model_validate(cls, raw: object) -> Weights:
        """The weights a mapping of overrides gives, checked against every rule (ranges,
        monotone priorities and shortfalls); raises pydantic's ``ValidationError``."""
        from peermatch.core.weights_schema import Weights as Rules

        return cls.from_rules(Rules.model_validate(raw))

    @classmethod
    def from_rules(cls, rules: Rules) -> Weights:
        """The weights of a mapping already checked against the rules."""
        return cls(
            priority=PriorityWeights(**rules.priority.model_dump()),
            level_shortfall=LevelShortfall(**rules.level_shortfall.model_dump()),
            related_factor=rules.related_factor,
            context_weight=rules.context_weight,
            context=ContextWeights(**rules.context.model_dump()),
            partner_factor=rules.partner_factor,
            history_lift=rules.history_lift,
        )


#: The defaults (a test checks that they pass the rules: ``Weights.model_validate({})``).
DEFAULT_WEIGHTS = Weights()
