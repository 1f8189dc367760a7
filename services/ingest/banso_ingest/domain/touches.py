"""A CS touch a CSM logged (a call, a meeting, an e-mail, a QBR): one `csm_note` feedback item.

Scoring already counts a CSM note as a CS touch (its `cs_touch_recency` measure), and the bridge
groups its text with the rest of the customer's voice; so a touch is published once, as that
item, and never as usage (a CSM's call is not the customer using the product). The touch's kind
travels in the item's `external_id` (its id in the originating tool, the console):
`touch-<kind>-<id>`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from banso_ingest.domain.feedback import FeedbackItem, FeedbackKind

TouchKind = Literal["call", "meeting", "email", "qbr"]
TOUCH_KINDS: tuple[TouchKind, ...] = ("call", "meeting", "email", "qbr")
ID_PREFIX = "touch"
# A touch is logged after it happened: a little clock skew is forgiven, a future date is not.
FUTURE_ALLOWANCE = timedelta(minutes=5)
OLDEST = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class CsTouch:
    account_id: str
    kind: TouchKind
    occurred_at: datetime
    note: str
    touch_id: str
    author: str | None = None  # who logged it: the console's signed-in user


def touch_problem(touch: CsTouch, *, now: datetime) -> tuple[str, str] | None:
    """The field that is wrong and why, or None."""
    if not touch.note.strip():
        return "note", "the note is empty"
    if touch.occurred_at > now + FUTURE_ALLOWANCE:
        return "occurred_at", "a touch is logged after it happened, not in the future"
    if touch.occurred_at < now - OLDEST:
        return "occurred_at", "a touch older than a year is not logged"
    return None


def touch_ref(touch: CsTouch) -> str:
    """The touch's id in the console, kept by every service as the item's `external_id`."""
    return f"{ID_PREFIX}-{touch.kind}-{touch.touch_id}"


def touch_item(touch: CsTouch, *, received_at: datetime) -> FeedbackItem:
    """The touch as the CSM note ingest publishes."""
    return FeedbackItem(
        index=0,
        message_id=touch_ref(touch),
        kind=FeedbackKind.CSM_NOTE,
        text=touch.note.strip(),
        account_id=touch.account_id,
        user_id=None,
        anonymous_id=None,
        score=None,
        language=None,
        external_id=touch_ref(touch),
        url=None,
        timestamp=touch.occurred_at,
        received_at=received_at,
        source_event=None,
        author=touch.author,
    )
