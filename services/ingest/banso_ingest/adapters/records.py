"""Outgoing intents as Kafka records in the contracts' wire format, built without model objects.

The contracts (`banso_contracts`) define each event as a pydantic model and `codec.encode` turns a
model into a record. Ingest writes tens of thousands of events a second, and building and
validating a model per event would cost more than everything else it does; the domain has already
validated every field, so this module writes the same JSON and CloudEvents headers directly.
`tests/ingest/adapters/test_records.py` decodes every kind of record with the contracts' own codec,
so any drift from the models fails the tests.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import orjson

from banso_contracts.events import (
    AccountTraitsUpdated,
    FeedbackReceived,
    UsageRecorded,
    UserAliased,
    UserIdentified,
)
from banso_contracts.topics import ACCOUNT_TRAITS, FEEDBACK, USAGE, USER_TRAITS, Topic
from banso_ingest.domain.feedback import FeedbackItem
from banso_ingest.domain.messages import ALIAS, IDENTIFY, TrackedMessage
from banso_ingest.domain.plan import Outgoing
from banso_ingest.domain.routing import USAGE as USAGE_ROUTE
from banso_ingest.domain.routing import Route, usage_name

SOURCE = "/banso/ingest"
_JSON = orjson.OPT_UTC_Z
_CONSTANT_HEADERS = (
    ("ce_specversion", b"1.0"),
    ("ce_source", SOURCE.encode()),
    ("content-type", b"application/json"),
)
TOPICS: dict[Route, Topic] = {
    Route.USAGE: USAGE,
    Route.USER_TRAITS: USER_TRAITS,
    Route.ACCOUNT_TRAITS: ACCOUNT_TRAITS,
    Route.FEEDBACK: FEEDBACK,
}


class Record(NamedTuple):
    """One Kafka record: logical topic (`banso.usage.v1`), key, JSON value and headers."""

    topic: Topic
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def shared_headers(
    *, workspace_id: str, correlation_id: str | None, origin: str | None
) -> list[tuple[str, bytes]]:
    """The headers every record of one request carries, in the order records carry them."""
    shared = [*_CONSTANT_HEADERS, ("ce_workspace", workspace_id.encode())]
    if correlation_id is not None:
        shared.append(("ce_correlationid", correlation_id.encode()))
    if origin is not None:
        shared.append(("ce_bansoorigin", origin.encode()))
    return shared


class RecordWriter:
    """Writes the records of one request; what they all share is encoded once."""

    def __init__(
        self,
        *,
        workspace_id: str,
        source_id: str,
        correlation_id: str | None = None,
        origin: str | None = None,
    ) -> None:
        self._workspace_id = workspace_id
        self._source_id = source_id
        self._shared = shared_headers(
            workspace_id=workspace_id, correlation_id=correlation_id, origin=origin
        )

    def record(self, outgoing: Outgoing) -> Record:
        payload = outgoing.payload
        if isinstance(payload, FeedbackItem):
            event_type, subject, body = _feedback(
                outgoing, payload, self._workspace_id, self._source_id
            )
        else:
            event_type, subject, body = _tracked(
                outgoing, payload, self._workspace_id, self._source_id
            )
        headers = [
            *self._shared,
            ("ce_id", outgoing.event_id.encode()),
            ("ce_type", event_type),
            # orjson writes datetimes exactly as in the body, and much faster than isoformat()
            ("ce_time", orjson.dumps(body["timestamp"], option=_JSON)[1:-1]),
            ("ce_subject", subject.encode()),
        ]
        return Record(
            TOPICS[outgoing.route],
            outgoing.key.encode(),
            orjson.dumps(body, option=_JSON),
            headers,
        )


# The nested objects an event carries as the client sent them (and the contract names them).
_NESTED = ("properties", "traits", "context", "integrations")


def unwritable_field(outgoing: Outgoing) -> str:
    """Which of an event's objects cannot be written as JSON (orjson writes 254 levels of objects
    and arrays, but reads 1,024): asked only of an event whose record failed to encode."""
    for name in _NESTED:
        try:
            orjson.dumps(getattr(outgoing.payload, name, None))
        except orjson.JSONEncodeError:
            return name
    return "event"


def to_record(
    outgoing: Outgoing, *, workspace_id: str, source_id: str, correlation_id: str | None = None
) -> Record:
    """One record on its own (a `RecordWriter` is cheaper for many)."""
    writer = RecordWriter(
        workspace_id=workspace_id, source_id=source_id, correlation_id=correlation_id
    )
    return writer.record(outgoing)


_USAGE = UsageRecorded.EVENT_TYPE.encode()
_IDENTIFIED = UserIdentified.EVENT_TYPE.encode()
_ALIASED = UserAliased.EVENT_TYPE.encode()
_ACCOUNT = AccountTraitsUpdated.EVENT_TYPE.encode()
_FEEDBACK = FeedbackReceived.EVENT_TYPE.encode()
# The event types of the compiled pass's records, in its order (usage, identified, aliased,
# account traits).
ENCODED_EVENT_TYPES = (_USAGE, _IDENTIFIED, _ALIASED, _ACCOUNT)


def _tracked(
    outgoing: Outgoing, message: TrackedMessage, workspace_id: str, source_id: str
) -> tuple[bytes, str, dict[str, Any]]:
    kind = message.type
    if outgoing.route is USAGE_ROUTE:
        account = outgoing.account.account_id
        body: dict[str, Any] = {
            "workspace_id": workspace_id,
            "source_id": source_id,
            "account_id": account,
            "user_id": message.user_id,
            "anonymous_id": message.anonymous_id,
            # a feedback track published as usage stays a track (a StrEnum: written as its value)
            "kind": kind,
            "event": usage_name(message),
            "properties": message.properties,
            "context": message.context,
            "message_id": message.message_id,
            "timestamp": message.timestamp,
            "original_timestamp": message.original_timestamp,
            "sent_at": message.sent_at,
            "received_at": message.received_at,
        }
        if account is not None:
            subject = account
        elif message.user_id is not None:
            subject = f"user:{message.user_id}"
        else:
            subject = f"anonymous:{message.anonymous_id}"
        return _USAGE, subject, body
    if kind is IDENTIFY:
        return (
            _IDENTIFIED,
            str(message.user_id),
            {
                "workspace_id": workspace_id,
                "source_id": source_id,
                "user_id": message.user_id,
                "anonymous_id": message.anonymous_id,
                "account_id": outgoing.account.account_id,
                "traits": message.traits,
                "message_id": message.message_id,
                "timestamp": message.timestamp,
                "received_at": message.received_at,
            },
        )
    if kind is ALIAS:
        return (
            _ALIASED,
            str(message.previous_id),
            {
                "workspace_id": workspace_id,
                "source_id": source_id,
                "user_id": message.user_id,
                "previous_id": message.previous_id,
                "message_id": message.message_id,
                "timestamp": message.timestamp,
                "received_at": message.received_at,
            },
        )
    return (
        _ACCOUNT,
        str(message.group_id),
        {
            "workspace_id": workspace_id,
            "source_id": source_id,
            "account_id": message.group_id,
            "user_id": message.user_id,
            "traits": message.traits,
            "message_id": message.message_id,
            "timestamp": message.timestamp,
            "received_at": message.received_at,
        },
    )


def _feedback(
    outgoing: Outgoing, item: FeedbackItem, workspace_id: str, source_id: str
) -> tuple[bytes, str, dict[str, Any]]:
    account = str(outgoing.account.account_id)
    return (
        _FEEDBACK,
        account,
        {
            "workspace_id": workspace_id,
            "source_id": source_id,
            # the event id is unique per (source, messageId), hence within the workspace
            "feedback_id": outgoing.event_id,
            "account_id": account,
            "user_id": item.user_id,
            "kind": item.kind.value,
            "text": item.text,
            "score": item.score,
            "language": item.language,
            "external_id": item.external_id,
            "url": item.url,
            "author": item.author,
            "timestamp": item.timestamp,
            "received_at": item.received_at,
        },
    )
