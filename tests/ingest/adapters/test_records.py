"""Records written without model objects must be exactly what the contracts' codec reads."""

from __future__ import annotations

from typing import Any

from banso_contracts.codec import decode
from banso_contracts.events import (
    AccountTraitsUpdated,
    Event,
    FeedbackReceived,
    UsageRecorded,
    UserAliased,
    UserIdentified,
)
from banso_contracts.topics import topic_for
from banso_ingest.adapters.records import Record, to_record
from banso_ingest.domain.feedback import FeedbackKind
from banso_ingest.domain.messages import TrackedMessage
from banso_ingest.domain.plan import Outgoing, assign
from banso_ingest.domain.routing import classify
from tests.ingest.domain.builders import RECEIVED_AT, batch, read_batch, track


def outgoing(*messages: dict[str, Any], known: dict[str, str] | None = None) -> list[Outgoing]:
    intents, rejections = classify(
        read_batch(batch(*messages, sentAt="2025-03-01T12:00:10Z")).messages,
        feedback_events={"NPS Submitted": FeedbackKind.NPS_COMMENT},
    )
    assert rejections == []
    return assign(intents, workspace_id="ws1", source_id="src1", known_groups=known or {}).records


def decoded(record: Record) -> Event:
    envelope, event = decode(record.headers, record.value)
    assert record.topic is topic_for(event)
    assert record.key.decode() == event.partition_key
    assert envelope.workspace == "ws1"
    assert envelope.time == event.event_time
    return event


def test_a_track_becomes_usage_recorded_with_every_field() -> None:
    (record,) = outgoing(
        track(
            messageId="m1",
            timestamp="2025-03-01T12:00:00.250Z",
            properties={"format": "csv", "rows": 3},
            context={"groupId": "acme", "locale": "ja-JP"},
        )
    )
    message = record.payload
    assert isinstance(message, TrackedMessage)
    built = to_record(record, workspace_id="ws1", source_id="src1", correlation_id="req-1")
    event = decoded(built)

    assert isinstance(event, UsageRecorded)
    assert event.model_dump() == {
        "workspace_id": "ws1",
        "source_id": "src1",
        "account_id": "acme",
        "user_id": "u1",
        "anonymous_id": None,
        "kind": "track",
        "event": "Report Exported",
        "properties": {"format": "csv", "rows": 3},
        "context": {"groupId": "acme", "locale": "ja-JP"},
        "message_id": "m1",
        "timestamp": message.timestamp,
        "original_timestamp": message.original_timestamp,
        "sent_at": message.sent_at,
        "received_at": RECEIVED_AT,
    }
    assert ("ce_id", record.event_id.encode()) in built.headers
    assert ("ce_correlationid", b"req-1") in built.headers


def test_usage_without_account_carries_the_person_as_subject() -> None:
    for message, subject in (
        (track(userId="u7"), "user:u7"),
        ({"type": "page", "anonymousId": "a7", "name": "Home"}, "anonymous:a7"),
    ):
        (record,) = outgoing(message)
        event = decoded(to_record(record, workspace_id="ws1", source_id="src1"))
        assert isinstance(event, UsageRecorded)
        assert (event.subject, event.account_id) == (subject, None)


def test_identify_alias_and_group_become_their_trait_events() -> None:
    identify, alias, group = outgoing(
        {"type": "identify", "userId": "u1", "anonymousId": "a1", "traits": {"email": "x@y.jp"}},
        {"type": "alias", "userId": "u1", "previousId": "a1"},
        {"type": "group", "userId": "u1", "groupId": "acme", "traits": {"arr": 12000}},
        known={"u1": "acme"},
    )
    events = [
        decoded(to_record(r, workspace_id="ws1", source_id="src1"))
        for r in (identify, alias, group)
    ]

    assert isinstance(events[0], UserIdentified)
    assert (events[0].user_id, events[0].account_id, events[0].traits) == (
        "u1",
        "acme",
        {"email": "x@y.jp"},
    )
    assert isinstance(events[1], UserAliased)
    assert (events[1].user_id, events[1].previous_id) == ("u1", "a1")
    assert isinstance(events[2], AccountTraitsUpdated)
    assert (events[2].account_id, events[2].traits) == ("acme", {"arr": 12000})


def test_a_feedback_track_becomes_feedback_received() -> None:
    (record,) = outgoing(
        track(
            event="NPS Submitted",
            groupId="acme",
            properties={"comment": "遅い", "score": 3, "url": "https://x.example/1"},
        )
    )
    event = decoded(to_record(record, workspace_id="ws1", source_id="src1"))

    assert isinstance(event, FeedbackReceived)
    assert (event.kind, event.text, event.score, event.url, event.feedback_id) == (
        "nps_comment",
        "遅い",
        3.0,
        "https://x.example/1",
        record.event_id,
    )
