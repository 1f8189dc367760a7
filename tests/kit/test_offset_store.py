"""The fenced offset store both consumers (the kit's and scoring's) commit their positions with."""

from __future__ import annotations

import pytest
from aiokafka import TopicPartition

from banso_kit.db import Database
from banso_kit.kafka.offsets import Fenced, OffsetStore

from .support import KIT, create_schema

TP = TopicPartition("banso.usage.v1", 0)


async def test_positions_move_only_from_the_position_the_consumer_expects(
    database_url: str,
) -> None:
    db = Database(database_url)
    await create_schema(db)
    store = OffsetStore(KIT)
    try:
        async with db.session() as session:
            await store.store(session, group_id="g", positions={TP: 10}, expected={TP: None})
        async with db.session() as session:
            await store.store(session, group_id="g", positions={TP: 25}, expected={TP: 10})
        # A consumer that lost the partition still believes it stands at 10.
        with pytest.raises(Fenced):
            async with db.session() as session:
                await store.store(session, group_id="g", positions={TP: 12}, expected={TP: 10})
        async with db.read_session() as session:
            assert await store.load(session, group_id="g") == {TP: 25}
            assert await store.load(session, group_id="other") == {}
    finally:
        await db.dispose()


async def test_two_consumers_storing_a_partition_for_the_first_time_cannot_both_win(
    database_url: str,
) -> None:
    db = Database(database_url)
    await create_schema(db)
    store = OffsetStore(KIT)
    try:
        async with db.session() as session:
            await store.store(session, group_id="g", positions={TP: 5}, expected={TP: None})
        with pytest.raises(Fenced):
            async with db.session() as session:
                await store.store(session, group_id="g", positions={TP: 7}, expected={TP: None})
        async with db.read_session() as session:
            assert await store.load(session, group_id="g") == {TP: 5}
    finally:
        await db.dispose()
