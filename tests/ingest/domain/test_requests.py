"""Whole requests: what refuses everything, and the single-event endpoints."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from banso_ingest.domain.messages import MessageType
from banso_ingest.domain.rejections import InvalidRequest, Reason
from banso_ingest.domain.requests import parse_single
from tests.ingest.domain.builders import LIMITS, RECEIVED_AT, batch, counter_ids, read_batch, track


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ([track()], Reason.INVALID_BATCH),
        ({"events": [track()]}, Reason.INVALID_BATCH),
        ({"batch": {"0": track()}}, Reason.INVALID_BATCH),
        ({"batch": []}, Reason.EMPTY_BATCH),
        (batch(track(), sentAt="Tuesday"), Reason.BAD_TIMESTAMP),
        (batch(track(), context=["x"]), Reason.INVALID_FIELD),
        (batch(track(), integrations=1), Reason.INVALID_FIELD),
        (batch(track(), writeKey=123), Reason.INVALID_FIELD),
    ],
)
def test_a_malformed_batch_is_refused_whole(body: Any, reason: Reason) -> None:
    with pytest.raises(InvalidRequest) as caught:
        read_batch(body)
    assert caught.value.reason is reason


def test_a_batch_may_hold_2500_events_but_not_2501() -> None:
    assert len(read_batch(batch(*[track()] * 2500)).messages) == 2500
    with pytest.raises(InvalidRequest) as caught:
        read_batch(batch(*[track()] * 2501))
    assert caught.value.reason is Reason.BATCH_TOO_LARGE
    assert "2501" in caught.value.message


def single(body: Any, message_type: MessageType = MessageType.TRACK) -> Any:
    return parse_single(
        body,
        message_type=message_type,
        received_at=RECEIVED_AT,
        limits=LIMITS,
        body_bytes=len(orjson.dumps(body)),
        new_message_id=counter_ids(),
    )


def test_a_single_event_endpoint_implies_the_type_and_reads_the_body_write_key() -> None:
    parsed = single(
        {"userId": "u1", "traits": {"plan": "pro"}, "writeKey": "wk"}, MessageType.IDENTIFY
    )
    (message,) = parsed.messages
    assert message.type is MessageType.IDENTIFY
    assert parsed.write_key == "wk"


def test_the_endpoint_type_wins_over_the_body_type_as_in_segment() -> None:
    (message,) = single({"type": "identify", "userId": "u1", "event": "Clicked"}).messages
    assert message.type is MessageType.TRACK


def test_a_single_event_over_32_kb_is_rejected_as_too_large() -> None:
    parsed = single(track(messageId="m", properties={"blob": "y" * 40_000}))
    (rejection,) = parsed.rejections
    assert (rejection.reason, rejection.message_id) == (Reason.EVENT_TOO_LARGE, "m")


def test_a_single_event_endpoint_needs_an_object() -> None:
    with pytest.raises(InvalidRequest) as caught:
        single([track()])
    assert caught.value.reason is Reason.NOT_AN_OBJECT
