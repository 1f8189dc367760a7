"""Health: an account's score, band, and why it moved."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from banso_contracts.events.base import Event, Id, Part, UtcDateTime

Band = Literal["green", "yellow", "red", "unknown"]


class MeasureResult(Part):
    """One scorecard measure for the account."""

    key: Id = Field(description="The measure's key in the scorecard, e.g. `weekly_active_users`.")
    label: str = Field(description="Human label, e.g. `Weekly active users`.")
    value: float | None = Field(description="The raw value; null when there is no data yet.")
    score: float | None = Field(
        ge=0, le=100, description="The value scored 0-100; null when there is no data yet."
    )
    weight: float = Field(ge=0, description="The measure's weight in the scorecard.")
    contribution: float = Field(description="Points this measure adds to the overall score.")


class Driver(Part):
    """A reason the score moved, in words a CSM can act on."""

    measure: Id = Field(description="Key of the measure that moved.")
    direction: Literal["up", "down"] = Field(description="Which way it pushed the score.")
    impact: float = Field(description="Points of score change attributed to it.")
    text: str = Field(description="The explanation, e.g. `Active users fell 40% in 14 days`.")


class Signal(Part):
    """A risk or expansion signal detected on the account."""

    kind: Literal["risk", "expansion"] = Field(description="Risk or expansion.")
    code: Id = Field(description="Stable machine code, e.g. `renewal_soon_low_usage`.")
    text: str = Field(description="The explanation in words.")


class Override(Part):
    """A CSM's manual override of the computed health."""

    score: float | None = Field(ge=0, le=100, description="The score set by hand, if any.")
    band: Band = Field(description="The band set by hand.")
    reason: str = Field(description="Why the CSM overrode it.")
    expires_at: UtcDateTime | None = Field(description="When the override lapses; null = never.")
    set_by: str = Field(description="Who set it (user id or email).")


class HealthChanged(Event):
    """An account's health was (re)computed and changed, or its explanation did.

    ``score``/``band`` are the effective values (the override's when one is active).
    """

    EVENT_TYPE: ClassVar[str] = "banso.health.changed.v1"

    account_id: Id = Field(description="The account.")
    score: float | None = Field(
        ge=0, le=100, description="Health 0-100; null when there is not enough data."
    )
    band: Band = Field(description="The band; `unknown` when there is not enough data.")
    previous_score: float | None = Field(
        ge=0, le=100, description="The score before this change; null if none."
    )
    previous_band: Band | None = Field(description="The band before; null for the first one.")
    trend: float | None = Field(
        description="Score change versus 7 days earlier (points); null without history."
    )
    measures: list[MeasureResult] = Field(description="Every scorecard measure's result.")
    drivers: list[Driver] = Field(description="Why the score moved, biggest impact first.")
    signals: list[Signal] = Field(description="Risk and expansion signals currently raised.")
    reason: Literal["events", "tick", "recompute", "override"] = Field(
        description="What caused the computation: new events, the periodic tick (decay), "
        "a scorecard recompute, or a manual override."
    )
    scorecard_version: int = Field(ge=1, description="Version of the scorecard used.")
    computed_at: UtcDateTime = Field(
        description="The event time the health was computed for (the scoring clock)."
    )
    override: Override | None = Field(default=None, description="The active override, if any.")

    @property
    def subject(self) -> str:
        return self.account_id

    @property
    def event_time(self) -> datetime:
        return self.computed_at
