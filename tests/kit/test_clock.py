"""The one clock the services take: a test's `FixedClock` stands still until moved, and agrees
with the epoch seconds the services used to be given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from banso_kit.clock import FixedClock, SystemClock, epoch


def test_a_fixed_clock_built_from_epoch_seconds_reads_back_the_same_seconds() -> None:
    clock = FixedClock(1_700_000_000.0)
    assert clock.now() == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert epoch(clock) == 1_700_000_000.0


def test_a_fixed_clock_moves_only_when_set_or_advanced() -> None:
    clock = FixedClock(datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    clock.advance(90)
    assert clock.now() == datetime(2026, 3, 3, 10, 1, 30, tzinfo=UTC)
    clock.advance(timedelta(days=1))
    assert clock.now() == datetime(2026, 3, 4, 10, 1, 30, tzinfo=UTC)
    clock.set(1_000.0)
    assert epoch(clock) == 1_000.0


def test_a_fixed_clock_reads_in_utc_whatever_offset_it_was_set_with() -> None:
    tokyo = timezone(timedelta(hours=9))
    clock = FixedClock(datetime(2026, 3, 3, 19, 0, tzinfo=tokyo))
    assert clock.now().utcoffset() == timedelta(0)
    assert clock.now() == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 3, 3, 10, 0))  # noqa: DTZ001 - the point of the test
    clock = FixedClock(0.0)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 3, 3, 10, 0))  # noqa: DTZ001 - the point of the test


def test_the_system_clock_is_timezone_aware_utc() -> None:
    assert SystemClock().now().utcoffset() == timedelta(0)
