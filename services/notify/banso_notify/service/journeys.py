"""Journeys: after one send step went out, the next one is planned after its waits."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_notify.adapters import nudge_store
from banso_notify.adapters.playbook_store import StoredPlaybook
from banso_notify.domain.facts import Audience, Recipient
from banso_notify.domain.idempotency import nudge_key
from banso_notify.domain.playbook import SendStep, WaitStep
from banso_notify.models import Nudge
from banso_notify.service.drafts import insert_drafts, new_nudge


async def schedule_next_step(
    session: AsyncSession, nudge: Nudge, stored: StoredPlaybook, *, now: datetime
) -> None:
    """After a journey step went out, plan the next send step after its waits (if any)."""
    sends_seen = -1
    waited = timedelta(0)
    next_step: SendStep | None = None
    for step in stored.playbook.steps:
        if isinstance(step, SendStep):
            sends_seen += 1
            if sends_seen == nudge.step_index + 1:
                next_step = step
                break
            waited = timedelta(0)
        elif isinstance(step, WaitStep) and sends_seen >= nudge.step_index:
            waited += step.wait
    if next_step is None:
        return
    key = nudge_key(
        playbook_id=nudge.playbook_id,
        recipient_key=nudge.recipient_key,
        event_id=nudge.trigger_event_id,
        step=nudge.step_index + 1,
    )
    if await nudge_store.existing_keys(session, workspace_id=nudge.workspace_id, keys=[key]):
        return
    follower = new_nudge(
        workspace_id=nudge.workspace_id,
        key=key,
        stored=stored,
        step_index=nudge.step_index + 1,
        recipient=_recipient_of(nudge),
        channel=next_step.send.channel,
        template=next_step.send.template,
        trigger_event_id=nudge.trigger_event_id,
        context={
            **nudge.context,
            "journey_first_nudge": nudge.context.get("journey_first_nudge", nudge.id),
        },
        now=now,
    )
    follower.due_at = now + waited
    await insert_drafts(session, [follower])


def _recipient_of(nudge: Nudge) -> Recipient:
    audience = Audience.CUSTOMER if nudge.recipient_kind == "user" else Audience.CSM
    return Recipient(
        audience=audience, recipient_id=nudge.recipient_id, account_id=nudge.account_id
    )
