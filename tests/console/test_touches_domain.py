"""The CS touch form's checks, the touch kind read back from a CSM note, the growth chart's data."""

from __future__ import annotations

from datetime import UTC, datetime

from banso_console.domain.forms import TouchInput, check_touch, console_user_of, touch_kind_of
from banso_console.domain.themes import growth_chart

NOW = datetime(2026, 12, 6, 10, 30, tzinfo=UTC)


def test_a_touch_needs_a_kind_a_past_day_and_a_note() -> None:
    assert check_touch(TouchInput("", "", ""), now=NOW).problems == {
        "kind": "required",
        "date": "required",
        "note": "required",
    }
    checked = check_touch(TouchInput("lunch", "6 Dec", " x " * 3000), now=NOW)
    assert checked.problems == {"kind": "unknown_kind", "date": "not_date", "note": "too_long"}
    assert check_touch(TouchInput("call", "2026-12-08", "ok"), now=NOW).problems == {
        "date": "future"
    }
    assert check_touch(TouchInput("call", "2025-12-01", "ok"), now=NOW).problems == {
        "date": "too_old"
    }


def test_a_touch_today_happened_now_and_an_earlier_one_at_noon_utc() -> None:
    today = check_touch(TouchInput("qbr", "2026-12-06", "QBR done"), now=NOW)
    assert (today.problems, today.occurred_at) == ({}, NOW)
    # Tokyo's 7 December while it is still the 6th in UTC: today as well.
    tokyo = check_touch(TouchInput("call", "2026-12-07", "Called"), now=NOW)
    assert (tokyo.problems, tokyo.occurred_at) == ({}, NOW)
    earlier = check_touch(TouchInput("meeting", "2026-12-01", "Met"), now=NOW)
    assert earlier.occurred_at == datetime(2026, 12, 1, 12, tzinfo=UTC)


def test_the_touch_kind_is_read_from_the_csm_notes_external_id() -> None:
    assert touch_kind_of("touch-qbr-0123456789abcdef") == "qbr"
    assert touch_kind_of("touch-call-x") == "call"
    assert touch_kind_of("touch-lunch-x") is None
    assert touch_kind_of("ZD-1") is None
    assert touch_kind_of(None) is None


def test_who_logged_a_touch_is_the_console_user_named_in_its_author() -> None:
    assert console_user_of("console: aiko@vendor.example") == "aiko@vendor.example"
    assert console_user_of("ops-bot") == "ops-bot"  # logged by another client: as it is
    assert console_user_of(None) is None
    assert console_user_of("console: ") is None


def test_the_growth_chart_labels_each_week_in_the_readers_language() -> None:
    weeks = [
        {"week_start": "2026-11-23T00:00:00Z", "items": 2, "accounts": 1},
        {"week_start": "2026-11-30T00:00:00Z", "items": 5, "accounts": 3},
    ]
    english = growth_chart(weeks, locale="en", items_label="Items", accounts_label="Accounts")
    assert english["labels"] == ["Nov 23", "Nov 30"]
    assert (english["items"], english["accounts"]) == ([2, 5], [1, 3])
    japanese = growth_chart(weeks, locale="ja", items_label="件数", accounts_label="アカウント")
    assert japanese["labels"] == ["11月23日", "11月30日"]
    assert japanese["items_label"] == "件数"
