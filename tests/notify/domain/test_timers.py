"""Inactivity and overdue milestones fire once per quiet spell / milestone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from banso_notify.domain.signals import InactivitySignal, MilestoneOverdueSignal
from banso_notify.domain.timers import (
    counts_as_activity,
    fire,
    inactivity_timer,
    milestone_timer,
    reaches_milestone,
)
from banso_notify.domain.triggers import InactivityTrigger, MilestoneOverdueTrigger

SEEN = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
QUIET = InactivityTrigger(type="inactivity", days=14)
KEY_ACTION = MilestoneOverdueTrigger.model_validate(
    {
        "type": "milestone_overdue",
        "milestone": "first_key_action",
        "done_event": "Key Action Completed",
        "due_after": "3d",
    }
)


def test_inactivity_is_due_days_after_the_last_activity() -> None:
    timer = inactivity_timer(
        QUIET, playbook_id="p", account_id="acme", user_id="u1", last_seen_at=SEEN
    )

    assert timer.due_at == SEEN + timedelta(days=14)


def test_the_signal_matches_its_trigger_and_is_stable_per_quiet_spell() -> None:
    timer = inactivity_timer(
        QUIET, playbook_id="p", account_id="acme", user_id="u1", last_seen_at=SEEN
    )
    later = inactivity_timer(
        QUIET,
        playbook_id="p",
        account_id="acme",
        user_id="u1",
        last_seen_at=SEEN + timedelta(days=2),
    )

    signal = fire(timer, QUIET, workspace_id="ws")

    assert isinstance(signal, InactivitySignal)
    assert QUIET.matches(signal)
    assert signal.event_id == fire(timer, QUIET, workspace_id="ws").event_id
    assert signal.event_id != fire(later, QUIET, workspace_id="ws").event_id


def test_any_event_counts_as_activity_unless_one_is_named() -> None:
    named = InactivityTrigger(type="inactivity", days=7, event="Report Exported")

    assert counts_as_activity(QUIET, "Anything")
    assert counts_as_activity(named, "Report Exported")
    assert not counts_as_activity(named, "Logged In")


def test_account_scope_timers_have_no_user() -> None:
    account_quiet = InactivityTrigger(type="inactivity", days=30, scope="account")
    timer = inactivity_timer(
        account_quiet, playbook_id="p", account_id="acme", user_id="u1", last_seen_at=SEEN
    )

    signal = fire(timer, account_quiet, workspace_id="ws")

    assert signal.user_id is None
    assert account_quiet.matches(signal)


def test_milestone_is_due_after_signup_and_reached_by_its_event() -> None:
    timer = milestone_timer(
        KEY_ACTION, playbook_id="p", account_id="acme", user_id="u1", signup_at=SEEN
    )

    assert timer is not None
    assert timer.due_at == SEEN + timedelta(days=3)
    assert reaches_milestone(KEY_ACTION, "Key Action Completed")
    assert not reaches_milestone(KEY_ACTION, "Logged In")
    signal = fire(timer, KEY_ACTION, workspace_id="ws")
    assert isinstance(signal, MilestoneOverdueSignal)
    assert KEY_ACTION.matches(signal)


def test_upstream_milestones_need_no_timer() -> None:
    upstream = MilestoneOverdueTrigger(type="milestone_overdue", milestone="go_live")

    assert (
        milestone_timer(upstream, playbook_id="p", account_id="a", user_id="u", signup_at=SEEN)
        is None
    )
