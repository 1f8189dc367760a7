"""Contract events become notify's trigger signals."""

from __future__ import annotations

from datetime import UTC, datetime

from banso_contracts.events import Driver, HealthChanged, Reporter, TicketResolved
from banso_contracts.events import Signal as RiskSignal
from banso_notify.adapters.translate import health_signals, seat_utilisation, ticket_signals
from banso_notify.domain.facts import Band
from banso_notify.domain.signals import (
    GoalAtRiskSignal,
    HealthSignal,
    MilestoneOverdueSignal,
    TicketResolvedSignal,
)

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def health(*risks: RiskSignal, band: str = "red", previous: str | None = "yellow") -> HealthChanged:
    return HealthChanged(
        workspace_id="ws",
        account_id="acme",
        score=28.0,
        band=band,
        previous_score=52.0,
        previous_band=previous,
        trend=None,
        measures=[],
        drivers=[Driver(measure="wau", direction="down", impact=-20, text="Active users fell 45%")],
        signals=list(risks),
        reason="events",
        scorecard_version=1,
        computed_at=T0,
    )


def test_health_changes_carry_bands_scores_and_drivers_in_words() -> None:
    signals, _ = health_signals(health(), event_id="h1", raised_before=[])

    assert signals == [
        HealthSignal(
            workspace_id="ws",
            account_id="acme",
            event_id="h1",
            occurred_at=T0,
            score=28.0,
            band=Band.RED,
            previous_score=52.0,
            previous_band=Band.YELLOW,
            drivers=("Active users fell 45%",),
        )
    ]


def test_unknown_band_is_no_band() -> None:
    signals, _ = health_signals(
        health(band="unknown", previous=None), event_id="h1", raised_before=[]
    )

    assert isinstance(signals[0], HealthSignal)
    assert signals[0].band is None


def test_newly_raised_milestone_and_goal_risks_become_their_own_signals() -> None:
    milestone = RiskSignal(
        kind="risk", code="onboarding", text="onboarding milestone 'first_report' overdue"
    )
    goal = RiskSignal(
        kind="risk", code="goal_attainment", text="goal weekly_exports at 20% of target"
    )
    expansion = RiskSignal(kind="expansion", code="seats", text="seats nearly full")

    signals, raised = health_signals(
        health(milestone, goal, expansion), event_id="h1", raised_before=[]
    )

    extra = signals[1:]
    assert [type(signal) for signal in extra] == [MilestoneOverdueSignal, GoalAtRiskSignal]
    assert isinstance(extra[0], MilestoneOverdueSignal)
    assert extra[0].milestone == "first_report"
    assert isinstance(extra[1], GoalAtRiskSignal)
    assert extra[1].goal == "goal_attainment"
    assert len({signal.event_id for signal in signals}) == 3
    again, _ = health_signals(health(milestone, goal), event_id="h2", raised_before=raised)
    assert len(again) == 1  # still raised: not a new trigger


def test_a_resolved_ticket_becomes_one_signal_per_reporting_account() -> None:
    resolved = TicketResolved(
        workspace_id="ws",
        ticket_id="t1",
        theme_id="th1",
        sink="linear",
        external_key="ENG-7",
        resolution="Fixed",
        resolved_at=T0,
        account_ids=["acme", "globex"],
        reporters=[
            Reporter(user_id="u1", account_id="acme"),
            Reporter(user_id="u2", account_id="acme"),
            Reporter(user_id="u1", account_id="acme"),
        ],
    )

    signals = ticket_signals(resolved, event_id="e1", title="CSV export fails", url=None)

    assert [(s.account_id, s.reporter_user_ids, s.reporter_account_ids) for s in signals] == [
        ("acme", ("u1", "u2"), ()),
        ("globex", (), ("globex",)),
    ]
    assert all(
        isinstance(s, TicketResolvedSignal) and s.title == "CSV export fails" for s in signals
    )


def test_seat_utilisation_from_traits_or_known_users() -> None:
    assert seat_utilisation({"seats": 20, "seats_used": 19}) == 0.95
    assert seat_utilisation({"seats": "10", "active_users": "9"}) == 0.9
    assert seat_utilisation({"seats": 10}, known_users=5) == 0.5
    assert seat_utilisation({"seats": 0, "seats_used": 3}) is None
    assert seat_utilisation({"plan": "pro"}, known_users=5) is None
