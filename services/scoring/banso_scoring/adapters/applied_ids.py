"""Ids of the events the scoring consumer applied, remembered for a while (in chunks, one per
round) so a repeat is dropped. Functions only flush; callers commit."""

from __future__ import annotations

import time

from sqlalchemy import delete, insert, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters.tables import APPLIED_IDS


async def processed_ids(session: AsyncSession, *, group_id: str) -> list[tuple[str, float]]:
    """Every remembered event id of the group with when it was applied (epoch seconds)."""
    table = APPLIED_IDS
    rows = await (await session.connection()).execute(
        select(table.c.ids, table.c.applied_at)
        .where(table.c.group_id == group_id)
        .order_by(table.c.applied_at, table.c.id)
    )
    return [
        (event_id, float(applied_at))
        for blob, applied_at in rows
        for event_id in bytes(blob).decode().split("\n")
    ]


async def insert_processed(session: AsyncSession, *, group_id: str, ids: list[str]) -> None:
    await (await session.connection()).execute(
        insert(APPLIED_IDS).values(
            group_id=group_id, applied_at=time.time(), ids="\n".join(ids).encode()
        )
    )


async def prune_processed(session: AsyncSession, *, group_id: str, keep_s: float) -> None:
    table = APPLIED_IDS
    await (await session.connection()).execute(
        delete(table).where(table.c.group_id == group_id, table.c.applied_at < time.time() - keep_s)
    )
