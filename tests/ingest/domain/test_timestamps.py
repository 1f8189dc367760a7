"""Clock skew: Segment's correction, receivedAt, and what counts as a timestamp."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from banso_ingest.domain.timestamps import event_time, parse_timestamp
from tests.ingest.domain.builders import RECEIVED_AT, batch, read_batch, track


def test_a_sender_clock_one_hour_fast_is_corrected_by_its_offset() -> None:
    # The device thinks it is 13:00 when it is really 12:00; its event happened 5 minutes earlier.
    body = batch(track(timestamp="2025-03-01T12:55:00Z"), sentAt="2025-03-01T13:00:00Z")
    (message,) = read_batch(body).messages

    assert message.timestamp == datetime(2025, 3, 1, 11, 55, tzinfo=UTC)
    assert message.original_timestamp == datetime(2025, 3, 1, 12, 55, tzinfo=UTC)
    assert message.received_at == RECEIVED_AT


def test_an_event_s_own_sent_at_wins_over_the_batch_s() -> None:
    body = batch(
        track(timestamp="2025-03-01T11:59:00Z", sentAt="2025-03-01T11:59:30Z"),
        sentAt="2025-03-01T13:00:00Z",
    )
    (message,) = read_batch(body).messages
    assert message.timestamp == RECEIVED_AT - timedelta(seconds=30)


def test_without_sent_at_the_timestamp_is_taken_as_sent_for_historical_imports() -> None:
    (message,) = read_batch(batch(track(timestamp="2024-01-01T00:00:00+09:00"))).messages
    assert message.timestamp == datetime(2023, 12, 31, 15, tzinfo=UTC)
    assert message.sent_at is None


def test_without_a_timestamp_the_event_happened_when_it_arrived() -> None:
    (message,) = read_batch(batch(track(), sentAt="2025-03-01T09:00:00Z")).messages
    assert message.timestamp == RECEIVED_AT
    assert message.original_timestamp is None


def test_naive_timestamps_are_utc_and_offsets_are_normalised() -> None:
    assert parse_timestamp("2025-03-01T12:00:00", field="t") == datetime(2025, 3, 1, 12, tzinfo=UTC)
    assert parse_timestamp("2025-03-01T21:00:00.250+09:00", field="t") == datetime(
        2025, 3, 1, 12, 0, 0, 250_000, tzinfo=UTC
    )


def test_a_correction_past_the_end_of_the_calendar_is_a_bad_timestamp() -> None:
    body = batch(track(timestamp="9999-12-31T23:00:00Z"), sentAt="2000-01-01T00:00:00Z")
    (rejection,) = read_batch(body).rejections
    assert rejection.reason.value == "bad_timestamp"


def test_event_time_keeps_every_input() -> None:
    sent = RECEIVED_AT + timedelta(minutes=2)
    original = RECEIVED_AT + timedelta(minutes=1)
    when = event_time(original=original, sent_at=sent, received_at=RECEIVED_AT)
    assert (when.timestamp, when.original_timestamp, when.sent_at, when.received_at) == (
        RECEIVED_AT - timedelta(minutes=1),
        original,
        sent,
        RECEIVED_AT,
    )
