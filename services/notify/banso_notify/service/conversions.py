"""Conversions in event time, whichever arrives first: the goal event or the enrolment.

A goal event converts the open enrolments whose window holds it when it arrives
(``service/intake.py``). In a replay, or whenever the decision comes a little after its trigger,
goal events inside a new enrolment's window may already have been processed: notify keeps every
goal-like usage event for the longest goal window of the workspace's playbooks (goal sightings,
event time) and a new enrolment looks back at them before it is stored. Either way the same goal
event converts the same enrolment, whatever the wall clock did.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.outbox import OutboxBatch
from banso_notify.adapters import sighting_store
from banso_notify.adapters.playbook_store import StoredPlaybook
from banso_notify.domain.attribution import GoalEvent
from banso_notify.service import events
from banso_notify.service.drafts import NudgeLike


async def keep_sightings(
    session: AsyncSession,
    *,
    workspace_id: str,
    goals: Sequence[tuple[GoalEvent, str]],
    playbooks: Sequence[StoredPlaybook],
) -> None:
    """Keep the batch's goal events that some playbook's goal names (all of them when a goal is
    ``*``), and forget those older than the longest goal window before the batch's latest."""
    wanted = [stored.playbook.goal for stored in playbooks if stored.playbook.goal is not None]
    if not goals or not wanted:
        return
    names = {goal.event for goal in wanted}
    kept = [
        (goal, event_id)
        for goal, event_id in goals
        if sighting_store.ANY_EVENT in names or goal.event in names
    ]
    if not kept:
        return
    await sighting_store.record(session, workspace_id=workspace_id, sightings=kept)
    horizon = max((goal.within for goal in wanted), default=timedelta(0))
    latest = max(goal.occurred_at for goal, _ in kept)
    await sighting_store.forget_before(session, workspace_id=workspace_id, before=latest - horizon)


async def look_back(
    session: AsyncSession, enrolments: Sequence[tuple[NudgeLike, dict[str, Any]]], out: OutboxBatch
) -> None:
    """Convert new enrolments (rows about to be inserted) by goal events already seen in their
    window; stage their ``NudgeConverted``."""
    for nudge, row in enrolments:
        found = await sighting_store.first_within(
            session,
            workspace_id=row["workspace_id"],
            account_id=row["account_id"],
            user_id=row["user_id"] if row["goal_scope"] == "user" else None,
            events=[row["goal_event"]],
            start=row["started_at"],
            end=row["window_ends_at"],
        )
        if found is None:
            continue
        row["converted_at"] = found.occurred_at
        window = int((row["window_ends_at"] - row["started_at"]).total_seconds())
        out.add(
            events.converted(
                nudge,
                found.occurred_at,
                goal_event=found.event,
                goal_event_id=found.event_id,
                window_s=window,
            )
        )
