"""Writing one round: accounts, history, events, dead letters, processed ids, schedule and
offsets, all in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import time

import orjson
from sqlalchemy import delete, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_contracts.events import HealthChanged
from banso_kit.runtime import Runtime
from banso_scoring.adapters import repository
from banso_scoring.adapters.repository import Fenced
from banso_scoring.consumers.engine import RoundWrites
from banso_scoring.consumers.state import AccountEntry, AccountKey, PartitionGroup

__all__ = ["Fenced", "processed_ids", "stored_offsets", "write_round"]


async def processed_ids(session: AsyncSession, *, group_id: str) -> list[tuple[str, float]]:
    """Every remembered event id of the group with when it was applied (epoch seconds)."""
    table = repository.APPLIED_IDS
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
        insert(repository.APPLIED_IDS).values(
            group_id=group_id, applied_at=time.time(), ids="\n".join(ids).encode()
        )
    )


async def prune_processed(session: AsyncSession, *, group_id: str, keep_s: float) -> None:
    table = repository.APPLIED_IDS
    await (await session.connection()).execute(
        delete(table).where(table.c.group_id == group_id, table.c.applied_at < time.time() - keep_s)
    )


async def write_round(
    session: AsyncSession,
    runtime: Runtime,
    *,
    group_id: str,
    writes: RoundWrites,
    accounts: dict[AccountKey, AccountEntry],
    groups: dict[int, PartitionGroup],
) -> None:
    # First, the fence: every change to a partition's accounts comes with its state row, written
    # only if its version is still the one this replica loaded (were the check only on the
    # offsets a round moves, a replica that lost the partition could commit a round of nudges
    # over the new owner's usage). On PostgreSQL the row stays locked until the commit.
    for partition in sorted(writes.groups_changed):
        group = groups[partition]
        writes.versions[partition] = await repository.save_partition_state(
            session,
            group_id=group_id,
            partition=partition,
            schedule=orjson.dumps(group.schedule.state.to_document()).decode(),
            scorecards=orjson.dumps(group.scorecards).decode(),
            expected_version=group.version,
        )
        await _store_offsets(session, runtime, group_id=group_id, group=group)
    touched = sorted(writes.aggregates_changed | writes.health_changed)
    entries = [accounts[key] for key in touched if key in accounts]
    if entries:
        await repository.save_accounts(
            session,
            entries=entries,
            aggregates=writes.aggregates_changed,
            evaluated=writes.health_changed,
            published=writes.published,
        )
    await repository.insert_history(session, rows=writes.history)
    await repository.delete_requests(session, ids=writes.request_ids)
    await _stage_events(session, runtime, writes.events)
    for record in writes.dead:
        assert record.error is not None
        await runtime.dead_letters.write(
            session,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            headers=record.headers,
            value=record.value or b"",
            error=record.error,
        )
    if writes.processed_ids:
        await insert_processed(session, group_id=group_id, ids=writes.processed_ids)
    if writes.expired_overrides:
        at = {key: accounts[key].evaluated_at or 0.0 for key, _ in writes.expired_overrides}
        await repository.expire_overrides(session, expired=writes.expired_overrides, at=at)


async def _stage_events(
    session: AsyncSession, runtime: Runtime, events: list[tuple[HealthChanged, str]]
) -> None:
    """Inserted in one statement: a tick that moves a thousand accounts must not cost a
    thousand round trips to the database."""
    batch = runtime.outbox.batch()
    for event, event_id in events:
        batch.add(event, event_id=event_id)
    await batch.flush(session)


async def _store_offsets(
    session: AsyncSession, runtime: Runtime, *, group_id: str, group: PartitionGroup
) -> None:
    offsets = runtime.tables.offsets
    connection = await session.connection()
    now = dt.datetime.now(dt.UTC)
    for topic, next_offset in group.next_offsets.items():
        expected = group.stored_offsets.get(topic)
        if expected == next_offset:
            continue
        if expected is None:
            await connection.execute(
                insert(offsets).values(
                    group_id=group_id,
                    topic=topic,
                    partition=group.partition,
                    next_offset=next_offset,
                    updated_at=now,
                )
            )
            continue
        result = await connection.execute(
            update(offsets)
            .where(
                offsets.c.group_id == group_id,
                offsets.c.topic == topic,
                offsets.c.partition == group.partition,
                offsets.c.next_offset == expected,
            )
            .values(next_offset=next_offset, updated_at=now)
        )
        if result.rowcount != 1:
            raise Fenced(f"{topic}[{group.partition}] moved past {expected}")


async def stored_offsets(
    session: AsyncSession, runtime: Runtime, *, group_id: str
) -> dict[tuple[str, int], int]:
    offsets = runtime.tables.offsets
    rows = await (await session.connection()).execute(
        select(offsets.c.topic, offsets.c.partition, offsets.c.next_offset).where(
            offsets.c.group_id == group_id
        )
    )
    return {(str(topic), int(partition)): int(offset) for topic, partition, offset in rows}
