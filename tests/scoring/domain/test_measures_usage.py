"""Usage measures: licence utilisation, key-feature adoption, usage trend, core action."""

from __future__ import annotations

import pytest

from .builders import account, daily, health_at, measure, policy_of, scorecard, use

UTILISATION = {"measure": "licence_utilisation", "weight": 20, "window": "14d"}
FRICTION = {"measure": "support_friction", "weight": 10}


def test_utilisation_counts_distinct_users_in_the_window_against_seats() -> None:
    card = scorecard(UTILISATION, FRICTION)
    agg = account(seats=20)
    policy = policy_of(card)
    daily(agg, policy, range(20, 30), users=5)
    use(agg, policy, 15, "only-before-the-window")  # day 15 is outside days 16..29
    part = measure(health_at(agg, card, 29), "licence_utilisation")
    assert part.value == 0.25
    assert part.score == pytest.approx(25.0)
    assert part.detail == "only 5 of 20 seats active in the last 2 weeks"


def test_utilisation_under_use_is_a_risk_and_near_full_use_an_expansion_signal() -> None:
    card = scorecard(UTILISATION, FRICTION)
    policy = policy_of(card)
    low = account(seats=20)
    daily(low, policy, range(25, 30), users=3)
    signals = health_at(low, card, 29).signals
    assert [(s.kind, s.text) for s in signals] == [
        ("risk", "only 3 of 20 seats active in the last 2 weeks")
    ]
    full = account(seats=20)
    daily(full, policy, range(25, 30), users=19)
    health = health_at(full, card, 29)
    assert [(s.kind, s.text) for s in health.signals] == [
        ("expansion", "19 of 20 seats active in the last 2 weeks: room to expand the licence")
    ]
    assert measure(health, "licence_utilisation").score == 100


@pytest.mark.parametrize("seats", [None, 0])
def test_unknown_seats_leave_utilisation_out_and_share_its_weight(seats: int | None) -> None:
    card = scorecard(UTILISATION, {**FRICTION, "weight": 20})
    agg = account(seats=seats)
    daily(agg, policy_of(card), range(20, 30), users=5)
    health = health_at(agg, card, 29)
    part = measure(health, "licence_utilisation")
    assert (part.available, part.value, part.contribution) == (False, None, 0)
    assert part.detail == "seats unknown: licence utilisation is not measured"
    assert measure(health, "support_friction").effective_weight == 1.0
    assert health.score == 100


def test_zero_activity_scores_zero_utilisation() -> None:
    card = scorecard(UTILISATION, FRICTION)
    part = measure(health_at(account(seats=10), card, 29), "licence_utilisation")
    assert (part.value, part.score) == (0.0, 0.0)
    assert part.detail == "only 0 of 10 seats active in the last 2 weeks"


def test_key_feature_adoption_counts_key_events_used_in_the_window() -> None:
    card = scorecard(
        {"measure": "feature_adoption", "weight": 10, "window": "30d"},
        key_events=["Report Created", "Dashboard Shared", "Alert Configured", "Export"],
    )
    agg = account()
    policy = policy_of(card)
    use(agg, policy, 40, "u1", "Report Created")
    use(agg, policy, 55, "u2", "Dashboard Shared")
    use(agg, policy, 59, "u2", "Page Viewed")
    use(agg, policy, 29, "u3", "Export")  # 31 days before day 59: outside the window
    part = measure(health_at(agg, card, 59), "feature_adoption")
    assert part.value == 0.5
    assert part.detail == (
        "uses 2 of 4 key features in the last 30 days; not yet: Alert Configured, Export"
    )


TREND = {"measure": "usage_trend", "weight": 10}


def test_weekly_active_users_falling_is_said_in_words() -> None:
    card = scorecard(TREND)
    agg = account(created_day=-100)
    policy = policy_of(card)
    daily(agg, policy, range(0, 28), users=20)
    daily(agg, policy, range(28, 35), users=11)
    health = health_at(agg, card, 34)
    part = measure(health, "usage_trend")
    assert part.value == pytest.approx(0.55)
    assert part.detail == "weekly active users fell 45 % against the previous 4 weeks"
    assert part.score == pytest.approx(10.0)
    assert ("risk", part.detail) in [(s.kind, s.text) for s in health.signals]


def test_usage_trend_rising_and_steady() -> None:
    card = scorecard(TREND)
    policy = policy_of(card)
    rising = account(created_day=-100)
    daily(rising, policy, range(0, 28), users=10)
    daily(rising, policy, range(28, 35), users=13)
    assert measure(health_at(rising, card, 34), "usage_trend").detail == (
        "weekly active users rose 30 % against the previous 4 weeks"
    )
    steady = account(created_day=-100)
    daily(steady, policy, range(0, 35), users=10)
    part = measure(health_at(steady, card, 34), "usage_trend")
    assert (part.value, part.score) == (1.0, 100.0)
    assert part.detail == "weekly active users steady against the previous 4 weeks"


def test_an_account_that_stops_falls_to_zero_trend() -> None:
    card = scorecard(TREND)
    agg = account(created_day=-100)
    daily(agg, policy_of(card), range(0, 28), users=10)
    part = measure(health_at(agg, card, 36), "usage_trend")
    assert (part.value, part.score) == (0.0, 0.0)
    assert part.detail == "weekly active users fell 100 % against the previous 4 weeks"


def test_a_young_account_has_no_trend_and_a_partial_baseline_is_used_per_day() -> None:
    card = scorecard({**TREND, "metric": "events"})
    policy = policy_of(card)
    young = account(created_day=0)
    daily(young, policy, range(0, 10), users=5)
    part = measure(health_at(young, card, 9), "usage_trend")
    assert not part.available
    assert part.detail == "not enough history for a trend (3 days)"
    # Created 20 days ago: two weeks of baseline, compared per day.
    agg = account(created_day=0)
    daily(agg, policy, range(0, 14), users=4)
    daily(agg, policy, range(14, 20), users=2)
    part = measure(health_at(agg, card, 20, hours=0), "usage_trend")
    assert part.value == pytest.approx(0.5)
    assert part.detail == "daily events fell 50 % against the previous 2 weeks"


def test_event_trend_does_not_dip_because_today_is_not_over() -> None:
    card = scorecard({**TREND, "metric": "events"})
    agg = account(created_day=-100)
    policy = policy_of(card)
    for day in range(0, 35):
        for hour in range(24):
            use(agg, policy, day, "u1", hours=hour + 0.5)
    # At 06:00 on day 35 only 6 of today's events happened: the rate is still steady.
    for hour in range(6):
        use(agg, policy, 35, "u1", hours=hour + 0.5)
    part = measure(health_at(agg, card, 35, hours=6), "usage_trend")
    assert part.value == pytest.approx(1.0, abs=0.01)


def test_usage_resumed_after_silence_and_no_usage_at_all() -> None:
    card = scorecard(TREND)
    policy = policy_of(card)
    resumed = account(created_day=-100)
    daily(resumed, policy, range(30, 35), users=3)
    assert measure(health_at(resumed, card, 34), "usage_trend").score == 100
    silent = account(created_day=-100)
    part = measure(health_at(silent, card, 34), "usage_trend")
    assert (part.value, part.score, part.detail) == (0.0, 0.0, "no usage in the last 5 weeks")


def test_core_action_frequency_per_week_and_per_active_user() -> None:
    spec = {"measure": "core_action_frequency", "weight": 10, "window": "14d"}
    card = scorecard(
        {**spec, "scoring": {"kind": "ratio", "target": 10}}, core_action="Report Created"
    )
    agg = account()
    policy = policy_of(card)
    for day in (1, 3, 5, 7, 9, 11):
        use(agg, policy, day, "u1" if day < 6 else "u2", "Report Created")
    use(agg, policy, 12, "u3", "Page Viewed")
    part = measure(health_at(agg, card, 13), "core_action_frequency")
    assert part.value == 3.0
    assert part.score == 30.0
    assert part.detail == "'Report Created' 6 times in the last 2 weeks (3.0 a week)"
    per_user = scorecard(
        {**spec, "per_active_user": True, "scoring": {"kind": "ratio", "target": 2}},
        core_action="Report Created",
    )
    part = measure(health_at(agg, per_user, 13), "core_action_frequency")
    assert part.value == 1.0  # 3 a week shared by 3 active users
    assert part.score == 50.0
