"""How a measure's raw value becomes a score from 0 to 100.

Three shapes cover what CS operations teams write in practice:

- ``thresholds``: steps such as "at least 80 % → 100, at least 50 % → 70" (or, for values where
  lower is better, "at most 0 tickets → 100, at most 2 → 60"); anything past the last step
  scores ``otherwise``.
- ``linear``: 0 at ``worst``, 100 at ``best``, straight line between, clamped. ``worst`` may be
  larger than ``best`` when lower is better (days since last touch).
- ``ratio``: the value against a ``target``: ``min(value / target, 1) × 100``.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Step(_Strict):
    """One threshold step: ``min`` (value at least) or ``max`` (value at most), and its score."""

    min: float | None = None
    max: float | None = None
    score: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _one_bound(self) -> Self:
        if (self.min is None) == (self.max is None):
            raise ValueError("give exactly one of min or max")
        return self


class Thresholds(_Strict):
    kind: Literal["thresholds"]
    steps: list[Step] = Field(min_length=1)
    otherwise: float = Field(default=0, ge=0, le=100)

    @model_validator(mode="after")
    def _consistent_steps(self) -> Self:
        uses_min = self.steps[0].min is not None
        if any((step.min is not None) != uses_min for step in self.steps):
            raise ValueError("steps must all use min or all use max")
        bounds = [step.min if uses_min else step.max for step in self.steps]
        ordered = sorted((b for b in bounds if b is not None), reverse=uses_min)
        if bounds != ordered:
            order = "descending min" if uses_min else "ascending max"
            raise ValueError(f"steps must be in {order} order")
        return self

    def score(self, value: float) -> float:
        for step in self.steps:
            if step.min is not None and value >= step.min:
                return step.score
            if step.max is not None and value <= step.max:
                return step.score
        return self.otherwise


class Linear(_Strict):
    kind: Literal["linear"]
    worst: float
    best: float

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if self.worst == self.best:
            raise ValueError("worst and best must differ")
        return self

    def score(self, value: float) -> float:
        fraction = (value - self.worst) / (self.best - self.worst)
        return 100.0 * min(1.0, max(0.0, fraction))


class Ratio(_Strict):
    kind: Literal["ratio"]
    target: float = Field(gt=0)

    def score(self, value: float) -> float:
        return 100.0 * min(1.0, max(0.0, value / self.target))


ScoringFunction = Annotated[Thresholds | Linear | Ratio, Field(discriminator="kind")]
SCORING_KINDS = frozenset({"thresholds", "linear", "ratio"})
