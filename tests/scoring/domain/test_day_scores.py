"""A day's close computes only score and band, several days at once: over many generated
accounts and days (fixed seed), each must equal the full assessment as of the day's end."""

from __future__ import annotations

import random
from typing import Any

from banso_scoring.domain.aggregates import AccountAggregate
from banso_scoring.domain.day_scores import day_end, day_scores
from banso_scoring.domain.durations import day_of
from banso_scoring.domain.facts import (
    FeedbackItem,
    SurveyAnswer,
    SurveyKind,
    Touch,
    TouchKind,
    TraitsUpdate,
)
from banso_scoring.domain.goals import Goal
from banso_scoring.domain.health import assess
from banso_scoring.domain.scorecard import MilestoneSpec, Scorecard
from banso_scoring.domain.scores import numbers_at

from .builders import T0, account, policy_of, scorecard, ts, use

DAY0 = day_of(T0)
EVENTS = ("Page Viewed", "Report Built", "Invite Sent", "Export")

# Every measure, with settings off their defaults, and a segment with rules of its own.
CARD = scorecard(
    {"measure": "licence_utilisation", "weight": 20},
    {"measure": "feature_adoption", "weight": 10, "window": "10d"},
    {"measure": "usage_trend", "weight": 15, "metric": "events", "baseline": "14d"},
    {"measure": "core_action_frequency", "weight": 10, "per_active_user": True},
    {"measure": "support_friction", "weight": 10, "negative_weight": 2},
    {"measure": "nps_csat", "weight": 10, "window": "20d"},
    {"measure": "onboarding_milestones", "weight": 5, "window": "40d"},
    {"measure": "goal_attainment", "weight": 10},
    {"measure": "renewal", "weight": 5, "window": "30d"},
    {"measure": "cs_touch_recency", "weight": 5, "window": "20d"},
    key_events=["Report Built", "Invite Sent", "Export"],
    core_action="Report Built",
    milestones=[{"name": "first report", "event": "Report Built", "due_day": 5}],
    minimum_data={"min_age": "10d", "min_active_days": 4, "min_measured_weight": 0.5},
    segments=[
        {
            "name": "small",
            "when": {"max_seats": 8},
            "measures": [
                {"measure": "usage_trend", "weight": 30},
                {"measure": "core_action_frequency", "weight": 10},
                {"measure": "renewal", "weight": 10},
                {"measure": "support_friction", "weight": 5},
            ],
        }
    ],
)
DEFAULT = scorecard()


def _generated(rng: random.Random, card: Scorecard) -> AccountAggregate:
    policy = policy_of(card)
    aggregate = account(
        seats=rng.choice([None, 0, 5, 12, 40]),
        created_day=rng.choice([None, -60, -3, 2]),
        renewal_day=rng.choice([None, 10, 25, 200]),
        arr=rng.choice([None, 1_000.0]),
    )
    if rng.random() < 0.5:
        aggregate.track_sum("Export", "rows")
    users = [f"u{n}" for n in range(rng.randint(1, 15))]
    active = sorted(rng.sample(range(0, 40), rng.randint(0, 30)))
    for day in active:
        for _ in range(rng.randint(1, 8)):
            use(
                aggregate,
                policy,
                day,
                rng.choice([*users, None]),
                rng.choice(EVENTS),
                hours=rng.uniform(0, 23.9),
                properties={"rows": rng.randint(1, 50)},
            )
        if rng.random() < 0.15:
            aggregate.apply_feedback(
                FeedbackItem(
                    at=ts(day, rng.uniform(0, 23)),
                    kind=rng.choice(["support_ticket", "churn_reason", "feature_request"]),
                ),
                rng.random() < 0.5,
                policy,
            )
        if rng.random() < 0.1:
            survey: SurveyKind = rng.choice(["nps", "csat"])
            score = rng.randint(0, 10) if survey == "nps" else rng.randint(1, 5)
            aggregate.apply_survey(
                SurveyAnswer(at=ts(day, rng.uniform(0, 23)), kind=survey, score=score), policy
            )
        if rng.random() < 0.1:
            touch: TouchKind = rng.choice(["nudge", "csm_note"])
            aggregate.apply_touch(Touch(at=ts(day, rng.uniform(0, 23)), kind=touch))
        if rng.random() < 0.1:
            aggregate.apply_traits(
                TraitsUpdate(
                    at=ts(day, rng.uniform(0, 23)),
                    seats=rng.choice([None, 3, 12, 30]),
                    plan=rng.choice([None, "free", "pro"]),
                    renewal_at=rng.choice([None, ts(rng.randint(20, 120))]),
                )
            )
    return aggregate


def _milestones(rng: random.Random) -> list[MilestoneSpec]:
    """An onboarding milestone for half of the generated accounts."""
    if rng.random() < 0.5:
        return [MilestoneSpec(name="invited", event="Invite Sent", due_day=3)]
    return []


def _goals(rng: random.Random) -> list[Goal]:
    goals: list[dict[str, Any]] = [
        {"name": "reports", "metric": "event_count", "event": "Report Built", "target": 20},
        {
            "name": "rows",
            "metric": "property_sum",
            "event": "Export",
            "property": "rows",
            "window": "7d",
            "target": 300,
        },
        {"name": "invites", "metric": "event_count", "event": "Invite Sent", "target": 5},
    ]
    return [Goal.model_validate(goal) for goal in rng.sample(goals, rng.randint(0, 3))]


def _assessed(
    aggregate: AccountAggregate,
    card: Scorecard,
    day: int,
    goals: list[Goal],
    milestones: list[MilestoneSpec],
) -> tuple[float | None, str]:
    moment = day_end(day)
    numbers = assess(aggregate.as_of(moment), card, now=moment, goals=goals, milestones=milestones)
    return numbers.score, numbers.band


def test_day_scores_equal_the_full_assessment_over_generated_accounts() -> None:
    rng = random.Random(18)
    compared = bands = 0
    seen_bands: set[str] = set()
    for number in range(300):
        card = CARD if number % 3 else DEFAULT
        aggregate = _generated(rng, card)
        goals = _goals(rng)
        milestones = _milestones(rng)
        first = rng.randint(-5, 20)
        days = range(DAY0 + first, DAY0 + first + rng.randint(1, 40))
        closes = day_scores(aggregate, card, days, goals=goals, milestones=milestones)
        expected = [_assessed(aggregate, card, day, goals, milestones) for day in days]
        assert closes == expected, f"account {number}"
        compared += len(days)
        bands += sum(1 for _, band in closes if band != "unknown")
        seen_bands.update(band for _, band in closes)
    # The generated accounts reach every outcome, not only "unknown".
    assert compared > 3_000
    assert bands > compared // 3
    assert seen_bands == {"green", "yellow", "red", "unknown"}


def test_one_call_over_many_days_equals_a_call_per_day() -> None:
    # What the days share (the view, the rules) must not carry one day's state to the next.
    rng = random.Random(7)
    for _ in range(60):
        aggregate = _generated(rng, CARD)
        goals = _goals(rng)
        days = range(DAY0, DAY0 + 45)
        together = day_scores(aggregate, CARD, days, goals=goals)
        apart = [day_scores(aggregate, CARD, range(day, day + 1), goals=goals)[0] for day in days]
        assert together == apart


def test_numbers_at_any_moment_equal_the_full_assessment() -> None:
    # What ``glance`` decides on: the current aggregate at any time of day, not a day's end.
    rng = random.Random(1818)
    outcomes: set[str] = set()
    for number in range(200):
        card = CARD if number % 2 else DEFAULT
        aggregate = _generated(rng, card)
        goals = _goals(rng)
        for _ in range(10):
            now = ts(rng.uniform(-3, 60))
            numbers = assess(aggregate, card, now=now, goals=goals)
            expected = (numbers.score, numbers.band)
            assert numbers_at(aggregate, card, now=now, goals=goals) == expected
            outcomes.add(numbers.band)
    assert outcomes == {"green", "yellow", "red", "unknown"}
