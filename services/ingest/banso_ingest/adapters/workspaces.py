"""Workspaces and sources (write keys) of the ingest service's database."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_ingest.models import Source, Workspace
from banso_kit.auth import generate_write_key, hash_write_key
from banso_kit.errors import NotFound


@dataclass(frozen=True)
class NewSource:
    source: Source
    write_key: str
    """Shown once, at creation; only its hash is stored."""


async def create_workspace(session: AsyncSession, *, name: str) -> Workspace:
    workspace = Workspace(
        id="ws_" + uuid.uuid4().hex[:20], name=name, created_at=dt.datetime.now(dt.UTC)
    )
    session.add(workspace)
    await session.flush()
    return workspace


async def get_workspace(session: AsyncSession, *, workspace_id: str) -> Workspace:
    workspace = await session.get(Workspace, workspace_id)
    if workspace is None:
        raise NotFound(f"workspace {workspace_id!r} does not exist")
    return workspace


async def create_source(session: AsyncSession, *, workspace_id: str, name: str) -> NewSource:
    await get_workspace(session, workspace_id=workspace_id)
    write_key = generate_write_key()
    source = Source(
        id="src_" + uuid.uuid4().hex[:20],
        workspace_id=workspace_id,
        name=name,
        write_key_hash=hash_write_key(write_key),
        created_at=dt.datetime.now(dt.UTC),
    )
    session.add(source)
    await session.flush()
    return NewSource(source=source, write_key=write_key)


async def source_for_write_key(session: AsyncSession, *, write_key: str) -> Source | None:
    """The active source owning `write_key`, or None."""
    result = await session.exec(
        select(Source).where(
            Source.write_key_hash == hash_write_key(write_key), col(Source.revoked_at).is_(None)
        )
    )
    return result.first()
