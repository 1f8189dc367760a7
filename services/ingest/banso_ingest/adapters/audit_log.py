"""The audit log of administrative actions: appended in the action's transaction, read in pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_ingest.models import AuditEntry


async def append(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    target_type: str,
    target_id: str,
    workspace_id: str | None,
    now: dt.datetime,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=now,
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        workspace_id=workspace_id,
        detail=orjson.dumps(detail or {}).decode(),
    )
    session.add(entry)
    await session.flush()
    return entry


async def page(
    session: AsyncSession,
    *,
    limit: int,
    before: int | None = None,
    workspace_id: str | None = None,
    action: str | None = None,
) -> list[AuditEntry]:
    """Newest first: up to `limit` entries older than entry `before` (a cursor), filtered."""
    query = select(AuditEntry)
    if before is not None:
        query = query.where(col(AuditEntry.id) < before)
    if workspace_id is not None:
        query = query.where(AuditEntry.workspace_id == workspace_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    rows = await session.exec(query.order_by(col(AuditEntry.id).desc()).limit(limit))
    return list(rows)
