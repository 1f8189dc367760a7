"""Conversions count only inside the goal window, for the right person or account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from banso_notify.domain.attribution import (
    Arm,
    Enrolment,
    GoalEvent,
    attribute,
    exposure_context,
    exposure_moment,
)
from banso_notify.domain.triggers import Scope

START = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


def enrolment(
    key: str, *, user: str | None = "u1", scope: Scope = Scope.USER, goal: str = "Upgraded"
) -> Enrolment:
    return Enrolment(
        key=key,
        playbook_id="p",
        account_id="acme",
        user_id=user,
        arm=Arm.TREATMENT,
        started_at=START,
        goal_event=goal,
        goal_within=timedelta(days=7),
        goal_scope=scope,
    )


def goal(
    after: timedelta, *, user: str = "u1", account: str = "acme", event: str = "Upgraded"
) -> GoalEvent:
    return GoalEvent(event=event, account_id=account, user_id=user, occurred_at=START + after)


def keys(found: list[Enrolment]) -> list[str]:
    return [item.key for item in found]


def test_inside_the_window_converts() -> None:
    assert keys(attribute([enrolment("a")], goal(timedelta(days=2)))) == ["a"]
    assert keys(attribute([enrolment("a")], goal(timedelta(days=7)))) == ["a"]


def test_before_the_nudge_or_after_the_window_does_not() -> None:
    assert attribute([enrolment("a")], goal(-timedelta(minutes=1))) == []
    assert attribute([enrolment("a")], goal(timedelta(days=7, seconds=1))) == []


def test_user_scope_needs_the_same_person_account_scope_anyone_there() -> None:
    pool = [enrolment("user"), enrolment("account", scope=Scope.ACCOUNT)]

    assert keys(attribute(pool, goal(timedelta(hours=1), user="u2"))) == ["account"]
    assert attribute(pool, goal(timedelta(hours=1), account="globex")) == []


def test_other_events_do_not_convert_but_a_wildcard_goal_takes_any() -> None:
    pool = [enrolment("specific"), enrolment("any", goal="*")]

    assert keys(attribute(pool, goal(timedelta(hours=1), event="Logged In"))) == ["any"]


def test_the_window_opens_at_the_triggers_event_time_not_the_decisions() -> None:
    # a replay decides weeks after the trigger happened: the window still opens at the trigger
    decided = START + timedelta(days=30)
    context = {"signal": {"type": "UsageSignal", "occurred_at": START.isoformat()}}

    assert exposure_moment(context, fallback=decided) == START


def test_a_nudge_that_does_not_know_its_triggers_time_opens_at_the_decision() -> None:
    decided = START + timedelta(days=30)

    assert exposure_moment({}, fallback=decided) == decided
    assert exposure_moment({"signal": {"occurred_at": "yesterday"}}, fallback=decided) == decided
    naive = {"signal": {"occurred_at": "2025-03-04T10:00:00"}}
    assert exposure_moment(naive, fallback=decided) == decided


def test_a_held_out_nudge_keeps_just_enough_to_open_its_window() -> None:
    decided = START + timedelta(days=30)

    assert exposure_moment(exposure_context(START), fallback=decided) == START
