"""Health as a whole: minimum data, weights, inactivity, drivers, determinism."""

from __future__ import annotations

import pytest

from banso_scoring.domain.facts import FeedbackItem, TraitsUpdate, Usage
from banso_scoring.domain.health import compute_health

from .builders import account, daily, health_at, measure, moment, policy_of, scorecard, ts, use

CARD = scorecard()
POLICY = policy_of(CARD)


def test_a_brand_new_account_is_unknown_not_red() -> None:
    agg = account(created_day=0, seats=20)
    use(agg, POLICY, 0, "u1")
    health = health_at(agg, CARD, 2)
    assert health.band == "unknown"
    assert health.score is None
    assert health.reason == (
        "not enough data: 2 days old and active on 1 days (judged from 14 days or 5 active days)"
    )
    # Measures are still shown, so a CSM sees what is known so far.
    assert measure(health, "licence_utilisation").detail == (
        "only 1 of 20 seats active in the last 2 weeks"
    )


def test_an_account_without_creation_date_or_events_is_unknown() -> None:
    agg = account(created_day=None)
    assert health_at(agg, CARD, 10).band == "unknown"


def test_an_active_young_account_is_judged_after_enough_active_days() -> None:
    agg = account(created_day=0, seats=10)
    daily(agg, POLICY, range(0, 5), users=8)
    health = health_at(agg, CARD, 4)
    assert health.band != "unknown"
    assert health.score is not None


def test_an_old_account_that_never_used_the_product_is_red() -> None:
    agg = account(created_day=-60, seats=20)
    health = health_at(agg, CARD, 0)
    assert health.band == "red"
    assert health.signals[0].text == "no product activity since the account started 60 days ago"


def test_contributions_add_up_to_the_score_after_redistribution() -> None:
    agg = account(seats=None, created_day=-90, renewal_day=30)
    daily(agg, POLICY, range(0, 40), users=6)
    health = health_at(agg, CARD, 39)
    assert health.score is not None
    total = sum(part.contribution for part in health.measures)
    assert total == pytest.approx(health.score, abs=0.1)
    assert sum(part.effective_weight for part in health.measures) == pytest.approx(1.0, abs=1e-3)
    assert not measure(health, "licence_utilisation").available


def test_inactivity_makes_a_healthy_account_fall_on_later_ticks() -> None:
    agg = account(seats=10, created_day=-90)
    daily(agg, POLICY, range(0, 35), users=9)
    active = health_at(agg, CARD, 34)
    quiet = health_at(agg, CARD, 44, previous=active)
    silent = health_at(agg, CARD, 60, previous=quiet)
    assert active.band == "green"
    assert active.score is not None
    assert quiet.score is not None
    assert silent.score is not None
    assert active.score > quiet.score > silent.score
    assert silent.band == "red"
    assert silent.signals[0].text == "no product activity in 26 days"
    week_later = health_at(agg, CARD, 41, previous=active, week_ago_score=active.score)
    assert week_later.trend is not None
    assert week_later.trend < 0
    assert active.trend is None  # no score a week before


def test_drivers_rank_what_moved_since_the_previous_health() -> None:
    agg = account(seats=10, created_day=-90)
    daily(agg, POLICY, range(0, 28), users=10)
    before = health_at(agg, CARD, 27)
    daily(agg, POLICY, range(28, 42), users=4)
    for day in (40, 41):
        item = FeedbackItem(at=ts(day), kind="support_ticket", text="it is broken")
        agg.apply_feedback(item, True, POLICY)
    after = health_at(agg, CARD, 41, previous=before)
    assert [(d.measure, d.text) for d in after.drivers] == [
        ("usage_trend", "weekly active users fell 53 % against the previous 4 weeks"),
        ("licence_utilisation", "4 of 10 seats active in the last 2 weeks"),
        ("support_friction", "2 negative support tickets in the last 30 days"),
    ]
    assert all(driver.basis == "change" and driver.direction == "down" for driver in after.drivers)
    impacts = [driver.impact for driver in after.drivers]
    assert impacts == sorted(impacts)
    assert impacts[0] < 0
    assert after.previous_score == before.score
    assert after.previous_band == before.band


def test_without_a_previous_health_drivers_explain_the_points_lost() -> None:
    agg = account(seats=10, created_day=-90)
    daily(agg, POLICY, range(0, 35), users=2)
    health = health_at(agg, CARD, 34)
    assert health.drivers
    assert all(driver.basis == "standing" for driver in health.drivers)
    impacts = [driver.impact for driver in health.drivers]
    assert impacts == sorted(impacts)
    assert health.drivers[0].text == "only 2 of 10 seats active in the last 2 weeks"


def test_segments_apply_their_bands() -> None:
    card = scorecard(
        {"measure": "licence_utilisation", "weight": 1, "scoring": {"kind": "ratio", "target": 1}},
        segments=[
            {
                "name": "enterprise",
                "when": {"plans": ["enterprise"]},
                "bands": {"green": 90, "yellow": 70},
            }
        ],
    )
    agg = account(seats=10, plan="pro")
    daily(agg, policy_of(card), range(20, 30), users=8)
    assert health_at(agg, card, 29).band == "green"
    agg.apply_traits(TraitsUpdate(at=ts(29), plan="enterprise"))
    health = health_at(agg, card, 29)
    assert (health.segment, health.band) == ("enterprise", "yellow")


def test_too_little_of_the_scorecard_measured_is_unknown() -> None:
    card = scorecard(
        {"measure": "licence_utilisation", "weight": 10},
        {"measure": "nps_csat", "weight": 30},
    )
    agg = account(seats=10)
    health = health_at(agg, card, 29)
    assert health.band == "unknown"
    assert health.reason == "not enough data: only 25% of the scorecard could be measured"


def test_health_is_a_pure_function_of_its_inputs() -> None:
    agg = account(seats=10, renewal_day=50)
    daily(agg, POLICY, range(0, 35), users=5)
    first = compute_health(agg, CARD, now=moment(34))
    second = compute_health(agg, CARD, now=moment(34))
    assert first == second
    assert first.model_dump_json() == second.model_dump_json()


def test_an_event_stamped_just_after_midnight_by_a_fast_clock_waits_for_its_day() -> None:
    """Within the tolerance a sender's clock may run ahead; windows end today, so an event
    already stamped tomorrow counts once tomorrow begins."""
    card = scorecard({"measure": "licence_utilisation", "weight": 1})
    agg = account(seats=10)
    use(agg, policy_of(card), 20, "u1")
    # Stamped 00:02 on day 22, received 23:59 on day 21 (3 minutes: within the tolerance).
    usage = Usage(name="x", at=ts(22, 2 / 60), received_at=ts(21, 23 + 59 / 60), user_id="u2")
    agg.apply_usage(usage, policy_of(card))
    assert agg.clamped_future == 0
    evening = compute_health(agg, card, now=moment(21, 23.995))
    assert measure(evening, "licence_utilisation").value == 0.1
    morning = compute_health(agg, card, now=moment(22, 0.1))
    assert measure(morning, "licence_utilisation").value == 0.2
