"""Publishing a request's records through the kit's producer (idempotent, acks=all).

Every record of a request is handed to the client before any acknowledgement is awaited, so a
request costs one round of broker I/O however many events it holds, and concurrent requests share
produce batches. The partition is computed here, with Kafka's own rule (murmur2 of the key), and
remembered per key: accounts send many events, and hashing in pure Python is a hot spot otherwise.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from aiokafka.errors import KafkaError
from aiokafka.partitioner import murmur2

from banso_ingest.adapters.records import Record, to_record
from banso_ingest.domain.plan import Outgoing
from banso_ingest.domain.ports import PublishFailed
from banso_kit.kafka.producer import Producer

_MAX_CACHED_KEYS = 200_000


class KafkaPublisher:
    """`EventPublisher` over the kit's `Producer` (see the module docstring)."""

    def __init__(
        self,
        producer: Producer,
        *,
        topic_prefix: str,
        correlation_id: Callable[[], str | None] = lambda: None,
        observe_ack: Callable[[str, float], None] = lambda topic, seconds: None,
    ) -> None:
        self._producer = producer
        self._prefix = topic_prefix
        self._correlation_id = correlation_id
        self._observe_ack = observe_ack
        self._partitions: dict[str, int] = {}
        self._partition_of: dict[tuple[str, bytes], int] = {}

    async def publish(
        self, records: Sequence[Outgoing], *, workspace_id: str, source_id: str
    ) -> None:
        client = self._producer.client
        correlation_id = self._correlation_id()
        started = time.perf_counter()
        futures: list[asyncio.Future[object]] = []
        topics: set[str] = set()
        try:
            for outgoing in records:
                record = to_record(
                    outgoing,
                    workspace_id=workspace_id,
                    source_id=source_id,
                    correlation_id=correlation_id,
                )
                topic = record.topic.physical_name(self._prefix)
                topics.add(record.topic.name)
                futures.append(
                    await client.send(
                        topic,
                        record.value,
                        key=record.key,
                        headers=record.headers,
                        partition=await self._partition(topic, record),
                    )
                )
            await asyncio.gather(*futures)
        except KafkaError as error:
            raise PublishFailed(f"Kafka refused the records: {error!r}") from error
        finally:
            # Abandoned sends (deadline passed, broker gone) must not log "exception never
            # retrieved": their outcome is already reported as this request's 503.
            for future in futures:
                if not future.done():
                    future.add_done_callback(_consume)
        elapsed = time.perf_counter() - started
        for name in topics:
            self._observe_ack(name, elapsed)

    async def _partition(self, topic: str, record: Record) -> int:
        cached = self._partition_of.get((topic, record.key))
        if cached is not None:
            return cached
        count = self._partitions.get(topic)
        if count is None:
            partitions = await self._producer.client.partitions_for(topic)
            count = self._partitions[topic] = len(partitions)
        if len(self._partition_of) >= _MAX_CACHED_KEYS:
            self._partition_of.clear()
        # Kafka's default partitioner for keyed records: positive murmur2 modulo the count.
        partition = (int(murmur2(record.key)) & 0x7FFFFFFF) % count
        self._partition_of[(topic, record.key)] = partition
        return partition


def _consume(future: asyncio.Future[object]) -> None:
    if not future.cancelled():
        future.exception()
