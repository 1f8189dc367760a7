"""The relay never holds SQLite's write lock while Kafka acknowledges, and survives errors."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import insert

from banso_kit.db import Database
from banso_kit.kafka.producer import Delivery, OutgoingMessage, Producer
from banso_kit.outbox import Outbox, OutboxRelay
from tests.kit.support import KIT, create_schema, totals, usage


class _SlowBroker(Producer):
    """A producer whose acknowledgement waits until the test releases it."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.sending = asyncio.Event()
        self.sent: list[OutgoingMessage] = []

    async def send_many(
        self, messages: Sequence[OutgoingMessage], *, timeout_s: float | None = None
    ) -> list[Delivery]:
        self.sending.set()
        await self.release.wait()
        self.sent.extend(messages)
        return [Delivery(m.topic, 0, i) for i, m in enumerate(messages)]


async def test_other_writers_proceed_while_the_relay_waits_for_kafka(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'svc.db'}")
    await create_schema(db)
    async with db.session() as session:
        await Outbox(KIT, source="banso/test").add(session, usage("acme", 1))
    broker = _SlowBroker()
    relay = OutboxRelay(db, KIT, broker)
    publishing = asyncio.create_task(relay.publish_pending())
    await asyncio.wait_for(broker.sending.wait(), 10)

    async def write_something() -> None:
        async with db.session() as session:
            await (await session.connection()).execute(
                insert(totals).values(account_id="other", total=1)
            )

    # Would wait for busy_timeout (30 s) if the relay held the write lock during the send.
    await asyncio.wait_for(write_something(), 5)
    broker.release.set()
    assert await publishing == 1
    assert len(broker.sent) == 1
    assert await relay.pending_count() == 0
    await db.dispose()


async def test_relay_keeps_running_after_an_unexpected_error(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'svc.db'}")
    broker = _SlowBroker()
    broker.release.set()
    relay = OutboxRelay(db, KIT, broker, poll_interval_s=0.05)
    task = asyncio.create_task(relay.run())  # the schema does not exist yet: every poll fails
    await asyncio.sleep(0.3)
    assert not task.done()
    await create_schema(db)
    async with db.session() as session:
        await Outbox(KIT, source="banso/test").add(session, usage("acme", 1))
    relay.wake()
    for _ in range(100):
        if broker.sent:
            break
        await asyncio.sleep(0.1)
    relay.request_stop()
    await asyncio.wait_for(task, 10)
    assert len(broker.sent) == 1
    await db.dispose()


async def test_a_batch_stages_what_add_stages_and_nothing_before_flush(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'svc.db'}")
    await create_schema(db)
    outbox = Outbox(KIT, source="banso/test", topic_prefix="t.")
    async with db.session() as session:
        single = await outbox.add(session, usage("acme", 1), event_id="one")
    batch = outbox.batch()
    ids = [batch.add(usage("acme", n), event_id=f"many-{n}") for n in (2, 3)]
    relay = OutboxRelay(db, KIT, _Collecting())
    assert await relay.pending_count() == 1  # added to a batch is not staged yet
    async with db.session() as session:
        assert await batch.flush(session) == 2
        assert await batch.flush(session) == 0  # flushed rows are not inserted twice
    broker = _Collecting()
    assert await OutboxRelay(db, KIT, broker).publish_pending() == 3
    assert (single, ids) == ("one", ["many-2", "many-3"])
    headers = [dict(message.headers) for message in broker.sent]
    assert [h["ce_id"] for h in headers] == [b"one", b"many-2", b"many-3"]
    assert {message.topic for message in broker.sent} == {"t.banso.usage.v1"}
    assert {h["ce_source"] for h in headers} == {b"banso/test"}
    await db.dispose()


class _Collecting(Producer):
    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []

    async def send_many(
        self, messages: Sequence[OutgoingMessage], *, timeout_s: float | None = None
    ) -> list[Delivery]:
        self.sent.extend(messages)
        return [Delivery(m.topic, 0, i) for i, m in enumerate(messages)]


async def test_an_event_staged_as_its_json_is_the_row_the_model_stages(tmp_path: Path) -> None:
    # A producer that writes an event's JSON itself (scoring's HealthChanged) stages the same
    # topic, key, value and headers as the event added as a model; the relay publishes both.
    db = Database(f"sqlite:///{tmp_path / 'svc.db'}")
    await create_schema(db)
    outbox = Outbox(KIT, source="banso/test", topic_prefix="t.")
    event = usage("acme", 7)
    batch = outbox.batch()
    batch.add(event, event_id="as-model")
    batch.add_json(
        type(event),
        event.model_dump_json().encode(),
        workspace_id=event.workspace_id,
        subject=event.subject,
        time=event.event_time,
        event_id="as-json",
    )
    async with db.session() as session:
        assert await batch.flush(session) == 2
    broker = _SlowBroker()
    broker.release.set()
    assert await OutboxRelay(db, KIT, broker).publish_pending() == 2
    model, written = broker.sent
    assert (written.topic, written.key, written.value) == (model.topic, model.key, model.value)
    assert [h for h in written.headers if h[0] != "ce_id"] == [
        h for h in model.headers if h[0] != "ce_id"
    ]
    assert ("ce_id", b"as-json") in written.headers
    await db.dispose()
