"""The scorecard: which measures make up an account's health, and how they are weighed.

A workspace has one scorecard (YAML, see ``scorecards/default.yaml``). Segments (by plan, seats
or ARR) may replace its measures, bands, key events, core action, milestones or minimum-data
rule for the accounts they match; the first matching segment wins.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from banso_scoring.domain.measure_specs import (
    CoreActionFrequency,
    Duration,
    FeatureAdoption,
    MeasureSpec,
    bucket_span,
    record_span,
)
from banso_scoring.domain.validation_messages import describe


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bands(_Strict):
    """A score at or above ``green`` is green, at or above ``yellow`` yellow, else red."""

    green: float = Field(default=70, gt=0, le=100)
    yellow: float = Field(default=40, gt=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.yellow >= self.green:
            raise ValueError("yellow must be below green")
        return self

    def band_of(self, score: float) -> Literal["green", "yellow", "red"]:
        if score >= self.green:
            return "green"
        if score >= self.yellow:
            return "yellow"
        return "red"


class MinimumData(_Strict):
    """When an account has too little history to judge, its band is ``unknown``, never red.

    An account is judged once it is ``min_age`` old or has been active on ``min_active_days``
    distinct days, and only if measures carrying at least ``min_measured_weight`` of the
    weight could be computed.
    """

    min_age: Duration = timedelta(days=14)
    min_active_days: int = Field(default=5, ge=0)
    min_measured_weight: float = Field(default=0.4, ge=0, le=1)


class MilestoneSpec(_Strict):
    """An onboarding milestone: ``event`` first seen within ``due_day`` days of creation."""

    name: str = Field(min_length=1, max_length=100)
    event: str = Field(min_length=1, max_length=200)
    due_day: int = Field(ge=0, le=3650)


class Rules(_Strict):
    """What segments may override."""

    bands: Bands = Bands()
    minimum_data: MinimumData = MinimumData()
    key_events: list[str] = Field(default_factory=list, max_length=100)
    core_action: str | None = None
    milestones: list[MilestoneSpec] = Field(default_factory=list, max_length=50)
    measures: list[MeasureSpec] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        kinds = [spec.measure for spec in self.measures]
        duplicates = sorted({kind for kind in kinds if kinds.count(kind) > 1})
        if duplicates:
            raise ValueError(f"measures: {', '.join(duplicates)} listed more than once")
        if any(isinstance(s, FeatureAdoption) for s in self.measures) and not self.key_events:
            raise ValueError("key_events: feature_adoption needs at least one key event")
        if any(isinstance(s, CoreActionFrequency) for s in self.measures) and not (
            self.core_action
        ):
            raise ValueError("core_action: core_action_frequency needs a core action")
        names = [m.name for m in self.milestones]
        if len(names) != len(set(names)):
            raise ValueError("milestones: names must be unique")
        return self

    @cached_property
    def total_weight(self) -> float:
        return sum(spec.weight for spec in self.measures)


class SegmentMatch(_Strict):
    """Every condition given must hold; plans compare case-insensitively."""

    plans: list[str] | None = None
    min_seats: int | None = Field(default=None, ge=0)
    max_seats: int | None = Field(default=None, ge=0)
    min_arr: float | None = Field(default=None, ge=0)
    max_arr: float | None = Field(default=None, ge=0)

    def matches(self, *, plan: str | None, seats: int | None, arr: float | None) -> bool:
        if self.plans is not None:
            if plan is None or plan.casefold() not in {p.casefold() for p in self.plans}:
                return False
        if not _within(seats, self.min_seats, self.max_seats):
            return False
        return _within(arr, self.min_arr, self.max_arr)


def _within(value: float | None, low: float | None, high: float | None) -> bool:
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


class Segment(_Strict):
    name: str = Field(min_length=1, max_length=100)
    when: SegmentMatch
    bands: Bands | None = None
    minimum_data: MinimumData | None = None
    key_events: list[str] | None = None
    core_action: str | None = None
    milestones: list[MilestoneSpec] | None = None
    measures: list[MeasureSpec] | None = Field(default=None, min_length=1, max_length=30)

    def overrides(self) -> dict[str, object]:
        fields = ("bands", "minimum_data", "key_events", "core_action", "milestones", "measures")
        return {name: getattr(self, name) for name in fields if getattr(self, name) is not None}


class Scorecard(Rules):
    """A workspace's whole scorecard."""

    name: str = Field(default="default", min_length=1, max_length=100)
    # A HealthChanged is emitted when the band changes or the score moves at least this much.
    delta: float = Field(default=5, gt=0, le=100)
    # Events up to this much older than the newest one seen for the account still count.
    lateness: Duration = timedelta(days=2)
    # Event times further ahead of their receipt than this are a sender's wrong clock.
    future_tolerance: Duration = timedelta(minutes=5)
    # Longest window a per-account goal may use (daily history is kept at least this long).
    max_goal_window: Duration = timedelta(days=30)
    top_drivers: int = Field(default=3, ge=1, le=10)
    segments: list[Segment] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _segments_coherent(self) -> Self:
        for index, segment in enumerate(self.segments):
            try:
                self._rules_with(segment)
            except ValidationError as error:
                problems = "; ".join(describe(error))
                raise ValueError(f"segments[{index}] ({segment.name}): {problems}") from None
        return self

    def _rules_with(self, segment: Segment) -> Rules:
        base = {name: getattr(self, name) for name in Rules.model_fields}
        base.update(segment.overrides())
        return Rules.model_validate(base)

    def resolve(
        self, *, plan: str | None, seats: int | None, arr: float | None
    ) -> tuple[str | None, Rules]:
        """The segment an account falls in (None: the base scorecard) and its rules."""
        for segment, rules in zip(self.segments, self.segment_rules, strict=True):
            if segment.when.matches(plan=plan, seats=seats, arr=arr):
                return segment.name, rules
        return None, self

    @cached_property
    def segment_rules(self) -> list[Rules]:
        """Each segment's rules, built once (``resolve`` runs for every assessment)."""
        return [self._rules_with(segment) for segment in self.segments]

    def _all_specs(self) -> list[MeasureSpec]:
        specs = list(self.measures)
        for segment in self.segments:
            specs.extend(segment.measures or [])
        return specs

    @property
    def bucket_retention(self) -> timedelta:
        """How long daily buckets are kept: the longest window reading them, plus lateness."""
        spans = [bucket_span(spec) for spec in self._all_specs()]
        longest = max([span for span in spans if span is not None] + [self.max_goal_window])
        return longest + self.lateness

    @property
    def record_retention(self) -> timedelta:
        """How long feedback, survey and touch records are kept."""
        spans = [record_span(spec) for spec in self._all_specs()]
        return max([span for span in spans if span is not None] + [timedelta(days=1)])
