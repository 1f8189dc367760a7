"""Workspaces in the ingest service's database, and everything ingest holds for one."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_ingest.models import IngestModel, Workspace
from banso_kit.errors import NotFound


async def create_workspace(session: AsyncSession, *, name: str, now: dt.datetime) -> Workspace:
    workspace = Workspace(id="ws_" + uuid.uuid4().hex[:20], name=name, created_at=now)
    session.add(workspace)
    await session.flush()
    return workspace


async def get_workspace(session: AsyncSession, *, workspace_id: str) -> Workspace:
    workspace = await session.get(Workspace, workspace_id)
    if workspace is None:
        raise NotFound(f"workspace {workspace_id!r} does not exist")
    return workspace


async def list_workspaces(
    session: AsyncSession, *, limit: int, offset: int
) -> tuple[list[Workspace], int]:
    """One page of workspaces, oldest first, and how many there are in all."""
    total = (await session.exec(select(func.count()).select_from(Workspace))).one()
    rows = await session.exec(
        select(Workspace)
        .order_by(col(Workspace.created_at), col(Workspace.id))
        .limit(limit)
        .offset(offset)
    )
    return list(rows), int(total)


async def rename_workspace(session: AsyncSession, *, workspace_id: str, name: str) -> Workspace:
    workspace = await get_workspace(session, workspace_id=workspace_id)
    workspace.name = name
    session.add(workspace)
    await session.flush()
    return workspace


async def delete_workspace(session: AsyncSession, *, workspace_id: str) -> dict[str, int]:
    """Delete the workspace with its sources, tokens, dedupe entries and user groups; returns
    how many rows of each went. The audit log keeps its entries."""
    await get_workspace(session, workspace_id=workspace_id)
    connection = await session.connection()
    removed: dict[str, int] = {}
    tables = IngestModel.metadata.tables
    for name, table in (
        ("dedupe_entries", tables["dedupe_ledger"]),
        ("user_groups", tables["user_groups"]),
        ("api_tokens", tables["api_tokens"]),
        ("sources", tables["sources"]),
    ):
        result = await connection.execute(delete(table).where(table.c.workspace_id == workspace_id))
        removed[name] = int(result.rowcount or 0)
    workspaces = tables["workspaces"]
    await connection.execute(delete(workspaces).where(workspaces.c.id == workspace_id))
    session.expunge_all()
    return removed
