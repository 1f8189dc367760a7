"""The kit against the real broker: round trip, poison, outbox, exactly-once under SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from banso_contracts.codec import decode, encode
from banso_contracts.events import DeadLettered, UsageRecorded
from banso_contracts.topics import DEAD_LETTER
from banso_kit.db import Database
from banso_kit.kafka.admin import ensure_topics
from banso_kit.kafka.consumer import TransactionalConsumer
from banso_kit.kafka.dead_letters import DeadLetterWriter
from banso_kit.kafka.producer import OutgoingMessage, Producer
from banso_kit.outbox import Outbox, OutboxRelay
from tests.kit.support import KIT, create_schema, encoded_usage, make_handler, read_state, usage

pytestmark = pytest.mark.kafka
REPO = Path(__file__).resolve().parents[2]


async def _topic(admin: AIOKafkaAdminClient, name: str, partitions: int = 3) -> str:
    await admin.create_topics([NewTopic(name, partitions, 1)])
    return name


async def _produce(bootstrap: str, topic: str, count: int, accounts: int = 7) -> dict[str, int]:
    expected: dict[str, int] = {}
    async with Producer(bootstrap, client_id="test") as producer:
        messages = []
        for i in range(count):
            account = f"acct{i % accounts}"
            key, value, headers, _ = encoded_usage(account, i)
            expected[account] = expected.get(account, 0) + i
            messages.append(OutgoingMessage(topic, value, key, tuple(headers)))
        await producer.send_many(messages)
    return expected


async def _read_all(
    bootstrap: str, topic: str, count: int
) -> list[tuple[bytes | None, bytes, list[tuple[str, bytes]]]]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    out: list[tuple[bytes | None, bytes, list[tuple[str, bytes]]]] = []
    try:
        async with asyncio.timeout(30):
            while len(out) < count:
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    out.extend((r.key, r.value or b"", list(r.headers)) for r in records)
    finally:
        await consumer.stop()
    return out


async def _drain(bootstrap: str, topic: str, idle_s: float = 2.0) -> int:
    """How many records `topic` holds: read from the beginning until nothing came for idle_s."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    count = 0
    try:
        idle_since = asyncio.get_running_loop().time()
        while asyncio.get_running_loop().time() - idle_since < idle_s:
            batch = await consumer.getmany(timeout_ms=200)
            if batch:
                count += sum(len(records) for records in batch.values())
                idle_since = asyncio.get_running_loop().time()
    finally:
        await consumer.stop()
    return count


def _consumer(
    db: Database, bootstrap: str, topic: str, group: str, **kwargs: object
) -> TransactionalConsumer:
    return TransactionalConsumer(
        db=db,
        tables=KIT,
        bootstrap_servers=bootstrap,
        group_id=group,
        topics=[topic],
        dead_letters=DeadLetterWriter(
            Outbox(KIT, source="banso/test", topic_prefix=group + "."), service="test"
        ),
        **kwargs,  # type: ignore[arg-type]
    )


async def _wait_for(predicate, timeout_s: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout_s / 0.2)):
        if await predicate():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"condition not reached within {timeout_s} s")


async def test_round_trip_keeps_key_headers_and_payload(
    kafka_bootstrap: str, kafka_admin: AIOKafkaAdminClient, topic_prefix: str
) -> None:
    topic = await _topic(kafka_admin, topic_prefix + "roundtrip", 1)
    event = usage("acme", 42)
    encoded = encode(event, source="banso/test")
    async with Producer(kafka_bootstrap, client_id="test") as producer:
        delivery = await producer.send(
            OutgoingMessage(topic, encoded.value, encoded.key, tuple(encoded.headers))
        )
    assert delivery.topic == topic
    assert delivery.offset == 0
    ((key, value, headers),) = await _read_all(kafka_bootstrap, topic, 1)
    assert key == b"ws_test:acme"
    envelope, decoded = decode(headers, value)
    assert envelope.id == encoded.envelope.id
    assert envelope.subject == "acme"
    assert envelope.workspace == "ws_test"
    assert isinstance(decoded, UsageRecorded)
    assert decoded == event


async def test_consumer_applies_each_event_once_and_stores_offsets(
    kafka_bootstrap: str, kafka_admin: AIOKafkaAdminClient, topic_prefix: str, database_url: str
) -> None:
    topic = await _topic(kafka_admin, topic_prefix + "usage")
    expected = await _produce(kafka_bootstrap, topic, 300)
    db = Database(database_url)
    await create_schema(db)
    consumer = _consumer(
        db, kafka_bootstrap, topic, topic_prefix + "g", handler=make_handler(), max_batch=50
    )
    task = asyncio.create_task(consumer.run())

    async def done() -> bool:
        return len((await read_state(db))[1]) == 300

    await _wait_for(done)
    consumer.request_stop()
    await asyncio.wait_for(task, 30)
    # A second consumer of the same group resumes from the stored offsets: nothing is re-applied.
    await _produce(kafka_bootstrap, topic, 10)
    again = _consumer(
        db, kafka_bootstrap, topic, topic_prefix + "g", handler=make_handler(), max_batch=50
    )
    task = asyncio.create_task(again.run())

    async def more() -> bool:
        return len((await read_state(db))[1]) == 310

    await _wait_for(more)
    again.request_stop()
    await asyncio.wait_for(task, 30)
    totals, applied = await read_state(db)
    assert set(applied.values()) == {1}
    assert sum(totals.values()) == sum(expected.values()) + sum(range(10))
    await db.dispose()


async def test_poison_message_goes_to_dead_letters_and_partition_moves_on(
    kafka_bootstrap: str, kafka_admin: AIOKafkaAdminClient, topic_prefix: str, database_url: str
) -> None:
    topic = await _topic(kafka_admin, topic_prefix + "usage", 1)
    await ensure_topics(kafka_bootstrap, prefix=topic_prefix + "g.", topics=[DEAD_LETTER])
    async with Producer(kafka_bootstrap, client_id="test") as producer:
        good_before = encoded_usage("acme", 1)
        bad_event = encode(usage("acme", 5).model_copy(update={"event": "Explode"}), source="t")
        good_after = encoded_usage("acme", 2)
        await producer.send_many(
            [
                OutgoingMessage(topic, good_before[1], good_before[0], tuple(good_before[2])),
                OutgoingMessage(topic, b"{not json", b"ws_test:acme", (("ce_type", b"x"),)),
                OutgoingMessage(topic, bad_event.value, bad_event.key, tuple(bad_event.headers)),
                OutgoingMessage(topic, good_after[1], good_after[0], tuple(good_after[2])),
            ]
        )
    db = Database(database_url)
    await create_schema(db)
    relay = OutboxRelay(db, KIT, Producer(kafka_bootstrap, client_id="relay"))
    await relay._producer.start()
    consumer = _consumer(
        db,
        kafka_bootstrap,
        topic,
        topic_prefix + "g",
        handler=make_handler(fail_on="Explode"),
        on_commit=relay.wake,
    )
    tasks = [asyncio.create_task(consumer.run()), asyncio.create_task(relay.run())]

    async def applied_both() -> bool:
        return len((await read_state(db))[1]) == 2

    await _wait_for(applied_both)
    dead = await _read_all(kafka_bootstrap, DEAD_LETTER.physical_name(topic_prefix + "g."), 2)
    consumer.request_stop()
    relay.request_stop()
    await asyncio.wait_for(asyncio.gather(*tasks), 30)
    await relay._producer.stop()
    letters = [decode(headers, value, expected=DeadLettered)[1] for _, value, headers in dead]
    assert [(d.origin_topic, d.origin_partition, d.origin_offset) for d in letters] == [
        (topic, 0, 1),
        (topic, 0, 2),
    ]
    assert letters[0].error_type == "ContractError"
    assert letters[0].payload == "{not json"
    assert letters[1].error_type == "ValueError"
    assert "cannot apply 'Explode'" in letters[1].error
    assert letters[1].workspace_id == "ws_test"
    totals, _ = await read_state(db)
    assert totals == {"acme": 3}
    await db.dispose()


async def test_outbox_publishes_after_commit_and_never_after_rollback(
    kafka_bootstrap: str, topic_prefix: str, database_url: str
) -> None:
    await ensure_topics(kafka_bootstrap, prefix=topic_prefix)
    db = Database(database_url)
    await create_schema(db)
    outbox = Outbox(KIT, source="banso/test", topic_prefix=topic_prefix)
    producer = Producer(kafka_bootstrap, client_id="relay")
    await producer.start()
    relay = OutboxRelay(db, KIT, producer)
    committed = usage("acme", 1)
    rolled_back = usage("acme", 2)

    async def failing_unit_of_work() -> None:
        async with db.session() as session:
            await outbox.add(session, rolled_back)
            raise RuntimeError("the state change failed")

    with pytest.raises(RuntimeError):
        await failing_unit_of_work()
    async with db.session() as session:
        event_id = await outbox.add(session, committed)
    assert await relay.publish_pending() == 1
    assert await relay.publish_pending() == 0
    await producer.stop()
    topic = "banso.usage.v1"
    (record,) = await _read_all(kafka_bootstrap, topic_prefix + topic, 1)
    # Nothing else arrives: the rolled-back event was never published.
    assert await _drain(kafka_bootstrap, topic_prefix + topic) == 1
    envelope, event = decode(record[2], record[1])
    assert envelope.id == event_id
    assert event == committed
    await db.dispose()


async def test_sigkill_mid_batch_applies_every_event_exactly_once(
    kafka_bootstrap: str, kafka_admin: AIOKafkaAdminClient, topic_prefix: str, database_url: str
) -> None:
    topic = await _topic(kafka_admin, topic_prefix + "usage")
    expected = await _produce(kafka_bootstrap, topic, 2000)
    db = Database(database_url)
    await create_schema(db)
    group = topic_prefix + "g"
    cmd = [
        sys.executable,
        "-m",
        "tests.kit.consumer_process",
        database_url,
        kafka_bootstrap,
        topic,
        group,
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    async def applied_count() -> int:
        return len((await read_state(db))[1])

    for kill_after in (300, 900):
        proc = await asyncio.create_subprocess_exec(*cmd, cwd=REPO, env=env)
        try:

            async def progressed(target: int = kill_after) -> bool:
                return await applied_count() >= target

            await _wait_for(progressed, 90)
            proc.send_signal(signal.SIGKILL)
        finally:
            await asyncio.wait_for(proc.wait(), 30)
        assert proc.returncode == -signal.SIGKILL
    proc = await asyncio.create_subprocess_exec(*cmd, cwd=REPO, env=env)
    try:

        async def finished() -> bool:
            return await applied_count() >= 2000

        await _wait_for(finished, 120)
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 30)
    totals, applied = await read_state(db)
    assert len(applied) == 2000
    assert max(applied.values()) == 1, "an event was applied twice"
    assert totals == expected
    await db.dispose()
