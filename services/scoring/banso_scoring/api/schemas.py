"""Request and response bodies of the scoring API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from banso_scoring.domain.goals import Goal
from banso_scoring.domain.health import Health
from banso_scoring.domain.measure_specs import Duration
from banso_scoring.domain.scorecard import MilestoneSpec


class AccountSummary(BaseModel):
    account_id: str
    score: float | None
    band: str
    evaluated_at: datetime | None


class AccountList(BaseModel):
    accounts: list[AccountSummary]
    next_offset: int | None = Field(description="Pass as `offset` for the next page.")


class Applied(BaseModel):
    """How much of the account's history the health reflects."""

    events: int
    dropped_late: int = Field(description="Events older than the lateness allowance.")
    clamped_future: int = Field(description="Events stamped ahead by the sender's clock.")
    last_event_at: datetime | None
    as_of: datetime | None = Field(description="Event time the health is computed for.")
    late_before: datetime | None = Field(
        description="Usage stamped before this arrives too late to count (`dropped_late`)."
    )
    final_through: date | None = Field(
        description="History up to the end of this event-time day is final: no event changes it."
    )
    history_through: date | None = Field(
        description="The last event-time day whose close is in the history."
    )
    history_pending_from: date | None = Field(
        description="Events reached this closed day since its close: its close and the later "
        "ones are being recorded again (null when the history is up to date)."
    )


class AccountHealth(BaseModel):
    account_id: str
    scorecard_version: int
    health: Health
    applied: Applied
    traits: dict[str, Any]


class HistoryItem(BaseModel):
    at: datetime = Field(description="Event time at which this health held.")
    day: date = Field(description="The UTC day of `at`.")
    recorded_at: datetime = Field(
        description="When scoring evaluated it (stream time: when the events arrived)."
    )
    computed_at: datetime = Field(description="Same as `at` (kept for older clients).")
    score: float | None
    band: str
    previous_score: float | None
    previous_band: str | None
    cause: Literal["events", "tick", "recompute", "override", "day"] = Field(
        description="`day`: the health at the end of an event-time day; the others: an "
        "evaluation that published a change (events, tick, override) or a recomputation."
    )
    change: str | None
    scorecard_version: int
    event_id: str | None
    revised: bool = Field(
        description="A day's close recorded again: events for that day arrived after it had "
        "closed, within the lateness allowance."
    )
    health: Health | None = Field(
        description="Measures, drivers and signals; null for a day's close (score and band only)."
    )


class History(BaseModel):
    account_id: str
    granularity: Literal["entry", "day"]
    items: list[HistoryItem] = Field(description="Newest first, by event time.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next (older) page.")


class ScorecardPublic(BaseModel):
    version: int
    yaml: str
    scorecard: dict[str, Any]
    is_default: bool


class GoalsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    goals: list[Goal] = Field(max_length=20)


class MilestonesBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    milestones: list[MilestoneSpec] = Field(max_length=50)


class OverrideBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    band: Literal["green", "yellow", "red"]
    score: float | None = Field(default=None, ge=0, le=100)
    reason: str = Field(min_length=3, max_length=1000)
    set_by: str = Field(min_length=1, max_length=200, description="Who decides (e.g. email).")
    expires_at: AwareDatetime | None = None
    expires_in: Duration | None = Field(default=None, description="Instead of expires_at: 14d")
    replace: bool = Field(default=False, description="Overwrite another active override.")


class AuditItem(BaseModel):
    action: str
    actor: str
    at: datetime
    override: dict[str, Any]


class OverridePublic(BaseModel):
    account_id: str
    override: dict[str, Any] | None
    audit: list[AuditItem]
