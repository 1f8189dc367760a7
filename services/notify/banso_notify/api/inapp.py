"""The in-app inbox: messages for one user of the token's workspace, with read and dismiss."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from banso_kit.api import ReaderDep, ReadSessionDep, SessionDep, WriterDep
from banso_kit.errors import NotFound
from banso_kit.openapi import errors
from banso_notify.adapters import inbox_store
from banso_notify.api.deps import NotifyDep
from banso_notify.models import InboxMessage

router = APIRouter(prefix="/v1/inapp", tags=["in-app"])


class InboxMessagePublic(BaseModel):
    id: str
    playbook_id: str
    title: str
    body_text: str
    body_html: str | None
    created_at: datetime
    read_at: datetime | None


def public(row: InboxMessage) -> InboxMessagePublic:
    return InboxMessagePublic(
        id=row.id,
        playbook_id=row.playbook_id,
        title=row.title,
        body_text=row.body_text,
        body_html=row.body_html,
        created_at=row.created_at,
        read_at=row.read_at,
    )


@router.get("/{user_id}")
async def inbox(
    user_id: str, principal: ReaderDep, session: ReadSessionDep, unread_only: bool = False
) -> list[InboxMessagePublic]:
    """A user's in-app messages, newest first; dismissed ones are gone."""
    rows = await inbox_store.messages(
        session, workspace_id=principal.workspace_id, user_id=user_id, unread_only=unread_only
    )
    return [public(row) for row in rows]


@router.post("/{user_id}/{message_id}/read", responses=errors(404))
async def mark_read(
    user_id: str, message_id: str, principal: WriterDep, session: SessionDep, notify: NotifyDep
) -> InboxMessagePublic:
    """Mark a message read."""
    row = await _message(session, principal.workspace_id, user_id, message_id)
    row.read_at = row.read_at or notify.clock.now()
    return public(row)


@router.post("/{user_id}/{message_id}/dismiss", responses=errors(404))
async def dismiss(
    user_id: str, message_id: str, principal: WriterDep, session: SessionDep, notify: NotifyDep
) -> InboxMessagePublic:
    """Dismiss a message: it leaves the inbox."""
    row = await _message(session, principal.workspace_id, user_id, message_id)
    now = notify.clock.now()
    row.read_at = row.read_at or now
    row.dismissed_at = row.dismissed_at or now
    return public(row)


async def _message(
    session: SessionDep, workspace_id: str, user_id: str, message_id: str
) -> InboxMessage:
    row = await inbox_store.message(
        session, workspace_id=workspace_id, user_id=user_id, message_id=message_id
    )
    # another workspace's message looks exactly like a missing one
    if row is None:
        raise NotFound("no such message in this inbox")
    return row
