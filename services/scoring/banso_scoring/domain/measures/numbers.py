"""The measures' numbers alone, for a day's close: each function gives what its measure's
``Reading`` carries in ``value`` and ``score`` (no detail text, no signals), computed the same
way, so a close scores exactly as ``assess`` does. ``tests/scoring/domain/test_day_scores.py``
compares them over generated accounts and days."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from banso_scoring.domain.durations import SECONDS_PER_DAY, whole_days
from banso_scoring.domain.measure_specs import (
    CoreActionFrequency,
    CsTouchRecency,
    FeatureAdoption,
    GoalAttainment,
    LicenceUtilisation,
    NpsCsat,
    OnboardingMilestones,
    RenewalRisk,
    SupportFriction,
    UsageTrend,
)
from banso_scoring.domain.measures.base import MeasureContext
from banso_scoring.domain.measures.voice import _on_nps_scale
from banso_scoring.domain.windows import (
    active_users,
    day_range,
    event_count,
    feedback_tally,
    property_sum,
)

# (value, score set by the measure itself or None: the scorecard's function of the value)
Numbers = tuple[float | None, float | None]


def licence_utilisation(spec: LicenceUtilisation, ctx: MeasureContext) -> Numbers:
    seats = ctx.aggregate.traits.seats
    if not seats:
        return None, None
    return active_users(ctx.aggregate, day_range(ctx.today, whole_days(spec.window))) / seats, None


def feature_adoption(spec: FeatureAdoption, ctx: MeasureContext) -> Numbers:
    key_events = ctx.rules.key_events
    buckets = ctx.aggregate.days
    seen: set[str] = set()
    for day in day_range(ctx.today, whole_days(spec.window)):
        bucket = buckets.get(day)
        if bucket is not None:
            # A name is in a bucket's counts only once it happened that day.
            seen.update(bucket.counts)
    used = sum(1 for name in key_events if name in seen)
    return used / len(key_events), None


def usage_trend(spec: UsageTrend, ctx: MeasureContext) -> Numbers:
    window = whole_days(spec.window)
    baseline = whole_days(spec.baseline)
    created = ctx.aggregate.created_at
    first_day = ctx.today - window - baseline + 1
    if created is not None:
        first_day = max(first_day, int(created // SECONDS_PER_DAY))
    covered = max(0, ctx.today - window - first_day + 1)
    if covered < whole_days(spec.min_baseline):
        return None, None
    if spec.metric == "active_users":
        recent = float(active_users(ctx.aggregate, day_range(ctx.today, window)))
        blocks = [
            day_range(ctx.today, window, offset=window * (i + 1)) for i in range(covered // window)
        ]
        base = sum(active_users(ctx.aggregate, block) for block in blocks) / max(1, len(blocks))
    else:
        elapsed = (ctx.now - ctx.today * SECONDS_PER_DAY) / SECONDS_PER_DAY
        recent_days = max(0.25, window - 1 + elapsed)
        recent = event_count(ctx.aggregate, day_range(ctx.today, window)) / recent_days
        base = event_count(ctx.aggregate, day_range(ctx.today, covered, offset=window)) / covered
    if base == 0:
        return (0.0 if recent == 0 else 2.0), None
    return recent / base, None


def core_action_frequency(spec: CoreActionFrequency, ctx: MeasureContext) -> Numbers:
    days = day_range(ctx.today, whole_days(spec.window))
    count = event_count(ctx.aggregate, days, ctx.rules.core_action or "")
    per_week = count / (len(days) / 7)
    if not spec.per_active_user:
        return per_week, None
    users = active_users(ctx.aggregate, days)
    return (per_week / users if users else 0.0), None


def support_friction(spec: SupportFriction, ctx: MeasureContext) -> Numbers:
    days = day_range(ctx.today, whole_days(spec.window))
    tally = feedback_tally(ctx.aggregate, days, spec.kinds)
    items = sum(count for count, _ in tally.values())
    negative = sum(neg for _, neg in tally.values())
    return items + negative * spec.negative_weight, None


def nps_csat(spec: NpsCsat, ctx: MeasureContext) -> Numbers:
    now = ctx.now
    latest = None
    for survey in reversed(ctx.aggregate.surveys):
        if survey[0] <= now:
            latest = survey
            break
    if latest is None or latest[0] < now - spec.window.total_seconds():
        return None, None
    return _on_nps_scale(latest[1], latest[2]), None


def onboarding_milestones(spec: OnboardingMilestones, ctx: MeasureContext) -> Numbers:
    created = ctx.aggregate.created_at
    if created is None or not ctx.milestones or ctx.now - created > spec.window.total_seconds():
        return None, None
    on_time = late = overdue = 0
    first_seen = ctx.aggregate.first_seen
    for milestone in ctx.milestones:
        due = created + milestone.due_day * SECONDS_PER_DAY
        reached = first_seen.get(milestone.event)
        if reached is not None and reached <= ctx.now:
            if reached <= due:
                on_time += 1
            else:
                late += 1
        elif ctx.now > due:
            overdue += 1
    counted = on_time + late + overdue
    if counted == 0:
        return None, None
    return (on_time + late * spec.late_credit) / counted, None


def goal_attainment(spec: GoalAttainment, ctx: MeasureContext) -> Numbers:
    if not ctx.goals:
        return None, None
    shares = []
    for goal in ctx.goals:
        days = day_range(ctx.today, whole_days(goal.window))
        if goal.metric == "property_sum" and goal.property is not None:
            actual = property_sum(ctx.aggregate, days, goal.event, goal.property)
        else:
            actual = float(event_count(ctx.aggregate, days, goal.event))
        shares.append(min(1.0, actual / goal.target))
    # Summed in the order ``goal_attainment`` sums them (its readings sorted).
    shares.sort()
    return sum(shares) / len(shares), None


def renewal(spec: RenewalRisk, ctx: MeasureContext) -> Numbers:
    renewal_at = ctx.aggregate.traits.renewal_at
    if renewal_at is None:
        return None, None
    days_left = (renewal_at - ctx.now) / SECONDS_PER_DAY
    if days_left > spec.window.total_seconds() / SECONDS_PER_DAY:
        return days_left, 100.0
    time_score = spec.scoring.score(max(0.0, days_left))
    health = 50.0 if ctx.partial_score is None else ctx.partial_score
    return days_left, 100.0 - (100.0 - time_score) * (100.0 - health) / 100.0


def cs_touch_recency(spec: CsTouchRecency, ctx: MeasureContext) -> Numbers:
    agg = ctx.aggregate
    horizon = whole_days(spec.window)
    if agg.last_touch_at is None:
        age = ctx.age_days()
        if age is None:
            return None, None
        return min(float(horizon), max(0.0, age)), None
    days = max(0.0, (ctx.now - agg.last_touch_at) / SECONDS_PER_DAY)
    return (float(horizon) if days > horizon else days), None


# measure kind -> function(spec, context), as ``MEASURES``.
NUMBERS: dict[str, Callable[[Any, MeasureContext], Numbers]] = {
    "licence_utilisation": licence_utilisation,
    "feature_adoption": feature_adoption,
    "usage_trend": usage_trend,
    "core_action_frequency": core_action_frequency,
    "support_friction": support_friction,
    "nps_csat": nps_csat,
    "onboarding_milestones": onboarding_milestones,
    "goal_attainment": goal_attainment,
    "renewal": renewal,
    "cs_touch_recency": cs_touch_recency,
}
