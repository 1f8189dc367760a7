"""Each partition's evaluation schedule and scorecard versions, written with a version that
fences every round: a replica writes only over the version it loaded or last wrote."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import orjson
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.kafka.offsets import Fenced as OffsetsFenced
from banso_scoring.adapters.tables import PARTITIONS
from banso_scoring.domain.schedule import ScheduleState


@dataclass(frozen=True, slots=True)
class StoredPartition:
    schedule: str
    scorecards: str
    version: int


async def load_partition_states(
    session: AsyncSession, *, group_id: str, partitions: Iterable[int]
) -> dict[int, StoredPartition]:
    rows = await (await session.connection()).execute(
        select(
            PARTITIONS.c.partition,
            PARTITIONS.c.schedule,
            PARTITIONS.c.scorecards,
            PARTITIONS.c.version,
        ).where(PARTITIONS.c.group_id == group_id, PARTITIONS.c.partition.in_(list(partitions)))
    )
    return {
        int(p): StoredPartition(str(schedule), str(cards), int(version))
        for p, schedule, cards, version in rows.all()
    }


class Fenced(OffsetsFenced):
    """Another replica wrote a partition this one believed its own (it lost the partition, or
    is about to learn that it did): nothing of the round is written; reload and carry on."""


async def save_partition_state(
    session: AsyncSession,
    *,
    group_id: str,
    partition: int,
    schedule: str,
    scorecards: str,
    expected_version: int | None,
) -> int:
    """Write the partition's schedule and scorecards if its version is still
    ``expected_version`` (None: no row yet); the version written."""
    connection = await session.connection()
    if expected_version is None:
        try:
            await connection.execute(
                insert(PARTITIONS).values(
                    group_id=group_id,
                    partition=partition,
                    schedule=schedule,
                    scorecards=scorecards,
                    version=1,
                )
            )
        except IntegrityError as error:
            raise Fenced(f"partition {partition} was first written by another replica") from error
        return 1
    result = await connection.execute(
        update(PARTITIONS)
        .where(
            PARTITIONS.c.group_id == group_id,
            PARTITIONS.c.partition == partition,
            PARTITIONS.c.version == expected_version,
        )
        .values(schedule=schedule, scorecards=scorecards, version=expected_version + 1)
    )
    if result.rowcount != 1:
        raise Fenced(f"partition {partition} moved past version {expected_version}")
    return expected_version + 1


async def partition_schedule(
    session: AsyncSession, *, group_id: str, partition: int
) -> ScheduleState | None:
    """The partition's evaluation schedule as last written (None: never written)."""
    row = (
        await (await session.connection()).execute(
            select(PARTITIONS.c.schedule).where(
                PARTITIONS.c.group_id == group_id, PARTITIONS.c.partition == partition
            )
        )
    ).first()
    if row is None:
        return None
    return ScheduleState.from_document(orjson.loads(row[0]))
