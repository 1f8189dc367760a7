"""Reading Segment messages: every class of bad input gets its reason; valid ones are normalised."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from banso_ingest.domain.messages import MessageType
from banso_ingest.domain.rejections import Reason
from tests.ingest.domain.builders import batch, read_batch, track


def only_rejection_reason(message: object) -> str:
    parsed = read_batch(batch(message))
    assert parsed.messages == ()
    (rejection,) = parsed.rejections
    return rejection.reason.value


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ({"type": "track", "event": "Signed Up"}, Reason.MISSING_IDENTITY),
        ({"type": "track", "userId": None, "anonymousId": "", "event": "x"}, "missing_identity"),
        ({"type": "page", "properties": {"path": "/"}}, Reason.MISSING_IDENTITY),
        ({"type": "identify", "anonymousId": "a1", "traits": {}}, Reason.MISSING_USER_ID),
        ({"type": "track", "userId": "u1"}, Reason.MISSING_EVENT),
        ({"type": "track", "userId": "u1", "event": "   "}, Reason.MISSING_EVENT),
        ({"type": "group", "userId": "u1", "traits": {}}, Reason.MISSING_GROUP_ID),
        ({"type": "alias", "userId": "u1"}, Reason.MISSING_PREVIOUS_ID),
        ({"type": "alias", "previousId": "anon-1"}, Reason.MISSING_USER_ID),
        ({"type": "purchase", "userId": "u1"}, Reason.UNKNOWN_TYPE),
        ({"type": 7, "userId": "u1"}, Reason.UNKNOWN_TYPE),
        ({"userId": "u1", "event": "x"}, Reason.MISSING_TYPE),
        (track(timestamp="yesterday"), Reason.BAD_TIMESTAMP),
        (track(timestamp=1700000000), Reason.BAD_TIMESTAMP),
        (track(sentAt="not a time"), Reason.BAD_TIMESTAMP),
        (track(properties=["a", "b"]), Reason.INVALID_FIELD),
        (track(context="web"), Reason.INVALID_FIELD),
        (track(userId=True), Reason.INVALID_FIELD),
        (track(userId={"id": 1}), Reason.INVALID_FIELD),
        (track(userId="u" * 300), Reason.INVALID_FIELD),
        (track(event=42), Reason.INVALID_FIELD),
        (track(context={"groupId": ["a"]}), Reason.INVALID_FIELD),
        ("just a string", Reason.NOT_AN_OBJECT),
        (None, Reason.NOT_AN_OBJECT),
    ],
)
def test_each_class_of_bad_event_has_its_reason(message: object, reason: str) -> None:
    assert only_rejection_reason(message) == reason


def test_an_event_over_32_kb_is_rejected_and_the_rest_of_the_batch_accepted() -> None:
    big = track(messageId="big", properties={"blob": "x" * (33 * 1024)})
    parsed = read_batch(batch(track(messageId="small-1"), big, track(messageId="small-2")))

    assert [m.message_id for m in parsed.messages] == ["small-1", "small-2"]
    (rejection,) = parsed.rejections
    assert (rejection.index, rejection.message_id, rejection.reason) == (
        1,
        "big",
        Reason.EVENT_TOO_LARGE,
    )
    assert "32768" in rejection.message


def test_partial_acceptance_reports_index_message_id_and_a_readable_reason() -> None:
    parsed = read_batch(
        batch(
            track(messageId="m0"),
            {"type": "track", "messageId": "m1", "event": "x"},
            track(messageId="m2"),
            {"type": "page", "messageId": "m3", "userId": "u1", "timestamp": "32/13/2024"},
        )
    )

    assert [m.index for m in parsed.messages] == [0, 2]
    assert [r.as_json() for r in parsed.rejections] == [
        {
            "index": 1,
            "messageId": "m1",
            "reason": "missing_identity",
            "message": "track requires `userId` or `anonymousId`",
        },
        {
            "index": 3,
            "messageId": "m3",
            "reason": "bad_timestamp",
            "message": "`timestamp` is not an ISO-8601 timestamp: '32/13/2024'",
        },
    ]
    assert parsed.received == 4


def test_numeric_ids_are_accepted_as_their_decimal_text() -> None:
    (message,) = read_batch(batch(track(userId=42, messageId=7, groupId=1001))).messages
    assert (message.user_id, message.message_id, message.group_id) == ("42", "7", "1001")


def test_a_missing_message_id_is_generated_and_marked_as_such() -> None:
    (message,) = read_batch(batch(track())).messages
    assert message.message_id == "generated-1"
    assert message.message_id_generated


def test_top_level_context_and_integrations_apply_to_every_event_the_event_winning() -> None:
    body = batch(
        track(context={"locale": "ja-JP"}),
        track(context={"groupId": "acme"}, integrations={"All": True}),
        context={"locale": "en-US", "library": {"name": "analytics-python"}},
        integrations={"All": False},
    )
    first, second = read_batch(body).messages

    assert first.context == {"locale": "ja-JP", "library": {"name": "analytics-python"}}
    assert first.integrations == {"All": False}
    assert second.context_group_id == "acme"
    assert second.context["locale"] == "en-US"
    assert second.integrations == {"All": True}


def test_an_event_naming_another_write_key_than_the_request_is_refused() -> None:
    body = batch(track(writeKey="other-key"), track(writeKey="mine"), writeKey="mine")
    parsed = read_batch(body)

    assert len(parsed.messages) == 1
    assert parsed.rejections[0].reason is Reason.WRITE_KEY_MISMATCH
    assert parsed.write_key == "mine"


def test_each_type_keeps_its_own_fields() -> None:
    body = batch(
        {"type": "Page", "anonymousId": "a1", "name": "Pricing", "category": "Docs"},
        {"type": "screen", "userId": "u1", "name": "Home", "properties": {"tab": 2}},
        {"type": "identify", "userId": "u1", "traits": {"email": "a@example.com"}},
        {"type": "group", "userId": "u1", "groupId": "acme", "traits": {"plan": "pro"}},
        {"type": "alias", "userId": "u1", "previousId": "a1"},
    )
    page, screen, identify, group, alias = read_batch(body).messages

    assert (page.type, page.name, page.category, page.identity) == (
        MessageType.PAGE,
        "Pricing",
        "Docs",
        "anonymous:a1",
    )
    assert (screen.type, screen.properties) == (MessageType.SCREEN, {"tab": 2})
    assert identify.traits == {"email": "a@example.com"}
    assert (group.group_id, group.traits) == ("acme", {"plan": "pro"})
    assert (alias.user_id, alias.previous_id) == ("u1", "a1")


def test_rudderstack_original_timestamp_stands_in_for_timestamp() -> None:
    (message,) = read_batch(batch(track(originalTimestamp="2025-03-01T11:00:00Z"))).messages
    assert message.original_timestamp == datetime(2025, 3, 1, 11, tzinfo=UTC)
