"""The in-app inbox: messages delivered to a user inside the product."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_notify.models import InboxMessage


def deliver(
    session: AsyncSession,
    *,
    workspace_id: str,
    user_id: str,
    nudge_id: str,
    playbook_id: str,
    title: str,
    body_text: str,
    body_html: str | None,
    now: datetime,
) -> None:
    session.add(
        InboxMessage(
            id=uuid.uuid4().hex,
            workspace_id=workspace_id,
            user_id=user_id,
            nudge_id=nudge_id,
            playbook_id=playbook_id,
            title=title,
            body_text=body_text,
            body_html=body_html,
            created_at=now,
        )
    )


async def messages(
    session: AsyncSession, *, workspace_id: str, user_id: str, unread_only: bool, limit: int = 200
) -> list[InboxMessage]:
    """A user's messages, newest first; dismissed ones are gone."""
    query = select(InboxMessage).where(
        InboxMessage.workspace_id == workspace_id,
        InboxMessage.user_id == user_id,
        col(InboxMessage.dismissed_at).is_(None),
    )
    if unread_only:
        query = query.where(col(InboxMessage.read_at).is_(None))
    rows = await session.exec(query.order_by(col(InboxMessage.created_at).desc()).limit(limit))
    return list(rows.all())


async def message(
    session: AsyncSession, *, workspace_id: str, user_id: str, message_id: str
) -> InboxMessage | None:
    """One message of this user's inbox (another workspace's or user's is None)."""
    row = await session.get(InboxMessage, message_id)
    if row is None or row.workspace_id != workspace_id or row.user_id != user_id:
        return None
    return row
