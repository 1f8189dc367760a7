"""Trigger specifications: what starts a playbook, and the test whether a signal does."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from banso_notify.domain.audience import PropertyCondition
from banso_notify.domain.durations import Duration
from banso_notify.domain.facts import Band
from banso_notify.domain.signals import (
    GoalAtRiskSignal,
    HealthSignal,
    InactivitySignal,
    MetricSignal,
    MilestoneOverdueSignal,
    Signal,
    TicketResolvedSignal,
    UsageSignal,
)


class Scope(StrEnum):
    USER = "user"
    ACCOUNT = "account"


class _Trigger(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UsageEventTrigger(_Trigger):
    """A named usage event happened (optionally with matching properties)."""

    type: Literal["usage_event"]
    event: str = Field(min_length=1)
    where: list[PropertyCondition] = Field(default_factory=list)

    def matches(self, signal: Signal) -> bool:
        return (
            isinstance(signal, UsageSignal)
            and signal.event == self.event
            and all(condition.holds(dict(signal.properties)) for condition in self.where)
        )


class HealthChangedTrigger(_Trigger):
    """Health entered a band (``to_band``), and/or the score fell by at least ``score_drop``."""

    type: Literal["health_changed"]
    to_band: Band | None = None
    from_bands: list[Band] | None = None
    score_drop: float | None = Field(default=None, gt=0, le=100)

    @model_validator(mode="after")
    def _says_what_change(self) -> Self:
        if self.to_band is None and self.score_drop is None:
            raise ValueError("a health_changed trigger needs to_band, score_drop or both")
        return self

    def matches(self, signal: Signal) -> bool:
        if not isinstance(signal, HealthSignal):
            return False
        if self.to_band is not None:
            # "turned red" means it was not red before: a red account re-scored stays quiet
            if signal.band != self.to_band or signal.previous_band == self.to_band:
                return False
            if self.from_bands is not None and signal.previous_band not in self.from_bands:
                return False
        if self.score_drop is not None:
            if signal.previous_score is None or signal.score is None:
                return False
            if signal.previous_score - signal.score < self.score_drop:
                return False
        return True


class InactivityTrigger(_Trigger):
    """No ``event`` (any usage event when omitted) for ``days`` days, per user or per account."""

    type: Literal["inactivity"]
    days: int = Field(ge=1, le=365)
    event: str | None = None
    scope: Scope = Scope.USER

    def matches(self, signal: Signal) -> bool:
        return (
            isinstance(signal, InactivitySignal)
            and signal.event == self.event
            and signal.inactive_days == self.days
            and (signal.user_id is not None) == (self.scope is Scope.USER)
        )


class MilestoneOverdueTrigger(_Trigger):
    """A milestone is overdue.

    With ``done_event`` and ``due_after`` notify tracks the milestone itself: it is reached by
    the first ``done_event`` and due ``due_after`` after the user signed up (first identified or
    their ``created_at`` trait). Without them, the trigger follows overdue signals from upstream.
    """

    type: Literal["milestone_overdue"]
    milestone: str = Field(min_length=1)
    done_event: str | None = None
    due_after: Duration | None = None

    @model_validator(mode="after")
    def _tracking_is_complete(self) -> Self:
        if (self.done_event is None) != (self.due_after is None):
            raise ValueError("done_event and due_after go together (or both are omitted)")
        if self.due_after is not None and self.due_after <= timedelta(0):
            raise ValueError("due_after must be positive")
        return self

    def matches(self, signal: Signal) -> bool:
        return isinstance(signal, MilestoneOverdueSignal) and signal.milestone == self.milestone


class GoalAtRiskTrigger(_Trigger):
    """An agreed goal is at risk (any goal when ``goal`` is omitted)."""

    type: Literal["goal_at_risk"]
    goal: str | None = None

    def matches(self, signal: Signal) -> bool:
        return isinstance(signal, GoalAtRiskSignal) and self.goal in (None, signal.goal)


class TicketResolvedTrigger(_Trigger):
    """A feedback ticket that users or accounts reported was resolved."""

    type: Literal["ticket_resolved"]

    def matches(self, signal: Signal) -> bool:
        return isinstance(signal, TicketResolvedSignal)


class MetricCrossedTrigger(_Trigger):
    """A derived account metric crossed a threshold upward (``above``) or downward (``below``)."""

    type: Literal["metric_crossed"]
    metric: str = Field(min_length=1)
    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _one_direction(self) -> Self:
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of above or below")
        return self

    def matches(self, signal: Signal) -> bool:
        if not isinstance(signal, MetricSignal) or signal.metric != self.metric:
            return False
        if self.above is not None:
            return signal.value > self.above and (
                signal.previous is None or signal.previous <= self.above
            )
        assert self.below is not None
        return signal.value < self.below and (
            signal.previous is None or signal.previous >= self.below
        )


Trigger = Annotated[
    UsageEventTrigger
    | HealthChangedTrigger
    | InactivityTrigger
    | MilestoneOverdueTrigger
    | GoalAtRiskTrigger
    | TicketResolvedTrigger
    | MetricCrossedTrigger,
    Field(discriminator="type"),
]
