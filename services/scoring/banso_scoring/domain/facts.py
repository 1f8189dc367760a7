"""What the scoring domain learns from the outside world, already decoded.

Adapters turn contract events (UsageRecorded, AccountTraitsUpdated, FeedbackReceived, Nudge*)
into these plain records; the domain never sees Kafka or JSON. Times are seconds since the
epoch: ``at`` is when it happened (event time), ``received_at`` when ingest received it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

SurveyKind = Literal["nps", "csat"]
TouchKind = Literal["nudge", "csm_note"]


@dataclass(frozen=True, slots=True)
class TraitsUpdate:
    """Account traits; ``None`` means "not given" (an update never erases a known trait), but
    the owner comes whole: an update naming the owner (``csm``) sets their name too, even to
    None, so a new owner never keeps the previous one's name."""

    at: float
    seats: int | None = None
    plan: str | None = None
    arr: float | None = None
    renewal_at: float | None = None
    created_at: float | None = None
    timezone: str | None = None
    name: str | None = None
    csm: str | None = None  # who owns the account: their e-mail when known, else name or id
    csm_name: str | None = None  # the owner's name, when the traits tell it


@dataclass(frozen=True, slots=True)
class FeedbackItem:
    """A pain point or comment: support ticket, churn reason, feature request, NPS comment."""

    at: float
    kind: str
    text: str = ""
    language: str | None = None


@dataclass(frozen=True, slots=True)
class SurveyAnswer:
    """An NPS (0–10) or CSAT (1–5) answer."""

    at: float
    kind: SurveyKind
    score: float


@dataclass(frozen=True, slots=True)
class Touch:
    """A customer-success touch: an automated nudge that was sent, or a CSM's note."""

    at: float
    kind: TouchKind


# Not frozen: a Usage is built for every usage event, and a frozen dataclass costs three
# times as much to build. Nothing mutates one after it is made.
@dataclass(slots=True)
class Usage:
    """One product usage event (track, page or screen)."""

    name: str
    at: float
    received_at: float
    user_id: str | None = None
    properties: Mapping[str, object] | None = None
