"""New nudges as plain objects, inserted in bulk.

Building ORM objects costs more than deciding; the planner decides thousands of nudges a second,
so new nudges are drafts (a dataclass with the table's columns) written with one multi-row INSERT.
Held nudges that come back for a second decision are ORM rows; both shapes satisfy ``NudgeLike``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_notify.adapters import nudge_store
from banso_notify.adapters.playbook_store import StoredPlaybook
from banso_notify.domain.facts import Audience, Channel, Recipient
from banso_notify.models import Nudge


@dataclass(slots=True)
class NudgeDraft:
    id: str
    workspace_id: str
    idempotency_key: str
    playbook_id: str
    playbook_version: int
    step_index: int
    account_id: str
    user_id: str | None
    recipient_kind: str
    recipient_id: str
    recipient_key: str
    channel: str
    template: str | None
    trigger_event_id: str
    created_at: datetime
    updated_at: datetime
    state: str = nudge_store.HELD
    address: str | None = None
    locale: str | None = None
    reason: str | None = None
    detail: str | None = None
    variant: str = "treatment"
    context: dict[str, Any] = field(default_factory=dict)
    due_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    message_id: str | None = None
    provider_message_id: str | None = None
    counted_at: datetime | None = None
    sent_at: datetime | None = None


NudgeLike = Nudge | NudgeDraft


def new_nudge(
    *,
    workspace_id: str,
    key: str,
    stored: StoredPlaybook,
    step_index: int,
    recipient: Recipient,
    channel: Channel,
    template: str,
    trigger_event_id: str,
    context: dict[str, Any],
    now: datetime,
) -> NudgeDraft:
    customer = recipient.audience is Audience.CUSTOMER
    return NudgeDraft(
        id=uuid.uuid4().hex,
        workspace_id=workspace_id,
        idempotency_key=key,
        playbook_id=stored.playbook.id,
        playbook_version=stored.version,
        step_index=step_index,
        account_id=recipient.account_id,
        user_id=recipient.recipient_id if customer else None,
        recipient_kind="user" if customer else "csm",
        recipient_id=recipient.recipient_id,
        recipient_key=recipient.key,
        channel=channel.value,
        template=template,
        trigger_event_id=trigger_event_id,
        context=context,
        created_at=now,
        updated_at=now,
    )


_COLUMNS = tuple(item.name for item in fields(NudgeDraft))


async def insert_drafts(session: AsyncSession, drafts: list[NudgeDraft]) -> None:
    """One executemany INSERT; the unique idempotency key still guards every row."""
    rows = [{name: getattr(draft, name) for name in _COLUMNS} for draft in drafts]
    await nudge_store.insert_many(session, rows)
