"""Durations in scorecards and the UTC day grid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from banso_scoring.domain.durations import (
    day_of,
    format_duration,
    parse_duration,
    to_epoch,
    whole_days,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7d", timedelta(days=7)), ("2w", timedelta(days=14)), ("36h", timedelta(hours=36)),
     ("15m", timedelta(minutes=15)), ("30s", timedelta(seconds=30)), (" 3d ", timedelta(days=3))],
)  # fmt: skip
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["7", "a week", "7 days", "-1d", "1.5d", "", 7])
def test_parse_duration_refuses_with_a_hint(text: object) -> None:
    with pytest.raises(ValueError, match="must be a duration like 7d"):
        parse_duration(text)


def test_format_duration_is_the_shortest_exact_spelling() -> None:
    assert format_duration(timedelta(days=14)) == "2w"
    assert format_duration(timedelta(days=30)) == "30d"
    assert format_duration(timedelta(hours=36)) == "36h"
    assert format_duration(timedelta(seconds=90)) == "90s"


def test_whole_days_round_partial_days_up() -> None:
    assert whole_days(timedelta(hours=36)) == 2
    assert whole_days(timedelta(days=7)) == 7
    assert whole_days(timedelta(minutes=1)) == 1


def test_utc_days_ignore_daylight_saving_in_the_accounts_zone() -> None:
    new_york = ZoneInfo("America/New_York")
    # 2025-03-09 02:00 local does not exist; 2025-11-02 01:30 local happens twice.
    before_spring = datetime(2025, 3, 9, 1, 30, tzinfo=new_york)
    after_spring = datetime(2025, 3, 9, 3, 30, tzinfo=new_york)
    assert to_epoch(after_spring) - to_epoch(before_spring) == 3_600
    assert day_of(to_epoch(before_spring)) == day_of(to_epoch(after_spring))
    first = datetime(2025, 11, 2, 1, 30, tzinfo=new_york, fold=0)
    second = datetime(2025, 11, 2, 1, 30, tzinfo=new_york, fold=1)
    assert to_epoch(second) - to_epoch(first) == 3_600
    assert day_of(to_epoch(first)) == day_of(to_epoch(second))
    assert datetime.fromtimestamp(day_of(to_epoch(first)) * 86_400, tz=UTC).day == 2


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        to_epoch(datetime(2025, 1, 1))  # noqa: DTZ001
