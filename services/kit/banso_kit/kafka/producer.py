"""An idempotent, acks=all producer whose failed sends raise instead of vanishing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    InvalidProducerEpoch,
    InvalidProducerIdMapping,
    KafkaError,
    OutOfOrderSequenceNumber,
    ProducerFenced,
    UnknownProducerId,
)

from banso_kit.errors import PublishError

logger = logging.getLogger(__name__)

# After one of these aiokafka's producer refuses every further send.
FATAL_PRODUCER_ERRORS = (
    OutOfOrderSequenceNumber,
    ProducerFenced,
    InvalidProducerEpoch,
    InvalidProducerIdMapping,
    UnknownProducerId,
)
STOP_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class OutgoingMessage:
    topic: str
    value: bytes
    key: bytes | None = None
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True)
class Delivery:
    topic: str
    partition: int
    offset: int


class Producer:
    """Wraps AIOKafkaProducer with the guarantees every service relies on.

    - `enable_idempotence=True` and `acks="all"`: a retried send never duplicates on the broker.
    - `send_many` hands every message to the client before awaiting any acknowledgement, so a batch
      costs one round of network I/O, not one per message.
    - any failure raises `PublishError`; nothing is swallowed.
    """

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str,
        linger_ms: int = 5,
        request_timeout_ms: int = 15000,
        max_batch_size: int = 262144,
        compression_type: str | None = None,
        **client_options: Any,
    ) -> None:
        options: dict[str, Any] = {
            "bootstrap_servers": bootstrap_servers,
            "client_id": client_id,
            "acks": "all",
            "enable_idempotence": True,
            "linger_ms": linger_ms,
            "request_timeout_ms": request_timeout_ms,
            "max_batch_size": max_batch_size,
            "compression_type": compression_type,
            **client_options,
        }
        self._options = options
        self._client = self._new_client()
        self._started = False
        # Set when the broker refused this producer for good (see `send_many`).
        self._broken = False

    async def start(self) -> None:
        try:
            await self._client.start()
        except KafkaError as exc:
            await self._client.stop()
            raise PublishError(f"cannot connect to Kafka: {exc}") from exc
        self._started = True

    async def stop(self) -> None:
        if self._started:
            self._started = False
            await self._client.stop()

    async def __aenter__(self) -> Producer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def client(self) -> AIOKafkaProducer:
        return self._client

    @property
    def max_batch_size(self) -> int:
        """The largest record batch the client builds per partition, in bytes."""
        size: int = self._options["max_batch_size"]
        return size

    async def send(self, message: OutgoingMessage) -> Delivery:
        (delivery,) = await self.send_many([message])
        return delivery

    async def send_many(
        self, messages: Sequence[OutgoingMessage], *, timeout_s: float | None = None
    ) -> list[Delivery]:
        """Send all messages and wait until Kafka acknowledged every one (acks=all)."""
        if not messages:
            return []
        if self._broken:
            await self._renew()
        try:
            futures = [
                await self._client.send(
                    m.topic, m.value, key=m.key, headers=list(m.headers) or None
                )
                for m in messages
            ]
            metadata = await asyncio.wait_for(asyncio.gather(*futures), timeout_s)
        except TimeoutError as exc:
            raise PublishError(f"Kafka did not acknowledge within {timeout_s} s") from exc
        except FATAL_PRODUCER_ERRORS as exc:
            # The broker lost track of this producer's sequence numbers (it restarted while
            # batches were in flight, or they expired) and aiokafka would fail every later send
            # with the same error: the next send starts a new producer, with a new id.
            self._broken = True
            raise PublishError(f"Kafka refused the producer, renewing it: {exc!r}") from exc
        except KafkaError as exc:
            raise PublishError(f"Kafka rejected the send: {exc!r}") from exc
        return [Delivery(md.topic, md.partition, md.offset) for md in metadata]

    def _new_client(self) -> AIOKafkaProducer:
        return AIOKafkaProducer(**self._options)

    async def _renew(self) -> None:
        broken, self._client = self._client, self._new_client()
        self._started = False
        logger.warning("kafka_producer_renewed")
        try:
            async with asyncio.timeout(STOP_TIMEOUT_S):
                await broken.stop()
        except (TimeoutError, KafkaError) as exc:
            logger.warning("kafka_producer_stop_failed", extra={"error": repr(exc)})
        await self.start()
        self._broken = False

    async def ping(self, timeout_s: float = 5.0) -> None:
        """Raise unless the cluster answers a metadata request."""
        try:
            await asyncio.wait_for(self._client.client.fetch_all_metadata(), timeout_s)
        except (KafkaError, TimeoutError) as exc:
            raise PublishError(f"Kafka metadata request failed: {exc!r}") from exc
