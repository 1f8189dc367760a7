"""Every trigger type starts on the signals it names, and only on those."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter

from banso_notify.domain.facts import Band
from banso_notify.domain.signals import (
    GoalAtRiskSignal,
    HealthSignal,
    InactivitySignal,
    MetricSignal,
    MilestoneOverdueSignal,
    Signal,
    TicketResolvedSignal,
    UsageSignal,
)
from banso_notify.domain.triggers import Trigger

AT = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
BASE: dict[str, Any] = {"workspace_id": "ws", "account_id": "acme", "occurred_at": AT}


def trigger(**data: Any) -> Any:
    return TypeAdapter(Trigger).validate_python(data)


def usage(event: str, **properties: Any) -> UsageSignal:
    return UsageSignal(**BASE, event_id="e1", user_id="u1", event=event, properties=properties)


def health(band: Band, score: float, previous_band: Band | None, previous: float | None) -> Signal:
    return HealthSignal(
        **BASE,
        event_id="h1",
        band=band,
        score=score,
        previous_band=previous_band,
        previous_score=previous,
    )


def test_usage_event_trigger_matches_the_event_and_its_properties() -> None:
    rule = trigger(
        type="usage_event",
        event="Report Exported",
        where=[{"property": "rows", "op": "gt", "value": 100}],
    )

    assert rule.matches(usage("Report Exported", rows=500))
    assert not rule.matches(usage("Report Exported", rows=5))
    assert not rule.matches(usage("Report Exported"))
    assert not rule.matches(usage("Report Viewed", rows=500))


def test_health_trigger_fires_when_health_turns_red_not_while_it_stays_red() -> None:
    rule = trigger(type="health_changed", to_band="red")

    assert rule.matches(health(Band.RED, 30, Band.YELLOW, 45))
    assert rule.matches(health(Band.RED, 30, None, None))
    assert not rule.matches(health(Band.RED, 25, Band.RED, 30))
    assert not rule.matches(health(Band.YELLOW, 45, Band.GREEN, 70))


def test_health_trigger_from_bands_limits_where_it_came_from() -> None:
    rule = trigger(type="health_changed", to_band="red", from_bands=["green"])

    assert rule.matches(health(Band.RED, 30, Band.GREEN, 75))
    assert not rule.matches(health(Band.RED, 30, Band.YELLOW, 45))


def test_score_drop_trigger_needs_a_drop_of_at_least_the_given_points() -> None:
    rule = trigger(type="health_changed", score_drop=15)

    assert rule.matches(health(Band.YELLOW, 55, Band.GREEN, 70))
    assert not rule.matches(health(Band.GREEN, 60, Band.GREEN, 70))
    assert not rule.matches(health(Band.GREEN, 80, Band.GREEN, 70))
    assert not rule.matches(health(Band.YELLOW, 55, None, None))


def test_inactivity_trigger_matches_its_own_window_and_scope() -> None:
    rule = trigger(type="inactivity", days=14)

    def quiet(days: int, user_id: str | None, event: str | None = None) -> Signal:
        return InactivitySignal(
            **BASE,
            event_id="i1",
            user_id=user_id,
            event=event,
            last_seen_at=AT,
            inactive_days=days,
        )

    assert rule.matches(quiet(14, "u1"))
    assert not rule.matches(quiet(7, "u1"))
    assert not rule.matches(quiet(14, None))  # an account-level quiet spell is another trigger
    assert not rule.matches(quiet(14, "u1", event="Login"))
    assert trigger(type="inactivity", days=14, scope="account").matches(quiet(14, None))


def test_milestone_overdue_trigger_matches_its_milestone() -> None:
    rule = trigger(type="milestone_overdue", milestone="first_key_action")
    signal = MilestoneOverdueSignal(**BASE, event_id="m1", milestone="first_key_action", due_at=AT)
    other = MilestoneOverdueSignal(**BASE, event_id="m2", milestone="go_live", due_at=AT)

    assert rule.matches(signal)
    assert not rule.matches(other)


def test_goal_at_risk_trigger_matches_one_goal_or_any() -> None:
    signal = GoalAtRiskSignal(**BASE, event_id="g1", goal="weekly_reports")

    assert trigger(type="goal_at_risk").matches(signal)
    assert trigger(type="goal_at_risk", goal="weekly_reports").matches(signal)
    assert not trigger(type="goal_at_risk", goal="seat_adoption").matches(signal)


def test_ticket_resolved_trigger_matches_resolved_tickets_only() -> None:
    signal = TicketResolvedSignal(**BASE, event_id="t1", ticket_id="T-1", title="Export fails")

    assert trigger(type="ticket_resolved").matches(signal)
    assert not trigger(type="ticket_resolved").matches(usage("Ticket Resolved"))


def test_metric_trigger_fires_on_crossing_the_threshold_upward_only() -> None:
    rule = trigger(type="metric_crossed", metric="seat_utilisation", above=0.9)

    def seats(value: float, previous: float | None) -> Signal:
        return MetricSignal(
            **BASE, event_id="s1", metric="seat_utilisation", value=value, previous=previous
        )

    assert rule.matches(seats(0.95, 0.85))
    assert rule.matches(seats(0.95, None))
    assert not rule.matches(seats(0.97, 0.95))  # already above: no repeat
    assert not rule.matches(seats(0.85, 0.80))


def test_triggers_never_match_other_signal_types() -> None:
    rules = [
        trigger(type="usage_event", event="Ticket Resolved"),
        trigger(type="health_changed", to_band="red"),
        trigger(type="inactivity", days=14),
        trigger(type="milestone_overdue", milestone="first_key_action"),
        trigger(type="goal_at_risk"),
        trigger(type="metric_crossed", metric="seat_utilisation", above=0.9),
    ]
    resolved = TicketResolvedSignal(**BASE, event_id="t1", ticket_id="T-1", title="x")

    assert not any(rule.matches(resolved) for rule in rules)
