"""Publishing a request's records through a kit `Producer` (idempotent, acks=all).

Records go into per-partition batches shared by all concurrent requests (`batching.py`); a request
returns once every batch holding one of its records is acknowledged. The partition is computed
here, with Kafka's own rule (murmur2 of the key, as the Java client and aiokafka do), and
remembered per key: accounts send many events, and hashing in pure Python is a hot spot otherwise.
The compiled pass does both itself: given each topic's partition count, it hands over each
partition's records already in Kafka's record format (`batching.py`), so nothing here is per record.

An idempotent producer that loses batches whose sequence numbers were already assigned (the broker
went away mid-flight and the batches expired) is refused by the broker from then on with
`OutOfOrderSequenceNumber`, and aiokafka keeps failing every later send. Ingest owns this producer
(not the runtime's, which other parts share), so it replaces it: a fresh producer id starts fresh
sequences. Requests in the meantime get 503; what they carried is retried by the client, and
consumers drop any record a lost acknowledgement makes them see twice (same event id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import orjson
from aiokafka.errors import KafkaError
from aiokafka.partitioner import murmur2

from banso_ingest.adapters.batching import PartitionBatcher
from banso_ingest.adapters.compiled_core import record_batches
from banso_ingest.adapters.records import (
    ENCODED_EVENT_TYPES,
    TOPICS,
    Record,
    RecordWriter,
    shared_headers,
    unwritable_field,
)
from banso_ingest.domain.compiled import ROUTES, CompiledBatch, Encoded
from banso_ingest.domain.plan import EVENT_ID_NAMESPACE, Outgoing
from banso_ingest.domain.ports import PublishFailed, RecordsRefused
from banso_kit.errors import PublishError
from banso_kit.kafka.producer import FATAL_PRODUCER_ERRORS, STOP_TIMEOUT_S, Producer

logger = logging.getLogger(__name__)

_MAX_CACHED_KEYS = 200_000  # per topic
_NO_KEYS: dict[bytes, int] = {}
# Errors after which aiokafka's producer refuses every further send.
_FATAL = FATAL_PRODUCER_ERRORS
_ENCODED_TOPICS = tuple(TOPICS[route] for route in ROUTES)


class KafkaPublisher:
    """`EventPublisher` over a kit `Producer` it owns (see the module docstring)."""

    def __init__(
        self,
        make_producer: Callable[[], Producer],
        *,
        topic_prefix: str,
        correlation_id: Callable[[], str | None] = lambda: None,
        observe_ack: Callable[[str, float], None] = lambda topic, seconds: None,
    ) -> None:
        self._make_producer = make_producer
        self._prefix = topic_prefix
        self._correlation_id = correlation_id
        self._observe_ack = observe_ack
        self._producer: Producer | None = None
        self._batcher: PartitionBatcher | None = None
        self._replacing: asyncio.Task[None] | None = None
        self._partitions: dict[str, int] = {}
        # Per physical topic: each key's partition (see `_partition`).
        self._partition_of: dict[str, dict[bytes, int]] = {}
        self._physical: dict[str, str] = {}
        self._encoded_topics: tuple[str, ...] | None = None
        self._encoded_counts: tuple[int, ...] | None = None

    async def start(self) -> None:
        producer = self._make_producer()
        await producer.start()
        self._producer = producer
        self._batcher = PartitionBatcher(
            producer.client, section_batch=record_batches(producer.max_batch_size)
        )

    async def close(self) -> None:
        if self._replacing is not None:
            self._replacing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._replacing
        await self._retire(self._producer, self._batcher)
        self._producer = self._batcher = None

    async def publish(
        self,
        records: Sequence[Outgoing],
        *,
        workspace_id: str,
        source_id: str,
        origin: str | None = None,
    ) -> None:
        producer, batcher = self._producer, self._batcher
        if producer is None or batcher is None:
            raise PublishFailed("the Kafka producer is being replaced")
        writer = RecordWriter(
            workspace_id=workspace_id,
            source_id=source_id,
            correlation_id=self._correlation_id(),
            origin=origin,
        )
        built = []
        refused: list[tuple[Outgoing, str]] = []
        for outgoing in records:
            try:
                built.append(writer.record(outgoing))
            except orjson.JSONEncodeError:
                refused.append((outgoing, unwritable_field(outgoing)))
        if refused:
            # Before anything is sent: the intake refuses these events and publishes the rest.
            raise RecordsRefused(refused)
        await self._send(producer, batcher, built)

    async def publish_compiled(
        self,
        batch: CompiledBatch,
        positions: Sequence[int],
        *,
        known_groups: Mapping[str, str],
        workspace_id: str,
        source_id: str,
        origin: str | None = None,
    ) -> tuple[list[Encoded], dict[str, str]]:
        """Key, encode and publish the events of a compiled batch at `positions` (see
        `domain/compiled.py`); returns the records and the last-group changes they imply."""
        producer, batcher = self._producer, self._batcher
        if producer is None or batcher is None:
            raise PublishFailed("the Kafka producer is being replaced")
        started = time.perf_counter()
        with self._failures(producer):
            counts = await self._encoded_partitions(producer) if batcher.takes_sections else None
            encoded, changes, sections = batch.encode(
                positions,
                known_groups=known_groups,
                workspace_id=workspace_id,
                source_id=source_id,
                namespace=EVENT_ID_NAMESPACE.bytes,
                shared_headers=shared_headers(
                    workspace_id=workspace_id, correlation_id=self._correlation_id(), origin=origin
                ),
                event_types=ENCODED_EVENT_TYPES,
                topics=_ENCODED_TOPICS,
                partitions=counts,
                timestamp_ms=int(time.time() * 1000),
            )
            if counts is None:
                await self._send(producer, batcher, encoded)
                return encoded, changes
            physical = self._encoded_physical()
            pending: list[asyncio.Future[None]] = []
            routes: set[int] = set()
            for route, partition, section in sections:
                routes.add(route)
                pending += batcher.add_section(physical[route], partition, section)
            await _acknowledged(pending)
        elapsed = time.perf_counter() - started
        for route in routes:
            self._observe_ack(_ENCODED_TOPICS[route].name, elapsed)
        return encoded, changes

    async def _send(
        self, producer: Producer, batcher: PartitionBatcher, built: Sequence[Record | Encoded]
    ) -> None:
        started = time.perf_counter()
        pending: set[asyncio.Future[None]] = set()
        topics: set[str] = set()
        physical, partition_of = self._physical, self._partition_of
        with self._failures(producer):
            for record in built:
                # Records and the compiled pass's tuples both begin (topic, key, value, headers).
                logical, key, value, headers = record[0], record[1], record[2], record[3]
                name = logical.name
                topic = physical.get(name)
                if topic is None:
                    topic = physical[name] = logical.physical_name(self._prefix)
                    topics.add(name)
                elif name not in topics:
                    topics.add(name)
                partition = partition_of.get(topic, _NO_KEYS).get(key)
                if partition is None:
                    partition = await self._partition(producer, topic, key)
                pending.add(batcher.add(topic, partition, key, value, headers))
            await _acknowledged(pending)
        elapsed = time.perf_counter() - started
        for name in topics:
            self._observe_ack(name, elapsed)

    @contextlib.contextmanager
    def _failures(self, producer: Producer) -> Iterator[None]:
        """Kafka's errors while sending as `PublishFailed`; a refused producer is replaced."""
        try:
            yield
        except _FATAL as error:
            self._replace(producer)
            raise PublishFailed(f"Kafka refused the producer ({error!r}); reconnecting") from error
        except (KafkaError, ConnectionError) as error:
            raise PublishFailed(f"Kafka did not take the records: {error!r}") from error

    def _encoded_physical(self) -> tuple[str, ...]:
        physical = self._encoded_topics
        if physical is None:
            physical = self._encoded_topics = tuple(
                topic.physical_name(self._prefix) for topic in _ENCODED_TOPICS
            )
        return physical

    async def _encoded_partitions(self, producer: Producer) -> tuple[int, ...]:
        """The partition count of each topic the compiled pass writes to (`ROUTES`' order),
        looked up once (as `_partition` does per key)."""
        counts = self._encoded_counts
        if counts is None:
            found = []
            for topic in self._encoded_physical():
                count = self._partitions.get(topic)
                if count is None:
                    partitions = await producer.client.partitions_for(topic)
                    count = self._partitions[topic] = len(partitions)
                found.append(count)
            counts = self._encoded_counts = tuple(found)
        return counts

    async def ping(self) -> None:
        producer = self._producer
        if producer is None:
            raise PublishFailed("the Kafka producer is being replaced")
        await producer.ping()

    def _replace(self, broken: Producer) -> None:
        if self._producer is not broken or self._replacing is not None:
            return  # already being replaced
        logger.warning("kafka_producer_replaced")
        old_batcher = self._batcher
        self._producer = self._batcher = None
        self._replacing = asyncio.create_task(self._start_new(broken, old_batcher))

    async def _start_new(self, broken: Producer, old_batcher: PartitionBatcher | None) -> None:
        try:
            await self._retire(broken, old_batcher)
            delay = 0.5
            while True:
                try:
                    await self.start()
                    return
                except PublishError as error:
                    logger.warning("kafka_producer_start_failed", extra={"error": str(error)})
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
        finally:
            self._replacing = None

    async def _retire(self, producer: Producer | None, batcher: PartitionBatcher | None) -> None:
        if batcher is not None:
            await batcher.close()
        if producer is not None:
            try:
                async with asyncio.timeout(STOP_TIMEOUT_S):
                    await producer.stop()
            except (TimeoutError, KafkaError) as error:
                logger.warning("kafka_producer_stop_failed", extra={"error": repr(error)})

    async def _partition(self, producer: Producer, topic: str, key: bytes) -> int:
        count = self._partitions.get(topic)
        if count is None:
            partitions = await producer.client.partitions_for(topic)
            count = self._partitions[topic] = len(partitions)
        known = self._partition_of.get(topic)
        if known is None or len(known) >= _MAX_CACHED_KEYS:
            known = self._partition_of[topic] = {}
        # Kafka's default partitioner for keyed records: positive murmur2 modulo the count.
        partition = (int(murmur2(key)) & 0x7FFFFFFF) % count
        known[key] = partition
        return partition


async def _acknowledged(pending: Iterable[asyncio.Future[None]]) -> None:
    for future in set(pending):
        # Shielded: a batch is shared by many requests, and one request giving up (its deadline
        # passed) must not cancel the batch the others are waiting for.
        await asyncio.shield(future)
