"""encode/decode round trips, and decode errors that name the problem."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from banso_contracts import ContractError
from banso_contracts.codec import decode, encode, encode_json
from banso_contracts.envelope import Envelope
from banso_contracts.events import ALL_EVENTS, Event, HealthChanged, UsageRecorded
from banso_contracts.topics import topic_for
from tests.contracts.samples import T0, WS, samples


def _usage(**changes: object) -> UsageRecorded:
    fields: dict[str, object] = {
        "workspace_id": WS,
        "source_id": "src",
        "account_id": "acc_1",
        "user_id": "user_1",
        "kind": "track",
        "event": "Signed In",
        "message_id": "m1",
        "timestamp": T0,
        "received_at": T0,
    }
    return UsageRecorded.model_validate(fields | changes)


def test_samples_cover_every_event_type() -> None:
    assert sorted(type(e).EVENT_TYPE for e in samples()) == sorted(c.EVENT_TYPE for c in ALL_EVENTS)


@pytest.mark.parametrize("event", samples(), ids=lambda e: type(e).EVENT_TYPE)
def test_round_trip_preserves_every_field(event: Event) -> None:
    encoded = encode(event, source="/banso/test", event_id="evt-1", correlation_id="corr-1")

    envelope, decoded = decode(encoded.headers, encoded.value)

    assert decoded == event
    assert type(decoded) is type(event)
    assert envelope == encoded.envelope
    assert envelope.id == "evt-1"
    assert envelope.type == event.EVENT_TYPE
    assert envelope.subject == event.subject
    assert envelope.workspace == event.workspace_id
    assert envelope.time == event.event_time
    assert envelope.correlationid == "corr-1"
    assert encoded.topic is topic_for(event)
    assert encoded.key == encoded.topic.key_for(event).encode()


@pytest.mark.parametrize("event", samples(), ids=lambda e: type(e).EVENT_TYPE)
def test_round_trip_with_expected_type(event: Event) -> None:
    encoded = encode(event, source="/banso/test")
    _, decoded = decode(encoded.headers, encoded.value, expected=type(event))
    assert decoded == event


def _keyed_by_subject(event: Event) -> bool:
    return type(event).partition_key is Event.partition_key


@pytest.mark.parametrize(
    "event", [e for e in samples() if _keyed_by_subject(e)], ids=lambda e: type(e).EVENT_TYPE
)
def test_an_event_written_as_json_by_its_producer_is_the_record_encode_gives(
    event: Event,
) -> None:
    # A producer that writes an event's JSON itself (scoring's HealthChanged) gets the record
    # ``encode`` gives for the model: the same key, headers and topic, decoded the same way.
    encoded = encode(event, source="/banso/test", event_id="evt-1")
    written = encode_json(
        type(event),
        event.model_dump_json().encode(),
        workspace_id=event.workspace_id,
        subject=event.subject,
        time=event.event_time,
        source="/banso/test",
        event_id="evt-1",
    )
    assert (written.key, written.value, written.headers, written.topic) == (
        encoded.key,
        encoded.value,
        encoded.headers,
        encoded.topic,
    )
    assert decode(written.headers, written.value) == (encoded.envelope, event)


def test_an_event_with_a_key_of_its_own_is_not_written_as_json() -> None:
    (dead,) = [e for e in samples() if not _keyed_by_subject(e)]
    with pytest.raises(ContractError, match="a key of its own"):
        encode_json(
            type(dead),
            dead.model_dump_json().encode(),
            workspace_id=dead.workspace_id,
            subject=dead.subject,
            time=dead.event_time,
            source="/banso/test",
            event_id="evt-1",
        )


def test_payload_is_compact_utf8_json_with_utc_rfc3339_times() -> None:
    event = _usage(
        timestamp=datetime(2026, 3, 1, 18, 30, tzinfo=timezone(timedelta(hours=9))),
        properties={"名前": "値"},
    )
    encoded = encode(event, source="/banso/ingest")

    text = encoded.value.decode("utf-8")
    assert "名前" in text
    assert ", " not in text
    assert '": ' not in text
    assert json.loads(text)["timestamp"] == "2026-03-01T09:30:00Z"
    headers = dict(encoded.headers)
    assert headers["ce_time"] == b"2026-03-01T09:30:00Z"
    assert headers["ce_specversion"] == b"1.0"
    assert headers["content-type"] == b"application/json"
    assert headers["ce_workspace"] == WS.encode()


def test_key_is_workspace_and_account() -> None:
    assert encode(_usage(), source="s").key == b"ws_acme:acc_1"


def test_key_without_account_falls_back_to_user_then_anonymous_id() -> None:
    by_user = _usage(account_id=None)
    by_anonymous = _usage(account_id=None, user_id=None, anonymous_id="a1")
    assert encode(by_user, source="s").key == b"ws_acme:user:user_1"
    assert encode(by_anonymous, source="s").key == b"ws_acme:anonymous:a1"


def test_event_id_defaults_to_a_fresh_uuid_and_time_to_event_time() -> None:
    first = encode(_usage(), source="s").envelope
    second = encode(_usage(), source="s").envelope
    assert first.id != second.id
    assert first.time == T0
    later = T0 + timedelta(hours=1)
    assert encode(_usage(), source="s", time=later).envelope.time == later


def test_decode_ignores_fields_added_by_a_newer_producer() -> None:
    encoded = encode(_usage(), source="s")
    payload = json.loads(encoded.value)
    payload["added_in_a_later_release"] = {"anything": 1}

    _, decoded = decode(encoded.headers, json.dumps(payload).encode())

    assert decoded == _usage()


def test_decode_ignores_unrelated_headers() -> None:
    encoded = encode(_usage(), source="s")
    _, decoded = decode([*encoded.headers, ("traceparent", b"00-abc")], encoded.value)
    assert decoded == _usage()


def test_timestamps_are_normalised_to_utc_and_naive_ones_refused() -> None:
    tokyo = datetime(2026, 3, 1, 18, 30, tzinfo=timezone(timedelta(hours=9)))
    assert _usage(timestamp=tokyo).timestamp.tzinfo is UTC
    with pytest.raises(ValueError, match="timezone"):
        _usage(timestamp=datetime(2026, 3, 1, 9, 30))  # noqa: DTZ001


def _without(headers: list[tuple[str, bytes]], name: str) -> list[tuple[str, bytes]]:
    return [(k, v) for k, v in headers if k != name]


def _replace(headers: list[tuple[str, bytes]], name: str, value: bytes) -> list[tuple[str, bytes]]:
    return [(k, value if k == name else v) for k, v in headers]


@pytest.mark.parametrize(
    "header", ["ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "ce_specversion"]
)
def test_decode_names_a_missing_header(header: str) -> None:
    encoded = encode(_usage(), source="s")
    with pytest.raises(ContractError, match=f"missing header.*{header}"):
        decode(_without(encoded.headers, header), encoded.value)


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        ("ce_time", b"yesterday", "header 'ce_time'"),
        ("ce_time", b"2026-03-01T09:30:00", "header 'ce_time'.*timezone"),
        ("ce_specversion", b"0.3", "header 'ce_specversion'"),
        ("content-type", b"application/avro", "header 'content-type'"),
        ("ce_id", b"\xff\xfe", "header 'ce_id' is not UTF-8"),
        ("ce_id", b"", "header 'ce_id'"),
    ],
)
def test_decode_names_a_bad_header(header: str, value: bytes, message: str) -> None:
    encoded = encode(_usage(), source="s")
    with pytest.raises(ContractError, match=message):
        decode(_replace(encoded.headers, header, value), encoded.value)


def test_decode_refuses_a_repeated_header() -> None:
    encoded = encode(_usage(), source="s")
    with pytest.raises(ContractError, match="'ce_type' is repeated"):
        decode([*encoded.headers, ("ce_type", b"banso.health.changed.v1")], encoded.value)


def test_content_type_parameters_are_accepted() -> None:
    encoded = encode(_usage(), source="s")
    headers = _replace(encoded.headers, "content-type", b"application/json; charset=utf-8")
    assert decode(headers, encoded.value)[1] == _usage()


def test_decode_names_an_unknown_type() -> None:
    encoded = encode(_usage(), source="s")
    headers = _replace(encoded.headers, "ce_type", b"banso.usage.recorded.v9")
    with pytest.raises(ContractError, match="unknown event type 'banso.usage.recorded.v9'"):
        decode(headers, encoded.value)


def test_decode_refuses_an_unexpected_type() -> None:
    encoded = encode(_usage(), source="s")
    with pytest.raises(ContractError, match="expected banso.health.changed.v1, got banso.usage"):
        decode(encoded.headers, encoded.value, expected=HealthChanged)


def test_decode_names_invalid_json() -> None:
    encoded = encode(_usage(), source="s")
    with pytest.raises(ContractError, match="banso.usage.recorded.v1: invalid JSON"):
        decode(encoded.headers, b'{"workspace_id": ')


def test_decode_refuses_a_missing_value() -> None:
    encoded = encode(_usage(), source="s")
    with pytest.raises(ContractError, match="no value"):
        decode(encoded.headers, None)


def test_decode_names_each_invalid_field_with_its_path() -> None:
    event = samples()[5]
    assert isinstance(event, HealthChanged)
    encoded = encode(event, source="s")
    payload = json.loads(encoded.value)
    payload["measures"][1]["score"] = 140
    payload["band"] = "purple"
    del payload["reason"]

    with pytest.raises(ContractError) as caught:
        decode(encoded.headers, json.dumps(payload).encode())

    message = str(caught.value)
    assert message.startswith("banso.health.changed.v1: ")
    assert "measures.1.score: Input should be less than or equal to 100" in message
    assert "band: Input should be 'green', 'yellow', 'red' or 'unknown'" in message
    assert "reason: Field required" in message


def test_decode_refuses_a_workspace_header_that_differs_from_the_payload() -> None:
    encoded = encode(_usage(), source="s")
    headers = _replace(encoded.headers, "ce_workspace", b"ws_other")
    with pytest.raises(ContractError, match="ce_workspace 'ws_other' differs .* 'ws_acme'"):
        decode(headers, encoded.value)


def test_decode_refuses_a_missing_workspace_header_on_a_tenant_event() -> None:
    encoded = encode(_usage(), source="s")
    with pytest.raises(ContractError, match="ce_workspace None differs"):
        decode(_without(encoded.headers, "ce_workspace"), encoded.value)


def test_decode_refuses_a_subject_that_differs_from_the_payload() -> None:
    encoded = encode(_usage(), source="s")
    headers = _replace(encoded.headers, "ce_subject", b"acc_2")
    with pytest.raises(ContractError, match="ce_subject 'acc_2' differs"):
        decode(headers, encoded.value)


def test_contract_error_is_a_value_error() -> None:
    assert issubclass(ContractError, ValueError)


def test_envelope_headers_round_trip() -> None:
    envelope = Envelope(
        id="e1", source="/banso/x", type="banso.usage.recorded.v1", time=T0, subject="acc_1"
    )
    headers = envelope.to_headers()
    assert "ce_workspace" not in dict(headers)
    assert Envelope.from_headers(headers) == envelope
    assert Envelope.from_headers(headers).time == datetime(2026, 3, 1, 9, 30, 15, 123456, UTC)
