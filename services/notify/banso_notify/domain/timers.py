"""Time-based triggers: inactivity and overdue milestones, as timers that fire once each.

A timer is (re)armed by what happens — each matching usage event pushes an inactivity timer to
``last_seen + days``; a user's signup arms a milestone timer at ``signup + due_after`` and its
``done_event`` disarms it — and fires when the clock passes ``due_at``. The signal's event id is
derived from the timer, so one quiet spell (or one overdue milestone) can start a nudge only once,
however often the sweep runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from banso_notify.domain.signals import InactivitySignal, MilestoneOverdueSignal, Signal
from banso_notify.domain.triggers import InactivityTrigger, MilestoneOverdueTrigger, Scope


@dataclass(frozen=True, slots=True)
class Timer:
    playbook_id: str
    account_id: str
    user_id: str | None
    anchor_at: datetime  # last activity, or signup
    due_at: datetime

    @property
    def subject(self) -> str:
        return f"user:{self.user_id}" if self.user_id is not None else f"account:{self.account_id}"


def counts_as_activity(trigger: InactivityTrigger, event: str) -> bool:
    return trigger.event is None or trigger.event == event


def inactivity_timer(
    trigger: InactivityTrigger,
    *,
    playbook_id: str,
    account_id: str,
    user_id: str | None,
    last_seen_at: datetime,
) -> Timer:
    return Timer(
        playbook_id=playbook_id,
        account_id=account_id,
        user_id=user_id if trigger.scope is Scope.USER else None,
        anchor_at=last_seen_at,
        due_at=last_seen_at + timedelta(days=trigger.days),
    )


def milestone_timer(
    trigger: MilestoneOverdueTrigger,
    *,
    playbook_id: str,
    account_id: str,
    user_id: str,
    signup_at: datetime,
) -> Timer | None:
    """None when notify does not track this milestone itself (upstream tells it is overdue)."""
    if trigger.due_after is None:
        return None
    return Timer(
        playbook_id=playbook_id,
        account_id=account_id,
        user_id=user_id,
        anchor_at=signup_at,
        due_at=signup_at + trigger.due_after,
    )


def reaches_milestone(trigger: MilestoneOverdueTrigger, event: str) -> bool:
    return trigger.done_event is not None and trigger.done_event == event


def fire(
    timer: Timer, trigger: InactivityTrigger | MilestoneOverdueTrigger, *, workspace_id: str
) -> Signal:
    """The signal a due timer produces; its event id is stable for this timer."""
    stamp = timer.anchor_at.isoformat()
    if isinstance(trigger, InactivityTrigger):
        return InactivitySignal(
            workspace_id=workspace_id,
            account_id=timer.account_id,
            user_id=timer.user_id,
            event_id=f"inactivity:{timer.playbook_id}:{timer.subject}:{stamp}",
            occurred_at=timer.due_at,
            event=trigger.event,
            last_seen_at=timer.anchor_at,
            inactive_days=trigger.days,
        )
    return MilestoneOverdueSignal(
        workspace_id=workspace_id,
        account_id=timer.account_id,
        user_id=timer.user_id,
        event_id=f"milestone:{timer.playbook_id}:{timer.subject}:{trigger.milestone}",
        occurred_at=timer.due_at,
        milestone=trigger.milestone,
        due_at=timer.due_at,
    )
