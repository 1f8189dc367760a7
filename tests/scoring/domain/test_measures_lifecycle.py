"""Lifecycle measures: onboarding milestones, goals, renewal, CS touch recency."""

from __future__ import annotations

import pytest

from banso_scoring.domain.facts import Touch
from banso_scoring.domain.goals import Goal
from banso_scoring.domain.scorecard import MilestoneSpec

from .builders import account, daily, health_at, measure, policy_of, scorecard, ts, use

MILESTONES = {"measure": "onboarding_milestones", "weight": 10, "window": "90d"}
PLAN = [
    {"name": "First report", "event": "Report Created", "due_day": 3},
    {"name": "Team invited", "event": "User Invited", "due_day": 5},
    {"name": "Integration", "event": "Integration Connected", "due_day": 7},
    {"name": "First export", "event": "Export", "due_day": 30},
]


def test_milestones_on_time_late_overdue_and_not_yet_due() -> None:
    card = scorecard(MILESTONES, milestones=PLAN)
    agg = account(created_day=0)
    policy = policy_of(card)
    use(agg, policy, 2, "u1", "Report Created")  # on time
    use(agg, policy, 8, "u1", "User Invited")  # 3 days late
    health = health_at(agg, card, 10)  # Integration is 3 days overdue; Export not due yet
    part = measure(health, "onboarding_milestones")
    assert part.value == pytest.approx(0.5)  # (1 + 0.5 late credit) / 3
    assert part.detail == (
        "1 of 3 due milestones reached on time, 1 late; 'Integration' is 3 days overdue"
    )
    assert ("risk", "onboarding milestone 'Integration' overdue") in [
        (s.kind, s.text) for s in health.signals
    ]


def test_milestones_are_not_judged_before_any_is_due_nor_after_onboarding() -> None:
    card = scorecard(MILESTONES, milestones=PLAN)
    agg = account(created_day=0)
    early = measure(health_at(agg, card, 1), "onboarding_milestones")
    assert (early.available, early.detail) == (False, "no onboarding milestone due yet")
    late = measure(health_at(agg, card, 120), "onboarding_milestones")
    assert (late.available, late.detail) == (False, "onboarding period (90 days) is over")


def test_an_accounts_own_milestones_replace_same_named_ones() -> None:
    card = scorecard(MILESTONES, milestones=PLAN[:1])
    agg = account(created_day=0)
    use(agg, policy_of(card), 6, "u1", "Report Created")
    own = [MilestoneSpec(name="First report", event="Report Created", due_day=10)]
    assert measure(health_at(agg, card, 12), "onboarding_milestones").value == 0.5
    assert measure(health_at(agg, card, 12, milestones=own), "onboarding_milestones").value == 1


GOALS = {"measure": "goal_attainment", "weight": 10}


def test_goal_attainment_averages_goals_and_names_the_furthest_behind() -> None:
    card = scorecard(GOALS)
    agg = account()
    agg.track_sum("Order Placed", "amount")
    policy = policy_of(card)
    for day in range(10, 22):
        use(agg, policy, day, "u1", "Report Created")
    use(agg, policy, 20, "u1", "Order Placed", properties={"amount": 700})
    use(agg, policy, 21, "u1", "Order Placed", properties={"amount": 500})
    goals = [
        Goal(name="Monthly reports", metric="event_count", event="Report Created", target=30),
        Goal(
            name="Revenue",
            metric="property_sum",
            event="Order Placed",
            property="amount",
            window="14d",
            target=1000,
        ),
    ]
    health = health_at(agg, card, 25, goals=goals)
    part = measure(health, "goal_attainment")
    assert part.value == pytest.approx(0.7)  # (12/30 + 1) / 2
    assert part.detail == (
        "1 of 2 goals met; goal 'Monthly reports' at 40% (12 of 30 in the last 30 days)"
    )
    assert ("risk", "goal 'Monthly reports' at 40% (12 of 30 in the last 30 days)") in [
        (s.kind, s.text) for s in health.signals
    ]


def test_no_goals_leaves_goal_attainment_out() -> None:
    card = scorecard(GOALS)
    part = measure(health_at(account(), card, 25), "goal_attainment")
    assert (part.available, part.detail) == (False, "no goals agreed with the customer yet")


def test_property_sum_goals_need_a_property() -> None:
    with pytest.raises(ValueError, match="property: a property_sum goal names the property"):
        Goal(name="x", metric="property_sum", event="Order Placed", target=1)


RENEWAL = {"measure": "renewal", "weight": 10, "window": "90d"}
UTILISATION = {"measure": "licence_utilisation", "weight": 40}


def test_near_renewal_while_yellow_is_a_risk_weighted_by_health() -> None:
    card = scorecard(UTILISATION, RENEWAL)
    agg = account(seats=10, renewal_day=50)
    daily(agg, policy_of(card), range(20, 29), users=4)  # utilisation 0.4 -> score 50
    health = health_at(agg, card, 29)
    part = measure(health, "renewal")
    assert part.value == pytest.approx(21.0)
    # time score 21/90*100 = 23.3; the other measures' health is 50: half the penalty applies.
    assert part.score == pytest.approx(100 - (100 - 23.33) * 0.5, abs=0.1)
    assert part.detail == "renewal in 21 days while health is yellow"
    assert ("risk", part.detail) in [(s.kind, s.text) for s in health.signals]


def test_a_renewal_costs_a_healthy_account_nothing_and_far_renewals_score_full() -> None:
    card = scorecard(UTILISATION, RENEWAL)
    healthy = account(seats=10, renewal_day=40)
    daily(healthy, policy_of(card), range(20, 29), users=9)
    part = measure(health_at(healthy, card, 29), "renewal")
    assert (part.score, part.detail) == (100.0, "renewal in 11 days, health is green")
    far = account(seats=10, renewal_day=300)
    part = measure(health_at(far, card, 29), "renewal")
    assert (part.score, part.detail) == (100.0, "renewal in 271 days")


def test_a_renewal_date_in_the_past_asks_for_an_update() -> None:
    card = scorecard(UTILISATION, RENEWAL)
    agg = account(seats=10, renewal_day=20)
    part = measure(health_at(agg, card, 29), "renewal")
    assert part.detail == "renewal date passed 9 days ago while health is red"
    assert part.score == 0.0


def test_unknown_renewal_is_left_out() -> None:
    card = scorecard(UTILISATION, RENEWAL)
    part = measure(health_at(account(renewal_day=None), card, 29), "renewal")
    assert (part.available, part.detail) == (False, "renewal date unknown")


TOUCH = {"measure": "cs_touch_recency", "weight": 10, "window": "90d"}


def test_cs_touch_recency_from_nudges_and_notes() -> None:
    card = scorecard(TOUCH)
    agg = account(created_day=-200)
    agg.apply_touch(Touch(at=ts(10), kind="nudge"))
    agg.apply_touch(Touch(at=ts(15), kind="csm_note"))
    part = measure(health_at(agg, card, 60), "cs_touch_recency")
    assert (part.value, part.detail) == (45.0, "last CS touch (CSM note) 45 days ago")
    assert part.score == pytest.approx(100 * (60 - 45) / (60 - 14), abs=0.1)
    part = measure(health_at(agg, card, 200), "cs_touch_recency")
    assert (part.value, part.detail) == (90.0, "no CS touch in over 90 days")


def test_never_touched_counts_from_the_accounts_start() -> None:
    card = scorecard(TOUCH)
    part = measure(health_at(account(created_day=0), card, 20), "cs_touch_recency")
    assert part.value == pytest.approx(20.5)
    assert part.detail == "no CS touch yet, 20 days since the account started"
