"""Trigger signals: the facts a playbook can start from.

Adapters turn contract events (usage, health, tickets, traits) into these; the timer sweep
(:mod:`banso_notify.domain.timers`) produces the time-based ones (inactivity, overdue milestones).
Every signal carries the id of the event that caused it: it is part of each nudge's idempotency key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from banso_notify.domain.facts import Band


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalBase:
    workspace_id: str
    account_id: str
    event_id: str
    occurred_at: datetime
    user_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UsageSignal(SignalBase):
    """A track/page/screen event."""

    event: str
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthSignal(SignalBase):
    """An account's health moved; drivers are the words scoring gave for why."""

    score: float | None
    band: Band | None  # None while scoring has too little data ("unknown")
    previous_score: float | None = None
    previous_band: Band | None = None
    drivers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class InactivitySignal(SignalBase):
    """No matching event for a playbook's whole inactivity window (user or account)."""

    event: str | None
    last_seen_at: datetime
    inactive_days: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneOverdueSignal(SignalBase):
    milestone: str
    due_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class GoalAtRiskSignal(SignalBase):
    goal: str
    detail: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketResolvedSignal(SignalBase):
    """A feedback ticket was resolved; reporters are the people who raised the pain point."""

    ticket_id: str
    title: str
    url: str | None = None
    reporter_user_ids: tuple[str, ...] = ()
    reporter_account_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricSignal(SignalBase):
    """An account metric notify derives from traits changed, e.g. seat utilisation."""

    metric: str
    value: float
    previous: float | None = None


Signal = (
    UsageSignal
    | HealthSignal
    | InactivitySignal
    | MilestoneOverdueSignal
    | GoalAtRiskSignal
    | TicketResolvedSignal
    | MetricSignal
)
