"""Request and response bodies of the scoring API."""

from __future__ import annotations

from datetime import datetime
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
    as_of: datetime | None = Field(description="Stream time the health is computed for.")


class AccountHealth(BaseModel):
    account_id: str
    scorecard_version: int
    health: Health
    applied: Applied
    traits: dict[str, Any]


class HistoryItem(BaseModel):
    computed_at: datetime
    score: float | None
    band: str
    previous_score: float | None
    previous_band: str | None
    cause: str
    change: str | None
    scorecard_version: int
    event_id: str | None
    health: Health


class History(BaseModel):
    account_id: str
    items: list[HistoryItem]


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
