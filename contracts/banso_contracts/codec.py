"""Events to Kafka records and back: JSON payload, CloudEvents headers, key from the registry."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar, overload

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from banso_contracts.envelope import Envelope, envelope_headers
from banso_contracts.errors import ContractError
from banso_contracts.events import Event
from banso_contracts.topics import Topic, event_class, topic_for

E = TypeVar("E", bound=Event)


@dataclass(frozen=True, slots=True)
class EncodedEvent:
    """A Kafka record ready to send to ``topic.physical_name(prefix)``."""

    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]
    envelope: Envelope
    topic: Topic


def encode(
    event: Event,
    *,
    source: str,
    event_id: str | None = None,
    time: datetime | None = None,
    correlation_id: str | None = None,
) -> EncodedEvent:
    """Encode ``event`` as a Kafka record of the topic the registry assigns to its type.

    ``source`` names the producer (e.g. ``/banso/ingest``). ``event_id`` defaults to a random
    UUID; a producer that may emit the same fact twice passes a stable id so consumers drop the
    repeat. ``time`` defaults to the event's own event time, so no wall clock is read here.
    The value is compact UTF-8 JSON with RFC 3339 UTC datetimes.
    """
    topic = topic_for(event)
    envelope = Envelope(
        id=event_id if event_id is not None else str(uuid.uuid4()),
        source=source,
        type=event.EVENT_TYPE,
        time=time if time is not None else event.event_time,
        subject=event.subject,
        workspace=event.workspace_id,
        correlationid=correlation_id,
    )
    return EncodedEvent(
        key=topic.key_for(event).encode("utf-8"),
        value=event.model_dump_json().encode("utf-8"),
        headers=envelope.to_headers(),
        envelope=envelope,
        topic=topic,
    )


@dataclass(frozen=True, slots=True)
class EncodedJson:
    """A Kafka record of an event its producer wrote as JSON (``encode_json``)."""

    event_id: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]
    topic: Topic


def encode_json(
    event_type: type[Event],
    value: bytes,
    *,
    workspace_id: str,
    subject: str,
    time: datetime,
    source: str,
    event_id: str,
) -> EncodedJson:
    """``encode`` of an event of ``event_type`` that its producer wrote as JSON itself
    (``value``, what ``model_dump_json`` would write) rather than built as a model: the same
    key and headers. The producer answers for ``value`` and the attributes being valid;
    neither the event nor its envelope is validated here. Only for events keyed by
    workspace and subject (``Event.partition_key``)."""
    if event_type.partition_key is not Event.partition_key:
        raise ContractError(f"{event_type.EVENT_TYPE} has a key of its own: encode the model")
    return EncodedJson(
        event_id=event_id,
        key=f"{workspace_id}:{subject}".encode(),
        value=value,
        headers=envelope_headers(
            id=event_id,
            source=source,
            type=event_type.EVENT_TYPE,
            time=time,
            subject=subject,
            workspace=workspace_id,
        ),
        topic=topic_for(event_type),
    )


@overload
def decode(
    headers: Sequence[tuple[str, bytes | None]], value: bytes | None, *, expected: type[E]
) -> tuple[Envelope, E]: ...
@overload
def decode(
    headers: Sequence[tuple[str, bytes | None]], value: bytes | None, *, expected: None = None
) -> tuple[Envelope, Event]: ...
def decode(
    headers: Sequence[tuple[str, bytes | None]],
    value: bytes | None,
    *,
    expected: type[Event] | None = None,
) -> tuple[Envelope, Event]:
    """Decode a Kafka record into its envelope and event.

    The model comes from the ``ce_type`` header through the registry. Unknown payload fields are
    ignored (newer producers may add optional fields). Raises ContractError naming the problem:
    a missing or bad header, an unknown or unexpected type, invalid JSON, each invalid field
    with its path, or a workspace or subject in the headers that differs from the payload.
    """
    envelope = Envelope.from_headers(headers)
    model = event_class(envelope.type)
    if expected is not None and model is not expected:
        raise ContractError(f"expected {expected.EVENT_TYPE}, got {envelope.type}")
    if value is None:
        raise ContractError(f"{envelope.type}: the record has no value")
    try:
        event = model.model_validate_json(value)
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise ContractError(f"{envelope.type}: {problems}") from exc
    if envelope.workspace != event.workspace_id:
        raise ContractError(
            f"{envelope.type}: header ce_workspace {envelope.workspace!r} differs from "
            f"payload workspace_id {event.workspace_id!r}"
        )
    if envelope.subject != event.subject:
        raise ContractError(
            f"{envelope.type}: header ce_subject {envelope.subject!r} differs from "
            f"the payload's subject {event.subject!r}"
        )
    return envelope, event


def _describe(error: ErrorDetails) -> str:
    if error["type"] == "json_invalid":
        return f"invalid JSON: {error['ctx']['error'] if 'ctx' in error else error['msg']}"
    path = ".".join(str(part) for part in error["loc"])
    return f"{path}: {error['msg']}" if path else error["msg"]
