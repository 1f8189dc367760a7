"""The shapes of a playbook's report and enrolments, as the API answers them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class ArmPublic(BaseModel):
    accounts: int  # units in this arm (the report's `unit`)
    converted: int  # of them, with at least one conversion attributed
    rate: float | None
    enrolments: int  # the nudges (decided to send, or held out) behind those accounts


class Interval(BaseModel):
    low: float
    high: float


class PerArm(BaseModel):
    treatment: int
    holdout: int


class UpliftPublic(BaseModel):
    unit: str
    n: PerArm
    converted: PerArm
    difference: float  # treatment rate minus holdout rate
    relative: float | None
    ci95: Interval  # Newcombe's hybrid score interval
    wald_ci95: Interval


class AttributionPublic(BaseModel):
    clock: Literal["event_time"]
    window_opens_at: Literal["trigger"]
    goal_event: str
    goal_scope: str
    window_seconds: int


class PlaybookReportPublic(BaseModel):
    playbook_id: str
    holdout_percent: float
    unit: str
    attribution: AttributionPublic | None
    sent: int
    failed: int
    pending: int
    suppressed: dict[str, int]
    converted: int
    treatment: ArmPublic
    holdout: ArmPublic
    uplift: UpliftPublic | None
    method: str


class EnrolmentPublic(BaseModel):
    nudge_id: str
    account_id: str
    user_id: str | None
    variant: str
    goal_event: str
    goal_scope: str
    window_starts_at: datetime
    window_ends_at: datetime
    converted_at: datetime | None
