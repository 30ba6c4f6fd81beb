"""The rules a weights file's values must keep, as pydantic models: ranges, and the
monotone orders that keep a score monotone. A mapping of
overrides is checked here by :meth:`peermatch.core.weights.Weights.model_validate` (this
module is imported only then).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

Positive = Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class _Part(BaseModel):
    # defer_build: the validators are built when a weights file is first read
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


class ContextWeights(_Part):
    kind: NonNegative = 1.0
    country: NonNegative = 1.0
    size: NonNegative = 1.0
    tags: NonNegative = 1.0


class Weights(_Part):
    """The rules of :class:`peermatch.core.weights.Weights`, field for field."""

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
