"""Reading whole topics back from the broker, decoded with the contracts (the demo reads what
notify decided; the end-to-end tests check each hop)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from banso_contracts.codec import decode
from banso_contracts.envelope import Envelope
from banso_contracts.events import Event
from banso_contracts.topics import Topic


@dataclass(frozen=True, slots=True)
class Record:
    partition: int
    offset: int
    key: str
    envelope: Envelope
    event: Event


async def read_topic(bootstrap: str, prefix: str, topic: Topic) -> list[Record]:
    """Every record on the topic now (from offset 0 to the end offsets read at the start)."""
    name = topic.physical_name(prefix)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    try:
        # the services create every topic with the registry's partition count
        assigned = [TopicPartition(name, p) for p in range(topic.partitions)]
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        ends = await consumer.end_offsets(assigned)
        records: list[Record] = []
        remaining = {tp for tp in assigned if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000)
            for tp, messages in batch.items():
                for message in messages:
                    if message.offset >= ends[tp]:
                        continue
                    envelope, event = decode(list(message.headers), message.value)
                    key = message.key.decode() if message.key else ""
                    records.append(Record(tp.partition, message.offset, key, envelope, event))
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        return records
    finally:
        await consumer.stop()


async def delete_topics(bootstrap: str, prefix: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        names: Sequence[str] = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if names:
            await admin.delete_topics(list(names))
    finally:
        await admin.close()
