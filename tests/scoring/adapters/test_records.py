"""Kafka records to facts: the usage fast path agrees with the codec, and poison is named."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from banso_contracts.codec import encode
from banso_contracts.errors import ContractError
from banso_contracts.events import UsageRecorded
from banso_scoring.adapters.records import NO_TIME, RecordDecoder
from banso_scoring.adapters.translate import account_facts

WHEN = datetime(2025, 3, 3, 12, tzinfo=UTC)


def usage(**changes: object) -> UsageRecorded:
    fields: dict[str, object] = {
        "workspace_id": "ws_1",
        "source_id": "src",
        "account_id": "acme",
        "user_id": "u1",
        "kind": "track",
        "event": "Report Created",
        "properties": {"rows": 3},
        "message_id": "m1",
        "timestamp": WHEN,
        "received_at": WHEN,
    }
    fields.update(changes)
    return UsageRecorded.model_validate(fields)


def test_the_fast_path_reads_usage_exactly_as_the_codec_does() -> None:
    event = usage()
    encoded = encode(event, source="banso/ingest", event_id="e-1")
    record = RecordDecoder().decode("usage", 2, 17, encoded.key, encoded.value, encoded.headers)
    assert record.error is None
    assert record.event_id == "e-1"
    facts = account_facts(event)
    assert facts is not None
    assert record.account == (facts.workspace_id, facts.account_id)
    assert (record.usage,) == facts.facts
    assert record.stream_time == facts.received_at == WHEN.timestamp()


def test_usage_without_an_account_carries_no_facts() -> None:
    encoded = encode(usage(account_id=None), source="banso/ingest")
    record = RecordDecoder().decode("usage", 0, 1, encoded.key, encoded.value, encoded.headers)
    assert record.error is None
    assert (record.account, record.usage, record.facts) == (None, None, None)
    assert record.stream_time == NO_TIME


def test_poison_is_named_by_the_codec() -> None:
    encoded = encode(usage(), source="banso/ingest")
    broken = RecordDecoder().decode("usage", 0, 1, encoded.key, b"{not json", encoded.headers)
    assert isinstance(broken.error, ContractError)
    # Kept without the frames that led to it (they would hold the record in a cycle).
    assert broken.error.__traceback__ is None
    assert broken.error.__cause__ is None
    assert broken.error.__context__ is None
    payload = orjson.loads(encoded.value)
    payload["workspace_id"] = "ws_other"  # the header says ws_1: a tenancy violation
    forged = RecordDecoder().decode(
        "usage", 0, 2, encoded.key, orjson.dumps(payload), encoded.headers
    )
    assert isinstance(forged.error, ContractError)
    assert "ws_other" in str(forged.error)
    payload = orjson.loads(encoded.value)
    payload["timestamp"] = "2025-03-03T12:00:00"  # no time zone: never guessed
    naive = RecordDecoder().decode(
        "usage", 0, 3, encoded.key, orjson.dumps(payload), encoded.headers
    )
    assert isinstance(naive.error, ContractError)
    headerless = RecordDecoder().decode("usage", 0, 4, encoded.key, encoded.value, [])
    assert isinstance(headerless.error, ContractError)


def test_headers_in_any_order_are_read_alike() -> None:
    decoder = RecordDecoder()
    first = encode(usage(), source="banso/ingest", event_id="e-1")
    second = encode(usage(user_id="u2"), source="banso/ingest", event_id="e-2")
    read = decoder.decode("usage", 0, 1, first.key, first.value, first.headers)
    shuffled = decoder.decode(
        "usage", 0, 2, second.key, second.value, list(reversed(second.headers))
    )
    again = decoder.decode("usage", 0, 3, second.key, second.value, second.headers)
    assert read.usage is not None
    assert read.event_id == "e-1"
    for record in (shuffled, again):
        assert record.error is None
        assert record.event_id == "e-2"
        assert record.account == ("ws_1", "acme")
        assert record.usage is not None
        assert record.usage.user_id == "u2"


def test_headers_the_codec_refuses_are_poison_after_good_records_too() -> None:
    decoder = RecordDecoder()
    good = encode(usage(), source="banso/ingest", event_id="e-1")
    assert decoder.decode("usage", 0, 1, good.key, good.value, good.headers).error is None
    repeated = [*good.headers, ("ce_type", UsageRecorded.EVENT_TYPE.encode())]
    record = decoder.decode("usage", 0, 2, good.key, good.value, repeated)
    assert isinstance(record.error, ContractError)
    assert "repeated" in str(record.error)
    assert record.usage is None
    missing = [(name, raw) for name, raw in good.headers if name != "ce_source"]
    record = decoder.decode("usage", 0, 3, good.key, good.value, missing)
    assert isinstance(record.error, ContractError)
    assert "ce_source" in str(record.error)
    assert decoder.decode("usage", 0, 4, good.key, good.value, good.headers).error is None
