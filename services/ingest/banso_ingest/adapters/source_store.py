"""Sources and their write keys in the ingest service's database: create, list, rotate, revoke,
and the lookup every tracking request's key goes through (cached in sources.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_ingest.adapters.workspaces import get_workspace
from banso_ingest.domain.credentials import key_prefix, rotate
from banso_ingest.models import IngestModel, Source
from banso_kit.auth import generate_write_key, hash_write_key
from banso_kit.errors import Conflict, NotFound


@dataclass(frozen=True)
class NewKey:
    source: Source
    write_key: str
    """Shown once, at creation or rotation; only its hash is stored."""


async def create_source(
    session: AsyncSession, *, workspace_id: str, name: str, now: dt.datetime
) -> NewKey:
    await get_workspace(session, workspace_id=workspace_id)
    write_key = generate_write_key()
    source = Source(
        id="src_" + uuid.uuid4().hex[:20],
        workspace_id=workspace_id,
        name=name,
        write_key_hash=hash_write_key(write_key),
        key_prefix=key_prefix(write_key),
        created_at=now,
    )
    session.add(source)
    await session.flush()
    return NewKey(source=source, write_key=write_key)


async def get_source(session: AsyncSession, *, workspace_id: str, source_id: str) -> Source:
    source = await session.get(Source, source_id)
    if source is None or source.workspace_id != workspace_id:
        raise NotFound(f"source {source_id!r} does not exist in workspace {workspace_id!r}")
    return source


async def list_sources(session: AsyncSession, *, workspace_id: str) -> list[Source]:
    await get_workspace(session, workspace_id=workspace_id)
    rows = await session.exec(
        select(Source)
        .where(Source.workspace_id == workspace_id)
        .order_by(col(Source.created_at), col(Source.id))
    )
    return list(rows)


async def rotate_key(
    session: AsyncSession,
    *,
    workspace_id: str,
    source_id: str,
    grace: dt.timedelta,
    now: dt.datetime,
) -> NewKey:
    """A new write key; the current one keeps working for `grace`."""
    source = await get_source(session, workspace_id=workspace_id, source_id=source_id)
    if source.revoked_at is not None:
        raise Conflict(f"source {source_id!r} is revoked; create a new source instead")
    rotation = rotate(source.write_key_hash, now=now, grace=grace)
    write_key = generate_write_key()
    source.previous_key_hash = rotation.previous_key_hash
    source.previous_key_expires_at = rotation.previous_expires_at
    source.write_key_hash = hash_write_key(write_key)
    source.key_prefix = key_prefix(write_key)
    source.rotated_at = now
    session.add(source)
    await session.flush()
    return NewKey(source=source, write_key=write_key)


async def revoke_source(
    session: AsyncSession, *, workspace_id: str, source_id: str, now: dt.datetime
) -> tuple[Source, bool]:
    """Refuse every key of the source from now on; returns it and whether this call revoked it
    (idempotent: a second revoke changes nothing)."""
    source = await get_source(session, workspace_id=workspace_id, source_id=source_id)
    if source.revoked_at is not None:
        return source, False
    source.revoked_at = now
    source.previous_key_hash = None
    source.previous_key_expires_at = None
    session.add(source)
    await session.flush()
    return source, True


async def source_for_write_key(
    session: AsyncSession, *, key_hash: str, now: dt.datetime
) -> Source | None:
    """The active source owning the key with this hash (current key, or the previous one while
    its grace period runs), or None. Both columns are indexed."""
    result = await session.exec(
        select(Source).where(
            or_(
                col(Source.write_key_hash) == key_hash,
                (col(Source.previous_key_hash) == key_hash)
                & (col(Source.previous_key_expires_at) > now),
            ),
            col(Source.revoked_at).is_(None),
        )
    )
    return result.first()


async def mark_seen(
    session: AsyncSession, *, source_id: str, now: dt.datetime, older_than: dt.datetime
) -> None:
    """Set the source's last-seen time unless another worker did so since `older_than`."""
    sources = IngestModel.metadata.tables["sources"]
    await (await session.connection()).execute(
        update(sources)
        .where(sources.c.id == source_id)
        .where(or_(sources.c.last_seen_at.is_(None), sources.c.last_seen_at < older_than))
        .values(last_seen_at=now)
    )
