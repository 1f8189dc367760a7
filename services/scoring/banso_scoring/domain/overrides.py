"""Manual overrides: a CSM knows something the data does not (a champion left, a signed
expansion). An override sets the band (and optionally the score) with a reason, until it
expires by itself; computed health keeps being tracked underneath and is shown beside it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from banso_scoring.domain.health import Health, HealthFields

MAX_OVERRIDE_DAYS = 365


class OverrideConflict(ValueError):
    """An active override exists and the caller did not say it replaces it."""


class Override(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    band: Literal["green", "yellow", "red"]
    score: float | None = Field(default=None, ge=0, le=100)
    reason: str = Field(min_length=3, max_length=1000)
    set_by: str = Field(min_length=1, max_length=200)
    set_at: AwareDatetime
    expires_at: AwareDatetime

    @model_validator(mode="after")
    def _expires_later(self) -> Self:
        if self.expires_at <= self.set_at:
            raise ValueError("expires_at: must be after the override is set")
        if (self.expires_at - self.set_at).days > MAX_OVERRIDE_DAYS:
            raise ValueError(f"expires_at: at most {MAX_OVERRIDE_DAYS} days ahead")
        return self

    def active_at(self, now: datetime) -> bool:
        # Not "set_at <= now": health is evaluated on stream time, which may trail the clock
        # that stamped set_at; an override holds from the moment it is stored.
        return now < self.expires_at


def apply_override(health: Health, override: Override | None, now: datetime) -> Health:
    """The health to show and publish: the override while it lasts, else the computed one."""
    if override is None or not override.active_at(now):
        return health
    return Health.model_validate(override_fields(health.model_dump(), override, now))


def override_fields(fields: HealthFields, override: Override | None, now: datetime) -> HealthFields:
    """``apply_override`` on a health's plain fields (``health.health_fields``)."""
    if override is None or not override.active_at(now):
        return fields
    score = override.score if override.score is not None else fields["score"]
    applied = {
        "band": override.band,
        "score": override.score,
        "reason": override.reason,
        "set_by": override.set_by,
        "expires_at": override.expires_at,
        "computed_score": fields["score"],
        "computed_band": fields["band"],
    }
    return {**fields, "band": override.band, "score": score, "override": applied}


def check_replace(current: Override | None, now: datetime, *, replace: bool) -> None:
    """Refuse to overwrite another person's active override unless asked to."""
    if current is not None and current.active_at(now) and not replace:
        raise OverrideConflict(
            f"an override by {current.set_by} is active until {current.expires_at.isoformat()}"
            f" ({current.reason}); set replace to overwrite it"
        )
