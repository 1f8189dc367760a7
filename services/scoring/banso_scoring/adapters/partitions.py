"""Each partition's evaluation schedule and scorecard versions, written with a version that
fences every round: a replica writes only over the version it loaded or last wrote."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import orjson
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.kafka.offsets import Fenced as OffsetsFenced
from banso_kit.kafka.offsets import update_fenced
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


class PartitionState(NamedTuple):
    """What a round writes of a partition: its schedule and scorecards, over the version it
    loaded or last wrote (None: no row yet)."""

    partition: int
    schedule: str
    scorecards: str
    expected_version: int | None


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
    state = PartitionState(partition, schedule, scorecards, expected_version)
    return (await save_partition_states(session, group_id=group_id, states=[state]))[partition]


async def save_partition_states(
    session: AsyncSession, *, group_id: str, states: Sequence[PartitionState]
) -> dict[int, int]:
    """``save_partition_state`` for each of ``states``: the versions written, by partition.
    :class:`Fenced` when any of them moved past the version expected."""
    connection = await session.connection()
    written: dict[int, int] = {}
    moves: list[dict[str, object]] = []
    for state in states:
        if state.expected_version is None:
            try:
                await connection.execute(
                    insert(PARTITIONS).values(
                        group_id=group_id,
                        partition=state.partition,
                        schedule=state.schedule,
                        scorecards=state.scorecards,
                        version=1,
                    )
                )
            except IntegrityError as error:
                raise Fenced(
                    f"partition {state.partition} was first written by another replica"
                ) from error
            written[state.partition] = 1
            continue
        moves.append(
            {"b_partition": state.partition, "b_version": state.expected_version,
             "schedule": state.schedule, "scorecards": state.scorecards,
             "version": state.expected_version + 1}
        )  # fmt: skip
        written[state.partition] = state.expected_version + 1
    if not moves:
        return written
    statement = (
        update(PARTITIONS)
        .where(
            PARTITIONS.c.group_id == group_id,
            PARTITIONS.c.partition == bindparam("b_partition"),
            PARTITIONS.c.version == bindparam("b_version"),
        )
        .values(
            schedule=bindparam("schedule"),
            scorecards=bindparam("scorecards"),
            version=bindparam("version"),
        )
    )
    await update_fenced(
        connection,
        statement,
        moves,
        name=lambda move: f"partition {move['b_partition']} at version {move['b_version']}",
        fenced=Fenced,
    )
    return written


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
