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
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

Positive = Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class _Part(BaseModel):
    # defer_build: the validators are built when a weights file is first read, not at import
    # (a run with the default weights never needs them); see DEFAULT_WEIGHTS below
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class PriorityWeights(_Part):
    low: Positive = 1.0
    medium: Positive = 2.0
    high: Positive = 3.0

    @model_validator(mode="after")
    def _increasing(self) -> PriorityWeights:
        if not self.low <= self.medium <= self.high:
            raise ValueError("priority weights must not decrease: low <= medium <= high")
        return self

    def of(self, priority: int) -> float:
        return (self.low, self.medium, self.high)[priority - 1]


class LevelShortfall(_Part):
    emerging: NonNegative = 0.5
    established: NonNegative = 0.25
    exemplar: NonNegative = 0.0

    @model_validator(mode="after")
    def _decreasing(self) -> LevelShortfall:
        if not self.emerging >= self.established >= self.exemplar:
            raise ValueError(
                "level shortfalls must not grow with level: emerging >= established >= exemplar"
            )
        return self

    def of(self, level: int) -> float:
        return (self.emerging, self.established, self.exemplar)[level - 1]


class ContextWeights(_Part):
    kind: NonNegative = 1.0
    country: NonNegative = 1.0
    size: NonNegative = 1.0
    tags: NonNegative = 1.0


class Weights(_Part):
    """The scoring weights. See the README's "How a match is scored"."""

    priority: PriorityWeights = Field(default_factory=PriorityWeights.model_construct)
    level_shortfall: LevelShortfall = Field(default_factory=LevelShortfall.model_construct)
    related_factor: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 0.5
    context_weight: Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)] = 0.1
    context: ContextWeights = Field(default_factory=ContextWeights.model_construct)
    partner_factor: Fraction = 1.0
    #: With ``--history``: a pair whose teacher's past links on one of the learner's needs
    #: were rated 5 is multiplied by ``1 + history_lift`` (rated 4: half that); see
    #: :mod:`peermatch.files.history`. The score is capped at 100.
    history_lift: Fraction = 0.125

    @model_validator(mode="after")
    def _credit_positive(self) -> Weights:
        if self.level_shortfall.emerging >= self.priority.low:
            raise ValueError(
                "level_shortfall.emerging must be below priority.low, "
                "or an emerging strength would earn nothing"
            )
        return self


#: The defaults, constructed without validation (they are valid: a test checks that they
#: equal ``Weights()``), so that importing this module builds no pydantic validator.
DEFAULT_WEIGHTS = Weights.model_construct()
