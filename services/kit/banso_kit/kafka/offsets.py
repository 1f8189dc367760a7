"""Consumer offsets kept in the service's database, next to the state they caused.

A consumer stores the next offset of every partition it applied records from in the same
transaction as what it wrote. The store is fenced: a position is moved only if the database still
holds the one the consumer loaded or last wrote, so a consumer that lost a partition (and has not
heard yet) cannot commit over the new owner's progress.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from aiokafka import TopicPartition
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import Update
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.tables import KitTables


class Fenced(Exception):
    """Another consumer moved a partition this one believed it owned: nothing is written; reload
    and carry on."""


async def update_fenced(
    connection: AsyncConnection,
    statement: Update,
    rows: Sequence[Mapping[str, Any]],
    *,
    name: Callable[[Mapping[str, Any]], str],
    fenced: type[Fenced] = Fenced,
) -> None:
    """Run a conditional UPDATE (its WHERE holds the value each row expects) for every one of
    ``rows``; :class:`Fenced` unless each updated exactly one row. ``name`` says which row it was;
    ``fenced`` is the error raised (a subclass of :class:`Fenced`).

    Where the driver counts the rows of a batch (SQLite), every row goes in one statement (a live
    consumer writes small rounds often: a statement per row was most of a round's write); one row
    fewer than asked means one was fenced (which one, the rollback makes moot). Elsewhere
    (asyncpg), one statement per row."""
    if len(rows) > 1 and connection.dialect.supports_sane_multi_rowcount:
        result = await connection.execute(statement, rows)
        if result.rowcount != len(rows):
            raise fenced(f"one of {', '.join(map(name, rows))} moved past what was expected")
        return
    for row in rows:
        result = await connection.execute(statement, row)
        if result.rowcount != 1:
            raise fenced(f"{name(row)} moved past what was expected")


class OffsetStore:
    """The ``consumer_offsets`` table of one service, per consumer group."""

    def __init__(self, tables: KitTables) -> None:
        self._offsets = tables.offsets

    async def load(self, session: AsyncSession, *, group_id: str) -> dict[TopicPartition, int]:
        """Every stored next offset of the group."""
        offsets = self._offsets
        rows = await (await session.connection()).execute(
            select(offsets.c.topic, offsets.c.partition, offsets.c.next_offset).where(
                offsets.c.group_id == group_id
            )
        )
        return {
            TopicPartition(str(topic), int(partition)): int(offset)
            for topic, partition, offset in rows
        }

    async def store(
        self,
        session: AsyncSession,
        *,
        group_id: str,
        positions: Mapping[TopicPartition, int],
        expected: Mapping[TopicPartition, int | None],
    ) -> None:
        """Move each partition to its new position if the database still holds the expected one
        (None: never stored); :class:`Fenced` otherwise, including when another consumer inserted
        a partition's first position meanwhile."""
        offsets = self._offsets
        now = dt.datetime.now(dt.UTC)
        moves: list[dict[str, object]] = []
        for tp, next_offset in positions.items():
            before = expected.get(tp)
            if before == next_offset:
                continue
            if before is None:
                try:
                    async with session.begin_nested():
                        await (await session.connection()).execute(
                            insert(offsets).values(
                                group_id=group_id,
                                topic=tp.topic,
                                partition=tp.partition,
                                next_offset=next_offset,
                                updated_at=now,
                            )
                        )
                except IntegrityError as error:
                    raise Fenced(
                        f"{tp.topic}[{tp.partition}] was first stored by another"
                    ) from error
                continue
            moves.append(
                {"b_topic": tp.topic, "b_partition": tp.partition, "b_before": before,
                 "next_offset": next_offset}
            )  # fmt: skip
        if not moves:
            return
        connection = await session.connection()
        statement = (
            update(offsets)
            .where(
                offsets.c.group_id == group_id,
                offsets.c.topic == bindparam("b_topic"),
                offsets.c.partition == bindparam("b_partition"),
                offsets.c.next_offset == bindparam("b_before"),
            )
            .values(next_offset=bindparam("next_offset"), updated_at=now)
        )
        await update_fenced(
            connection,
            statement,
            moves,
            name=lambda move: f"{move['b_topic']}[{move['b_partition']}] at {move['b_before']}",
        )
