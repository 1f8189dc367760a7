"""Event ids a consumer group already applied, so a message delivered again is applied once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.kafka.batch import Inbound
from banso_kit.tables import KitTables

CHUNK = 500


async def drop_repeats(
    session: AsyncSession, tables: KitTables, *, group_id: str, messages: list[Inbound]
) -> list[Inbound]:
    """The messages whose event was not applied before; their ids are recorded as applied."""
    if not messages:
        return []
    processed = tables.processed
    ids = list({m.envelope.id for m in messages})
    seen: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = await (await session.connection()).execute(
            select(processed.c.event_id).where(
                processed.c.group_id == group_id, processed.c.event_id.in_(chunk)
            )
        )
        seen.update(r.event_id for r in rows)
    fresh: list[Inbound] = []
    now = dt.datetime.now(dt.UTC)
    new_rows = []
    for message in messages:
        if message.envelope.id in seen:
            continue
        seen.add(message.envelope.id)
        fresh.append(message)
        new_rows.append(
            {"group_id": group_id, "event_id": message.envelope.id, "processed_at": now}
        )
    if new_rows:
        await (await session.connection()).execute(insert(processed), new_rows)
    return fresh


async def prune_repeats(
    session: AsyncSession, tables: KitTables, *, group_id: str, keep_s: float
) -> None:
    """Forget ids applied more than ``keep_s`` seconds ago."""
    processed = tables.processed
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=keep_s)
    await (await session.connection()).execute(
        delete(processed).where(processed.c.group_id == group_id, processed.c.processed_at < cutoff)
    )


async def forget_repeats(
    session: AsyncSession, tables: KitTables, *, group_id: str, event_ids: list[str]
) -> None:
    """Unmark events that were dead-lettered rather than applied, so their replay is applied."""
    if not event_ids:
        return
    processed = tables.processed
    await (await session.connection()).execute(
        delete(processed).where(
            processed.c.group_id == group_id, processed.c.event_id.in_(event_ids)
        )
    )
