"""Measures read from usage: licence utilisation, key-feature adoption, trend, core action."""

from __future__ import annotations

from banso_scoring.domain.durations import SECONDS_PER_DAY, whole_days
from banso_scoring.domain.measure_specs import (
    CoreActionFrequency,
    FeatureAdoption,
    LicenceUtilisation,
    UsageTrend,
)
from banso_scoring.domain.measures.base import MeasureContext, Reading, Signal, plural, span
from banso_scoring.domain.windows import active_users, day_range, event_count


def licence_utilisation(spec: LicenceUtilisation, ctx: MeasureContext) -> Reading:
    seats = ctx.aggregate.traits.seats
    if not seats:
        return Reading(None, "seats unknown: licence utilisation is not measured")
    days = whole_days(spec.window)
    active = active_users(ctx.aggregate, day_range(ctx.today, days))
    value = active / seats
    fact = f"{active} of {plural(seats, 'seat')} active in the last {span(days)}"
    if value < spec.risk_below:
        text = f"only {fact}"
        return Reading(value, text, (Signal("risk", "low_utilisation", spec.measure, text),))
    if value > spec.expansion_above:
        text = f"{fact}: room to expand the licence"
        return Reading(value, fact, (Signal("expansion", "seats_nearly_full", spec.measure, text),))
    return Reading(value, fact)


def feature_adoption(spec: FeatureAdoption, ctx: MeasureContext) -> Reading:
    key_events = ctx.rules.key_events
    days = day_range(ctx.today, whole_days(spec.window))
    unused = [name for name in key_events if event_count(ctx.aggregate, days, name) == 0]
    used = len(key_events) - len(unused)
    text = f"uses {used} of {plural(len(key_events), 'key feature')} in the last {span(len(days))}"
    if unused:
        text += "; not yet: " + ", ".join(unused[:5]) + ("…" if len(unused) > 5 else "")
    return Reading(used / len(key_events), text)


def usage_trend(spec: UsageTrend, ctx: MeasureContext) -> Reading:
    window = whole_days(spec.window)
    baseline = whole_days(spec.baseline)
    created = ctx.aggregate.created_at
    first_day = ctx.today - window - baseline + 1
    if created is not None:
        first_day = max(first_day, int(created // SECONDS_PER_DAY))
    covered = max(0, ctx.today - window - first_day + 1)
    if covered < whole_days(spec.min_baseline):
        return Reading(None, f"not enough history for a trend ({plural(covered, 'day')})")
    if spec.metric == "active_users":
        recent = float(active_users(ctx.aggregate, day_range(ctx.today, window)))
        blocks = [
            day_range(ctx.today, window, offset=window * (i + 1)) for i in range(covered // window)
        ]
        base = sum(active_users(ctx.aggregate, block) for block in blocks) / max(1, len(blocks))
        subject = "weekly active users" if window == 7 else f"active users per {span(window)}"
    else:
        # Today is partly over: count it by the share elapsed, so the rate does not dip
        # every midnight.
        elapsed = (ctx.now - ctx.today * SECONDS_PER_DAY) / SECONDS_PER_DAY
        recent_days = max(0.25, window - 1 + elapsed)
        recent = event_count(ctx.aggregate, day_range(ctx.today, window)) / recent_days
        base_days = day_range(ctx.today, covered, offset=window)
        base = event_count(ctx.aggregate, base_days) / covered
        subject = "daily events"
    against = f"against the previous {span(covered)}"
    if base == 0:
        if recent == 0:
            # Flat at nothing is the worst trend there is: absence is a signal.
            return Reading(0.0, f"no usage in the last {span(window + covered)}")
        return Reading(2.0, f"usage resumed in the last {span(window)} after a quiet spell")
    value = recent / base
    change = round((value - 1) * 100)
    if change <= -1:
        text = f"{subject} fell {-change} % {against}"
    elif change >= 1:
        text = f"{subject} rose {change} % {against}"
    else:
        text = f"{subject} steady {against}"
    signals = (
        (Signal("risk", "usage_decline", spec.measure, text),) if value < spec.risk_below else ()
    )
    return Reading(value, text, signals)


def core_action_frequency(spec: CoreActionFrequency, ctx: MeasureContext) -> Reading:
    action = ctx.rules.core_action or ""
    days = day_range(ctx.today, whole_days(spec.window))
    count = event_count(ctx.aggregate, days, action)
    per_week = count / (len(days) / 7)
    text = f"'{action}' {plural(count, 'time')} in the last {span(len(days))}"
    if not spec.per_active_user:
        return Reading(per_week, f"{text} ({per_week:.1f} a week)")
    users = active_users(ctx.aggregate, days)
    value = per_week / users if users else 0.0
    return Reading(value, f"{text} ({value:.1f} a week per active user)")
