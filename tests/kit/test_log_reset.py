"""Every kit consumer (bridge's, notify's) facing a log that was reset under its database: stored
offsets beyond the log end hold the partitions and fail readiness with the reason; an operator's
resume from the log's start applies what the new log holds, each record once."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import insert

from banso_kit.db import Database
from banso_kit.kafka.consumer import TransactionalConsumer
from banso_kit.kafka.dead_letters import DeadLetterWriter
from banso_kit.kafka.producer import OutgoingMessage, Producer
from banso_kit.kafka.watch import ConsumerNotProgressing, check_progress
from banso_kit.outbox import Outbox
from tests.kit.support import KIT, create_schema, encoded_usage, make_handler, read_state

pytestmark = pytest.mark.kafka
PARTITIONS = 3


async def test_a_kit_consumer_holds_partitions_beyond_the_log_end_until_resumed(
    kafka_bootstrap: str, kafka_admin: AIOKafkaAdminClient, topic_prefix: str, database_url: str
) -> None:
    topic = topic_prefix + "usage"
    group = topic_prefix + "g"
    await kafka_admin.create_topics([NewTopic(topic, PARTITIONS, 1)])
    db = Database(database_url)
    await create_schema(db)
    async with db.session() as session:
        await (await session.connection()).execute(
            insert(KIT.offsets),
            [
                {
                    "group_id": group,
                    "topic": topic,
                    "partition": partition,
                    "next_offset": 65_507,
                    "updated_at": dt.datetime.now(dt.UTC),
                }
                for partition in range(PARTITIONS)
            ],
        )
    async with Producer(kafka_bootstrap, client_id="test") as producer:
        messages = []
        for i in range(30):
            key, value, headers, _ = encoded_usage(f"acct{i % 5}", i)
            messages.append(OutgoingMessage(topic, value, key, tuple(headers)))
        await producer.send_many(messages)

    consumer = TransactionalConsumer(
        db=db,
        tables=KIT,
        bootstrap_servers=kafka_bootstrap,
        group_id=group,
        topics=[topic],
        handler=make_handler(),
        dead_letters=DeadLetterWriter(
            Outbox(KIT, source="banso/test", topic_prefix=topic_prefix), service="test"
        ),
    )
    ready = check_progress([consumer])
    task = asyncio.create_task(consumer.run())
    try:
        await asyncio.wait_for(consumer.ready.wait(), 60)
        with pytest.raises(ConsumerNotProgressing, match="beyond the log end") as held:
            await ready()
        assert "65507" in str(held.value)
        await asyncio.sleep(1.0)  # it would have consumed by now, were it consuming
        assert (await read_state(db))[1] == {}, "records of a held partition were applied"

        moved = await consumer.resume_beyond_log_end("start")
        assert sorted(tp.partition for tp in moved) == list(range(PARTITIONS))
        assert set(moved.values()) == {0}

        for _ in range(300):
            if len((await read_state(db))[1]) == 30:
                break
            await asyncio.sleep(0.1)
        totals, applied = await read_state(db)
        assert len(applied) == 30
        assert set(applied.values()) == {1}
        assert sum(totals.values()) == sum(range(30))
        await ready()  # progressing again
        assert consumer.lag() == 0
    finally:
        consumer.request_stop()
        await asyncio.wait_for(task, 30)
        await db.dispose()
