"""The fenced offset store both consumers (the kit's and scoring's) commit their positions with."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiokafka import TopicPartition

from banso_kit.db import Database
from banso_kit.kafka.offsets import Fenced, OffsetStore

from .support import KIT, create_schema

TP = TopicPartition("banso.usage.v1", 0)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await create_schema(database)
    try:
        yield database
    finally:
        await database.dispose()


async def test_positions_move_only_from_the_position_the_consumer_expects(db: Database) -> None:
    store = OffsetStore(KIT)
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


async def test_two_consumers_storing_a_partition_for_the_first_time_cannot_both_win(
    db: Database,
) -> None:
    store = OffsetStore(KIT)
    async with db.session() as session:
        await store.store(session, group_id="g", positions={TP: 5}, expected={TP: None})
    with pytest.raises(Fenced):
        async with db.session() as session:
            await store.store(session, group_id="g", positions={TP: 7}, expected={TP: None})
    async with db.read_session() as session:
        assert await store.load(session, group_id="g") == {TP: 5}


async def test_a_round_over_several_partitions_is_fenced_when_any_of_them_moved(
    db: Database,
) -> None:
    # A round stores every partition it moved in one call (one statement on SQLite): a single
    # stale position among them refuses the whole round, and the others stay where they were.
    store = OffsetStore(KIT)
    tps = [TopicPartition("banso.usage.v1", p) for p in range(3)]
    async with db.session() as session:
        await store.store(
            session, group_id="g", positions=dict.fromkeys(tps, 10), expected=dict.fromkeys(tps)
        )
    async with db.session() as session:
        await store.store(
            session,
            group_id="g",
            positions={tp: 20 + n for n, tp in enumerate(tps)},
            expected=dict.fromkeys(tps, 10),
        )
    # Another consumer took partition 1 and moved it on.
    async with db.session() as session:
        await store.store(session, group_id="g", positions={tps[1]: 30}, expected={tps[1]: 21})
    with pytest.raises(Fenced):
        async with db.session() as session:
            await store.store(
                session,
                group_id="g",
                positions={tp: 40 for tp in tps},
                expected={tp: 20 + n for n, tp in enumerate(tps)},
            )
    async with db.read_session() as session:
        assert await store.load(session, group_id="g") == {tps[0]: 20, tps[1]: 30, tps[2]: 22}
