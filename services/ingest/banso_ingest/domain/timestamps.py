"""Event time: reading ISO-8601 timestamps and correcting the sender's clock skew.

Segment's rule, which RudderStack follows too: a device's clock may be wrong, but it is wrong by the
same amount when it stamps an event (`timestamp`, kept as `originalTimestamp`) and when it sends the
batch (`sentAt`). Ingest knows the true time of arrival (`receivedAt`), so

    timestamp = originalTimestamp + (receivedAt - sentAt)

Without `sentAt` the sender's timestamp is taken as it is (historical imports rely on that); without
any timestamp the event happened when it arrived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from banso_ingest.domain.rejections import EventRejected, Reason


def parse_timestamp(value: object, *, field: str) -> datetime | None:
    """An aware UTC datetime from an ISO-8601 string; None when absent; naive times are UTC."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise EventRejected(
            Reason.BAD_TIMESTAMP, f"`{field}` must be an ISO-8601 string, got {_kind(value)}"
        )
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise EventRejected(
            Reason.BAD_TIMESTAMP, f"`{field}` is not an ISO-8601 timestamp: {value[:64]!r}"
        ) from None
    if parsed.tzinfo is UTC:  # "...Z", what the SDKs send: already right
        return parsed
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class EventTime:
    """The corrected event time and what it was computed from."""

    timestamp: datetime
    original_timestamp: datetime | None
    sent_at: datetime | None
    received_at: datetime


def corrected_time(
    *, original: datetime | None, sent_at: datetime | None, received_at: datetime
) -> datetime:
    """Apply Segment's clock-skew correction (see the module docstring)."""
    if original is None:
        return received_at
    if sent_at is None:
        return original
    try:
        return original + (received_at - sent_at)
    except OverflowError:
        raise EventRejected(
            Reason.BAD_TIMESTAMP,
            "`timestamp` corrected by the sender's clock offset falls outside the calendar",
        ) from None


def event_time(
    *, original: datetime | None, sent_at: datetime | None, received_at: datetime
) -> EventTime:
    """The corrected time together with its inputs."""
    return EventTime(
        timestamp=corrected_time(original=original, sent_at=sent_at, received_at=received_at),
        original_timestamp=original,
        sent_at=sent_at,
        received_at=received_at,
    )


def _kind(value: object) -> str:
    return type(value).__name__
