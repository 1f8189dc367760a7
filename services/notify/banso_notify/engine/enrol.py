"""Experiment enrolments: a nudge sent (treatment) or held out, with its goal window."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_notify.domain.playbook import Playbook
from banso_notify.models import Enrolment, Nudge


async def enrol(session: AsyncSession, nudge: Nudge, playbook: Playbook, *, at: datetime) -> None:
    """Only customer nudges of playbooks with a goal are part of the experiment.

    Called once per nudge: when it is sent, or when the holdout keeps it back (both are one-way
    state changes of the nudge, so no second enrolment can follow).
    """
    if playbook.goal is None or nudge.recipient_kind != "user" or nudge.user_id is None:
        return
    session.add(
        Enrolment(
            nudge_id=nudge.id,
            workspace_id=nudge.workspace_id,
            playbook_id=nudge.playbook_id,
            account_id=nudge.account_id,
            user_id=nudge.user_id,
            variant=nudge.variant,
            goal_event=playbook.goal.event,
            goal_scope=playbook.goal.scope.value,
            started_at=at,
            window_ends_at=at + playbook.goal.within,
        )
    )
