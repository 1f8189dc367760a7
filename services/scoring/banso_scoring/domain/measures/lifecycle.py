"""Measures of the account's lifecycle: onboarding, goals, renewal, CS touch."""

from __future__ import annotations

from banso_scoring.domain.durations import SECONDS_PER_DAY, whole_days
from banso_scoring.domain.measure_specs import (
    CsTouchRecency,
    GoalAttainment,
    OnboardingMilestones,
    RenewalRisk,
)
from banso_scoring.domain.measures.base import MeasureContext, Reading, Signal, plural, span
from banso_scoring.domain.windows import day_range, event_count, property_sum


def onboarding_milestones(spec: OnboardingMilestones, ctx: MeasureContext) -> Reading:
    created = ctx.aggregate.created_at
    if created is None:
        return Reading(None, "account creation date unknown")
    if not ctx.milestones:
        return Reading(None, "no onboarding milestones configured")
    if ctx.now - created > spec.window.total_seconds():
        return Reading(None, f"onboarding period ({span(whole_days(spec.window))}) is over")
    on_time = late = 0
    overdue: list[tuple[float, str]] = []
    for milestone in ctx.milestones:
        due = created + milestone.due_day * SECONDS_PER_DAY
        reached = ctx.aggregate.first_seen.get(milestone.event)
        if reached is not None and reached <= ctx.now:
            if reached <= due:
                on_time += 1
            else:
                late += 1
        elif ctx.now > due:
            overdue.append((ctx.now - due, milestone.name))
    counted = on_time + late + len(overdue)
    if counted == 0:
        return Reading(None, "no onboarding milestone due yet")
    value = (on_time + late * spec.late_credit) / counted
    text = f"{on_time} of {plural(counted, 'due milestone')} reached on time"
    if late:
        text += f", {late} late"
    signals: tuple[Signal, ...] = ()
    if overdue:
        overdue.sort(reverse=True)
        lag, name = overdue[0]
        text += f"; '{name}' is {plural(int(lag // SECONDS_PER_DAY), 'day')} overdue"
        signals = (
            Signal(
                "risk", "milestone_overdue", spec.measure, f"onboarding milestone '{name}' overdue"
            ),
        )
    return Reading(value, text, signals)


def goal_attainment(spec: GoalAttainment, ctx: MeasureContext) -> Reading:
    if not ctx.goals:
        return Reading(None, "no goals agreed with the customer yet")
    attained: list[tuple[float, str]] = []
    for goal in ctx.goals:
        days = day_range(ctx.today, whole_days(goal.window))
        if goal.metric == "property_sum" and goal.property is not None:
            actual = property_sum(ctx.aggregate, days, goal.event, goal.property)
        else:
            actual = float(event_count(ctx.aggregate, days, goal.event))
        share = min(1.0, actual / goal.target)
        words = f"goal '{goal.name}' at {share:.0%} ({actual:g} of {goal.target:g} in the last "
        attained.append((share, f"{words}{span(len(days))})"))
    attained.sort()
    value = sum(share for share, _ in attained) / len(attained)
    reached = sum(1 for share, _ in attained if share >= 1)
    text = f"{reached} of {plural(len(attained), 'goal')} met"
    if reached < len(attained):
        text += f"; {attained[0][1]}"
    signals = (
        (Signal("risk", "goal_behind", spec.measure, attained[0][1]),)
        if attained[0][0] < 0.5
        else ()
    )
    return Reading(value, text, signals)


def renewal(spec: RenewalRisk, ctx: MeasureContext) -> Reading:
    renewal_at = ctx.aggregate.traits.renewal_at
    if renewal_at is None:
        return Reading(None, "renewal date unknown")
    days_left = (renewal_at - ctx.now) / SECONDS_PER_DAY
    if days_left > spec.window.total_seconds() / SECONDS_PER_DAY:
        return Reading(days_left, f"renewal in {plural(int(days_left), 'day')}", score=100.0)
    if days_left < 0:
        when = f"renewal date passed {plural(int(-days_left), 'day')} ago"
    else:
        when = f"renewal in {plural(int(days_left), 'day')}"
    time_score = spec.scoring.score(max(0.0, days_left))
    health = 50.0 if ctx.partial_score is None else ctx.partial_score
    # The time pressure costs in proportion to how far from perfect the rest of health is.
    score = 100.0 - (100.0 - time_score) * (100.0 - health) / 100.0
    band = ctx.rules.bands.band_of(health)
    if band == "green":
        return Reading(days_left, f"{when}, health is green", score=score)
    text = f"{when} while health is {band}"
    return Reading(
        days_left, text, (Signal("risk", "renewal_at_risk", spec.measure, text),), score=score
    )


def cs_touch_recency(spec: CsTouchRecency, ctx: MeasureContext) -> Reading:
    agg = ctx.aggregate
    horizon = whole_days(spec.window)
    if agg.last_touch_at is None:
        age = ctx.age_days()
        if age is None:
            return Reading(None, "no CS touch recorded")
        days = min(float(horizon), max(0.0, age))
        started = plural(int(max(0.0, age)), "day")
        return Reading(days, f"no CS touch yet, {started} since the account started")
    days = max(0.0, (ctx.now - agg.last_touch_at) / SECONDS_PER_DAY)
    what = "CSM note" if agg.last_touch_kind == "csm_note" else "nudge"
    if days > horizon:
        return Reading(float(horizon), f"no CS touch in over {span(horizon)}")
    return Reading(days, f"last CS touch ({what}) {plural(int(days), 'day')} ago")
