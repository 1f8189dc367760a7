"""A tracking request, read whole: the batch envelope or the single event, and every message in it.

Valid messages are accepted and each invalid one is reported by index, messageId and reason, the
way the issue asks ("partial acceptance"). Only problems with the request as a whole (not an
object, no `batch` array, too many events, a bad top-level field) refuse everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

from banso_ingest.domain.fields import JsonObject
from banso_ingest.domain.limits import IngestLimits
from banso_ingest.domain.messages import (
    Envelope,
    MessageType,
    TrackedMessage,
    message_id_of,
    parse_message,
)
from banso_ingest.domain.rejections import EventRejected, InvalidRequest, Reason, Rejection
from banso_ingest.domain.timestamps import parse_timestamp


@dataclass(frozen=True, slots=True)
class ParsedRequest:
    """The outcome of reading a request: what is valid, what is not, and the key it named."""

    messages: tuple[TrackedMessage, ...]
    rejections: tuple[Rejection, ...]
    write_key: str | None

    @property
    def received(self) -> int:
        return len(self.messages) + len(self.rejections)


def random_message_id() -> str:
    """Segment's libraries always send a messageId; raw HTTP callers that don't get one."""
    return str(uuid4())


def parse_batch(
    body: Any,
    *,
    received_at: datetime,
    limits: IngestLimits,
    body_bytes: int,
    new_message_id: Callable[[], str] = random_message_id,
) -> ParsedRequest:
    """Read a `/v1/batch` (or `/v1/import`) body: `{"batch": [...], "context", ...}`."""
    if not isinstance(body, dict):
        raise InvalidRequest(
            Reason.INVALID_BATCH, "a batch must be a JSON object with a `batch` array"
        )
    items = body.get("batch")
    if not isinstance(items, list):
        raise InvalidRequest(Reason.INVALID_BATCH, "the body has no `batch` array")
    if not items:
        raise InvalidRequest(Reason.EMPTY_BATCH, "the `batch` array is empty")
    if len(items) > limits.max_batch_events:
        raise InvalidRequest(
            Reason.BATCH_TOO_LARGE,
            f"the batch has {len(items)} events; the limit is {limits.max_batch_events}",
        )
    envelope = _envelope(body)
    # No event can be larger than the request that carries it, so small requests skip measuring.
    check_size = body_bytes > limits.max_event_bytes
    messages: list[TrackedMessage] = []
    rejections: list[Rejection] = []
    for index, raw in enumerate(items):
        try:
            messages.append(
                parse_message(
                    raw,
                    index=index,
                    received_at=received_at,
                    limits=limits,
                    new_message_id=new_message_id,
                    envelope=envelope,
                    check_size=check_size,
                )
            )
        except EventRejected as error:
            rejections.append(Rejection(index, message_id_of(raw), error.reason, error.message))
    return ParsedRequest(tuple(messages), tuple(rejections), envelope.write_key)


def parse_single(
    body: Any,
    *,
    message_type: MessageType,
    received_at: datetime,
    limits: IngestLimits,
    body_bytes: int,
    new_message_id: Callable[[], str] = random_message_id,
) -> ParsedRequest:
    """Read a single-event body (`/v1/track`, `/v1/identify`, ...): the message is the body."""
    if not isinstance(body, dict):
        raise InvalidRequest(Reason.NOT_AN_OBJECT, "the body must be a JSON object (one event)")
    write_key = _write_key(body)
    try:
        if body_bytes > limits.max_event_bytes:
            raise EventRejected(
                Reason.EVENT_TOO_LARGE,
                f"the event is {body_bytes} bytes; the limit is {limits.max_event_bytes} bytes",
            )
        message = parse_message(
            body,
            index=0,
            received_at=received_at,
            limits=limits,
            new_message_id=new_message_id,
            envelope=Envelope(write_key=write_key),
            forced_type=message_type,
            check_size=False,  # the body is the event, measured above
        )
    except EventRejected as error:
        rejection = Rejection(0, message_id_of(body), error.reason, error.message)
        return ParsedRequest((), (rejection,), write_key)
    return ParsedRequest((message,), (), write_key)


def _envelope(body: JsonObject) -> Envelope:
    try:
        sent_at = parse_timestamp(body.get("sentAt"), field="sentAt")
    except EventRejected as error:
        raise InvalidRequest(error.reason, error.message) from None
    return Envelope(
        context=_top_level_object(body, "context"),
        integrations=_top_level_object(body, "integrations"),
        sent_at=sent_at,
        write_key=_write_key(body),
    )


def _top_level_object(body: JsonObject, field: str) -> JsonObject | None:
    value = body.get(field)
    if value is None or isinstance(value, dict):
        return value
    raise InvalidRequest(
        Reason.INVALID_FIELD, f"top-level `{field}` must be an object, got {type(value).__name__}"
    )


def _write_key(body: JsonObject) -> str | None:
    value = body.get("writeKey")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidRequest(Reason.INVALID_FIELD, "`writeKey` must be a string")
    return value
