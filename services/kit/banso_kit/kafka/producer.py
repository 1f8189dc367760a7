"""An idempotent, acks=all producer whose failed sends raise instead of vanishing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from banso_kit.errors import PublishError

logger = logging.getLogger(__name__)


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
        self._client = AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers,
            client_id=client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=linger_ms,
            request_timeout_ms=request_timeout_ms,
            max_batch_size=max_batch_size,
            compression_type=compression_type,
            **client_options,
        )
        self._started = False

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

    async def send(self, message: OutgoingMessage) -> Delivery:
        (delivery,) = await self.send_many([message])
        return delivery

    async def send_many(
        self, messages: Sequence[OutgoingMessage], *, timeout_s: float | None = None
    ) -> list[Delivery]:
        """Send all messages and wait until Kafka acknowledged every one (acks=all)."""
        if not messages:
            return []
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
        except KafkaError as exc:
            raise PublishError(f"Kafka rejected the send: {exc!r}") from exc
        return [Delivery(md.topic, md.partition, md.offset) for md in metadata]

    async def ping(self, timeout_s: float = 5.0) -> None:
        """Raise unless the cluster answers a metadata request."""
        try:
            await asyncio.wait_for(self._client.client.fetch_all_metadata(), timeout_s)
        except (KafkaError, TimeoutError) as exc:
            raise PublishError(f"Kafka metadata request failed: {exc!r}") from exc
