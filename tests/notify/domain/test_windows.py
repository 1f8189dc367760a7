"""Send windows and quiet hours in the recipient's own zone, held (not dropped), DST-correct."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from banso_notify.domain.policy import WorkspacePolicy
from banso_notify.domain.windows import DeliveryHours, SendWindow, TimeRange, resolve_zone

NINE_TO_EIGHT = DeliveryHours(send_window=SendWindow(start=time(9), end=time(20)))
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_inside_the_window_sends_now() -> None:
    now = utc(2025, 3, 4, 3, 0)  # 12:00 in Tokyo

    assert NINE_TO_EIGHT.next_allowed(now, TOKYO) == now


def test_same_instant_is_quiet_in_one_zone_and_open_in_another() -> None:
    now = utc(2025, 3, 4, 14, 0)  # 23:00 Tokyo, 09:00 New York

    assert NINE_TO_EIGHT.next_allowed(now, NEW_YORK) == now
    assert NINE_TO_EIGHT.next_allowed(now, TOKYO) == utc(2025, 3, 5, 0, 0)  # 09:00 Tokyo


def test_held_until_the_window_opens_in_the_recipients_zone() -> None:
    now = utc(2025, 3, 4, 22, 0)  # 07:00 Tokyo

    assert NINE_TO_EIGHT.next_allowed(now, TOKYO) == utc(2025, 3, 5, 0, 0)


def test_dst_spring_forward_opens_at_local_nine_not_utc_nine_minus_five() -> None:
    # clocks in New York go from EST (-5) to EDT (-4) on 2025-03-09 at 02:00
    before = utc(2025, 3, 8, 2, 0)  # Friday 21:00 EST
    on_the_day = utc(2025, 3, 9, 3, 0)  # Saturday 22:00 EST, the night before the change

    assert NINE_TO_EIGHT.next_allowed(before, NEW_YORK) == utc(2025, 3, 8, 14, 0)  # 09:00 EST
    assert NINE_TO_EIGHT.next_allowed(on_the_day, NEW_YORK) == utc(2025, 3, 9, 13, 0)  # 09:00 EDT


def test_dst_fall_back_opens_at_local_nine() -> None:
    # EDT ends 2025-11-02 at 02:00 (back to EST)
    night = utc(2025, 11, 2, 3, 0)  # Saturday 23:00 EDT

    assert NINE_TO_EIGHT.next_allowed(night, NEW_YORK) == utc(2025, 11, 2, 14, 0)  # 09:00 EST


def test_a_window_starting_inside_the_spring_forward_gap_opens_right_after_it() -> None:
    hours = DeliveryHours(send_window=SendWindow(start=time(2, 30), end=time(6)))
    now = utc(2025, 3, 9, 5, 0)  # 00:00 EST on the day 02:00-03:00 does not exist

    opens = NINE_TO_EIGHT.next_allowed(now, NEW_YORK)
    gap = hours.next_allowed(now, NEW_YORK)

    assert opens == utc(2025, 3, 9, 13, 0)
    assert gap == utc(2025, 3, 9, 7, 30)  # 03:30 EDT, the first wall-clock time after 02:30
    assert hours.allows(gap, NEW_YORK)


def test_weekday_windows_hold_over_the_weekend() -> None:
    weekdays = DeliveryHours(
        send_window=SendWindow(
            start=time(9), end=time(18), days=["mon", "tue", "wed", "thu", "fri"]
        )
    )
    friday_evening = utc(2025, 3, 7, 10, 0)  # 19:00 Friday in Tokyo

    assert weekdays.next_allowed(friday_evening, TOKYO) == utc(2025, 3, 10, 0, 0)  # Monday 09:00


def test_quiet_hours_across_midnight() -> None:
    quiet = DeliveryHours(quiet_hours=TimeRange(start=time(21), end=time(8)))
    late = utc(2025, 3, 4, 13, 0)  # 22:00 Tokyo

    assert quiet.next_allowed(late, TOKYO) == utc(2025, 3, 4, 23, 0)  # 08:00 Tokyo
    assert quiet.next_allowed(utc(2025, 3, 4, 3, 0), TOKYO) == utc(2025, 3, 4, 3, 0)


def test_quiet_hours_inside_the_send_window() -> None:
    lunch = DeliveryHours(
        send_window=SendWindow(start=time(9), end=time(18)),
        quiet_hours=TimeRange(start=time(12), end=time(13)),
    )
    noon = utc(2025, 3, 4, 3, 30)  # 12:30 Tokyo

    assert lunch.next_allowed(noon, TOKYO) == utc(2025, 3, 4, 4, 0)


def test_no_hours_means_always() -> None:
    now = utc(2025, 3, 4, 3, 0)

    assert DeliveryHours().next_allowed(now, TOKYO) == now


def test_unknown_zones_fall_back_to_the_workspace_default() -> None:
    assert resolve_zone("Mars/Olympus", "Asia/Tokyo") == TOKYO
    assert resolve_zone(None, "Asia/Tokyo") == TOKYO
    assert resolve_zone(None, "nowhere") == ZoneInfo("UTC")


@pytest.mark.parametrize("given", [0, 32_400, "09:00+09:00", "09:00Z"])
def test_review_times_are_local_times_of_day_without_an_offset(given: object) -> None:
    # A number of seconds once became "00:00:00Z" in the policy, which the OpenAPI does not allow.
    with pytest.raises(ValidationError, match="without an offset"):
        WorkspacePolicy.model_validate({"csm_review_times": [given]})
    assert WorkspacePolicy.model_validate({"csm_review_times": ["09:30"]}).csm_review_times == [
        time(9, 30)
    ]
