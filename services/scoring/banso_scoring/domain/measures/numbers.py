"""The measures' numbers alone, for a day's close and a glance: for each measure, what its
``Reading`` carries in ``value`` and ``score`` (no detail text, no signals), computed the same
way, so the numbers equal ``assess``'s. ``tests/scoring/domain/test_day_scores.py`` compares
them over generated accounts and days.

A measure's spec is read once (``reader``): its windows in days and its scoring function are
bound into the function that then reads each day's point."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from banso_scoring.domain.aggregates import AccountAggregate
from banso_scoring.domain.durations import SECONDS_PER_DAY, whole_days
from banso_scoring.domain.goals import Goal
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
from banso_scoring.domain.measures.voice import _on_nps_scale
from banso_scoring.domain.scorecard import MilestoneSpec, Rules
from banso_scoring.domain.windows import (
    active_users,
    day_range,
    event_count,
    feedback_tally,
    property_sum,
)

# (value, score set by the measure itself or None: the scorecard's function of the value)
Numbers = tuple[float | None, float | None]


class Point:
    """What the measures read at one moment (``MeasureContext``'s fields); one is reused,
    moved from day to day, by a multi-day close."""

    __slots__ = ("aggregate", "goals", "milestones", "now", "partial_score", "rules", "today")

    def __init__(
        self,
        aggregate: AccountAggregate,
        rules: Rules,
        goals: Sequence[Goal],
        milestones: Sequence[MilestoneSpec],
    ) -> None:
        self.aggregate = aggregate
        self.rules = rules
        self.goals = goals
        self.milestones = milestones
        self.now = 0.0
        self.today = 0
        self.partial_score: float | None = None


Reader = Callable[[Point], Numbers]


def _licence_utilisation(spec: LicenceUtilisation) -> Reader:
    days = whole_days(spec.window)

    def read(point: Point) -> Numbers:
        seats = point.aggregate.traits.seats
        if not seats:
            return None, None
        return active_users(point.aggregate, day_range(point.today, days)) / seats, None

    return read


def _feature_adoption(spec: FeatureAdoption) -> Reader:
    window = whole_days(spec.window)

    def read(point: Point) -> Numbers:
        key_events = point.rules.key_events
        buckets = point.aggregate.days
        seen: set[str] = set()
        for day in day_range(point.today, window):
            bucket = buckets.get(day)
            if bucket is not None:
                # A name is in a bucket's counts only once it happened that day.
                seen.update(bucket.counts)
        used = sum(1 for name in key_events if name in seen)
        return used / len(key_events), None

    return read


def _usage_trend(spec: UsageTrend) -> Reader:
    window = whole_days(spec.window)
    baseline = whole_days(spec.baseline)
    min_baseline = whole_days(spec.min_baseline)
    by_users = spec.metric == "active_users"

    def read(point: Point) -> Numbers:
        aggregate, today = point.aggregate, point.today
        created = aggregate.created_at
        first_day = today - window - baseline + 1
        if created is not None:
            first_day = max(first_day, int(created // SECONDS_PER_DAY))
        covered = max(0, today - window - first_day + 1)
        if covered < min_baseline:
            return None, None
        if by_users:
            recent = float(active_users(aggregate, day_range(today, window)))
            blocks = covered // window
            base = sum(
                active_users(aggregate, day_range(today, window, offset=window * (i + 1)))
                for i in range(blocks)
            ) / max(1, blocks)
        else:
            elapsed = (point.now - today * SECONDS_PER_DAY) / SECONDS_PER_DAY
            recent_days = max(0.25, window - 1 + elapsed)
            recent = event_count(aggregate, day_range(today, window)) / recent_days
            base = event_count(aggregate, day_range(today, covered, offset=window)) / covered
        if base == 0:
            return (0.0 if recent == 0 else 2.0), None
        return recent / base, None

    return read


def _core_action_frequency(spec: CoreActionFrequency) -> Reader:
    window = whole_days(spec.window)

    def read(point: Point) -> Numbers:
        days = day_range(point.today, window)
        count = event_count(point.aggregate, days, point.rules.core_action or "")
        per_week = count / (len(days) / 7)
        if not spec.per_active_user:
            return per_week, None
        users = active_users(point.aggregate, days)
        return (per_week / users if users else 0.0), None

    return read


def _support_friction(spec: SupportFriction) -> Reader:
    window = whole_days(spec.window)
    kinds = spec.kinds
    negative_weight = spec.negative_weight

    def read(point: Point) -> Numbers:
        tally = feedback_tally(point.aggregate, day_range(point.today, window), kinds)
        items = sum(count for count, _ in tally.values())
        negative = sum(neg for _, neg in tally.values())
        return items + negative * negative_weight, None

    return read


def _nps_csat(spec: NpsCsat) -> Reader:
    window = spec.window.total_seconds()

    def read(point: Point) -> Numbers:
        now = point.now
        for at, kind, score in reversed(point.aggregate.surveys):
            if at <= now:
                if at < now - window:
                    return None, None
                return _on_nps_scale(kind, score), None
        return None, None

    return read


def _onboarding_milestones(spec: OnboardingMilestones) -> Reader:
    window = spec.window.total_seconds()
    late_credit = spec.late_credit

    def read(point: Point) -> Numbers:
        now = point.now
        created = point.aggregate.created_at
        if created is None or not point.milestones or now - created > window:
            return None, None
        on_time = late = overdue = 0
        first_seen = point.aggregate.first_seen
        for milestone in point.milestones:
            due = created + milestone.due_day * SECONDS_PER_DAY
            reached = first_seen.get(milestone.event)
            if reached is not None and reached <= now:
                if reached <= due:
                    on_time += 1
                else:
                    late += 1
            elif now > due:
                overdue += 1
        counted = on_time + late + overdue
        if counted == 0:
            return None, None
        return (on_time + late * late_credit) / counted, None

    return read


def _goal_attainment(spec: GoalAttainment) -> Reader:
    def read(point: Point) -> Numbers:
        if not point.goals:
            return None, None
        shares = []
        for goal in point.goals:
            days = day_range(point.today, whole_days(goal.window))
            if goal.metric == "property_sum" and goal.property is not None:
                actual = property_sum(point.aggregate, days, goal.event, goal.property)
            else:
                actual = float(event_count(point.aggregate, days, goal.event))
            shares.append(min(1.0, actual / goal.target))
        # Summed in the order ``goal_attainment`` sums them (its readings sorted).
        shares.sort()
        return sum(shares) / len(shares), None

    return read


def _renewal(spec: RenewalRisk) -> Reader:
    window_days = spec.window.total_seconds() / SECONDS_PER_DAY
    time_score_of = spec.scoring.score

    def read(point: Point) -> Numbers:
        renewal_at = point.aggregate.traits.renewal_at
        if renewal_at is None:
            return None, None
        days_left = (renewal_at - point.now) / SECONDS_PER_DAY
        if days_left > window_days:
            return days_left, 100.0
        time_score = time_score_of(max(0.0, days_left))
        health = 50.0 if point.partial_score is None else point.partial_score
        return days_left, 100.0 - (100.0 - time_score) * (100.0 - health) / 100.0

    return read


def _cs_touch_recency(spec: CsTouchRecency) -> Reader:
    horizon = whole_days(spec.window)

    def read(point: Point) -> Numbers:
        agg = point.aggregate
        if agg.last_touch_at is None:
            created = agg.created_at
            if created is None:
                return None, None
            age = (point.now - created) / SECONDS_PER_DAY
            return min(float(horizon), max(0.0, age)), None
        days = max(0.0, (point.now - agg.last_touch_at) / SECONDS_PER_DAY)
        return (float(horizon) if days > horizon else days), None

    return read


# measure kind -> the reader of a spec of that kind.
_READERS: dict[str, Callable[[Any], Reader]] = {
    "licence_utilisation": _licence_utilisation,
    "feature_adoption": _feature_adoption,
    "usage_trend": _usage_trend,
    "core_action_frequency": _core_action_frequency,
    "support_friction": _support_friction,
    "nps_csat": _nps_csat,
    "onboarding_milestones": _onboarding_milestones,
    "goal_attainment": _goal_attainment,
    "renewal": _renewal,
    "cs_touch_recency": _cs_touch_recency,
}


def reader(spec: Any) -> Reader:
    """The function reading ``spec``'s measure at a point."""
    return _READERS[spec.measure](spec)
