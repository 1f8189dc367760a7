"""Rules the event models enforce beyond field types."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from banso_contracts.codec import decode, encode
from banso_contracts.events import (
    DeadLettered,
    HealthChanged,
    Recipient,
    UsageRecorded,
    text_of,
)
from tests.contracts.samples import T0, WS, samples


def _dead_letter(payload: bytes, workspace_id: str | None) -> DeadLettered:
    text, encoding = text_of(payload)
    return DeadLettered(
        workspace_id=workspace_id,
        service="notify",
        origin_topic="t.banso.health.v1",
        origin_partition=0,
        origin_offset=7,
        origin_key=None,
        payload=text,
        payload_encoding=encoding,
        error_type="ValueError",
        error="boom",
        failed_at=T0,
    )


def test_usage_needs_a_user_or_anonymous_id() -> None:
    with pytest.raises(ValidationError, match="user_id or anonymous_id is required"):
        UsageRecorded(
            workspace_id=WS,
            source_id="s",
            kind="page",
            event="Home",
            message_id="m",
            timestamp=T0,
            received_at=T0,
        )


def test_a_recipient_needs_a_user_or_an_address() -> None:
    with pytest.raises(ValidationError, match="user_id or address is required"):
        Recipient(kind="csm")
    assert Recipient(kind="csm", address="csm@example.com").user_id is None


def test_events_are_immutable() -> None:
    event = samples()[0]
    with pytest.raises(ValidationError, match="frozen"):
        event.workspace_id = "ws_other"  # type: ignore[misc]


def test_ids_must_not_be_empty() -> None:
    payload = json.loads(samples()[0].model_dump_json())
    payload["workspace_id"] = ""
    with pytest.raises(ValidationError, match="workspace_id"):
        UsageRecorded.model_validate(payload)


@pytest.mark.parametrize(
    ("payload", "encoding"),
    [(b'{"broken": ', "utf-8"), ("日本".encode(), "utf-8"), (b"\xff\x00\xfe", "base64")],
)
def test_dead_letters_keep_the_original_bytes(payload: bytes, encoding: str) -> None:
    event = _dead_letter(payload, WS)
    assert event.payload_encoding == encoding
    assert event.original_payload() == payload


def test_a_dead_letter_without_workspace_travels_without_the_workspace_header() -> None:
    event = _dead_letter(b"\xff", None)
    encoded = encode(event, source="/banso/notify")

    assert "ce_workspace" not in dict(encoded.headers)
    assert encoded.key == b"t.banso.health.v1:0"
    assert encoded.envelope.subject == "t.banso.health.v1:0:7"
    assert decode(encoded.headers, encoded.value) == (encoded.envelope, event)


def test_a_dead_letter_with_corrupt_base64_says_so() -> None:
    event = _dead_letter(b"\xff", None).model_copy(update={"payload": "not base64!"})
    with pytest.raises(ValueError, match="not valid base64"):
        event.original_payload()


def test_event_time_is_the_time_the_fact_happened() -> None:
    for event in samples():
        assert event.event_time.tzinfo is not None
        assert event.event_time == T0


def test_nan_and_infinity_are_refused_at_the_producer() -> None:
    health = next(e for e in samples() if isinstance(e, HealthChanged))
    payload = health.model_dump()
    payload["trend"] = float("nan")
    with pytest.raises(ValidationError, match="trend"):
        HealthChanged.model_validate(payload)
    payload["trend"] = None
    payload["measures"][0]["contribution"] = float("inf")
    with pytest.raises(ValidationError, match="measures.0.contribution"):
        HealthChanged.model_validate(payload)
