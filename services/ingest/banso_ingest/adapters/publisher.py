"""Publishing a request's records through the kit's producer (idempotent, acks=all).

Records go into per-partition batches shared by all concurrent requests (`batching.py`); a request
returns once every batch holding one of its records is acknowledged. The partition is computed
here, with Kafka's own rule (murmur2 of the key, as the Java client and aiokafka do), and
remembered per key: accounts send many events, and hashing in pure Python is a hot spot otherwise.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from aiokafka.errors import KafkaError
from aiokafka.partitioner import murmur2

from banso_ingest.adapters.batching import PartitionBatcher
from banso_ingest.adapters.records import to_record
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
        self._batcher: PartitionBatcher | None = None
        self._partitions: dict[str, int] = {}
        self._partition_of: dict[tuple[str, bytes], int] = {}

    async def publish(
        self, records: Sequence[Outgoing], *, workspace_id: str, source_id: str
    ) -> None:
        if self._batcher is None:
            self._batcher = PartitionBatcher(self._producer.client)
        batcher = self._batcher
        correlation_id = self._correlation_id()
        started = time.perf_counter()
        pending: set[asyncio.Future[None]] = set()
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
                partition = self._partition_of.get((topic, record.key))
                if partition is None:
                    partition = await self._partition(topic, record.key)
                pending.add(batcher.add(topic, partition, record.key, record.value, record.headers))
            for future in pending:
                await future
        except (KafkaError, ConnectionError) as error:
            raise PublishFailed(f"Kafka did not take the records: {error!r}") from error
        elapsed = time.perf_counter() - started
        for name in topics:
            self._observe_ack(name, elapsed)

    async def close(self) -> None:
        if self._batcher is not None:
            await self._batcher.close()

    async def _partition(self, topic: str, key: bytes) -> int:
        count = self._partitions.get(topic)
        if count is None:
            partitions = await self._producer.client.partitions_for(topic)
            count = self._partitions[topic] = len(partitions)
        if len(self._partition_of) >= _MAX_CACHED_KEYS:
            self._partition_of.clear()
        # Kafka's default partitioner for keyed records: positive murmur2 modulo the count.
        partition = (int(murmur2(key)) & 0x7FFFFFFF) % count
        self._partition_of[(topic, key)] = partition
        return partition
