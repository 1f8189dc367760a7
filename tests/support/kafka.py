"""Producing events the way the services do, and reading back what a service published."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRecord

from banso_contracts.codec import encode
from banso_contracts.events import Event
from banso_kit.errors import PublishError
from banso_kit.kafka.producer import OutgoingMessage, Producer


async def publish(
    bootstrap: str, prefix: str, events: Sequence[Event], *, client_id: str = "tests"
) -> list[str]:
    """Produce `events` in order, as ingest, scoring and the bridge do (acks=all).

    Returns their CloudEvents ids.
    """
    messages, ids = [], []
    for event in events:
        encoded = encode(event, source="banso/test")
        ids.append(encoded.envelope.id)
        messages.append(
            OutgoingMessage(
                topic=encoded.topic.physical_name(prefix),
                key=encoded.key,
                value=encoded.value,
                headers=tuple(encoded.headers),
            )
        )
    # Topics created a moment ago may not have a leader yet: the first sends can be refused.
    for attempt in range(20):
        try:
            async with Producer(bootstrap, client_id=client_id) as producer:
                await producer.send_many(messages, timeout_s=60)
            return ids
        except PublishError:
            if attempt == 19:
                raise
            await asyncio.sleep(0.5)
    raise AssertionError("unreachable")


async def published(bootstrap: str, topic: str) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record on `topic` so far (read until a second passes with nothing new)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    found: list[ConsumerRecord[bytes, bytes]] = []
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=1000)
            if not batches:
                return found
            for records in batches.values():
                found.extend(records)
    finally:
        await consumer.stop()
