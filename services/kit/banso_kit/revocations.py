"""The set of revoked API tokens, kept by every service from the compacted revocations topic.

Tokens are JWTs every service verifies with `BANSO_SECRET` alone; revoking one is an event
(`TokenRevoked` on `banso.token-revocations.v1`, published by ingest through its outbox). Each
service process reads the topic from the beginning, without a consumer group (every process needs
every record), and keeps the revoked token ids until the tokens would have expired anyway.
`caught_up` turns true once the records that existed at start have been read: the runtime's start
waits for it (and `/readyz` reports it), so a restarted service does not accept a token revoked
before it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from banso_contracts.codec import decode
from banso_contracts.errors import ContractError
from banso_contracts.events import TokenRevoked
from banso_kit.errors import ServiceUnavailable

logger = logging.getLogger(__name__)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class RevokedTokens:
    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        *,
        client_options: dict[str, Any] | None = None,
        client_id: str = "banso-revocations",
        now: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self._bootstrap = bootstrap_servers
        self._topic = topic
        self._client_options = client_options or {}
        self._client_id = client_id
        self._now = now
        self._revoked: dict[str, dt.datetime | None] = {}
        self.caught_up = False
        self._read_to_start = asyncio.Event()

    def is_revoked(self, token_id: str) -> bool:
        return token_id in self._revoked

    def apply(self, event: TokenRevoked) -> None:
        """Remember a revocation (unless the token has expired anyway)."""
        if event.expires_at is not None and event.expires_at <= self._now():
            self._revoked.pop(event.token_id, None)
            return
        self._revoked[event.token_id] = event.expires_at

    def forget_expired(self) -> None:
        now = self._now()
        for token_id, expires_at in list(self._revoked.items()):
            if expires_at is not None and expires_at <= now:
                del self._revoked[token_id]

    async def wait_caught_up(self, timeout_s: float) -> bool:
        """Wait until the revocations present at start are read (or `timeout_s` passed)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._read_to_start.wait(), timeout_s)
        return self.caught_up

    async def ready(self) -> None:
        """A readiness check: fails until the revocations present at start have been read."""
        if not self.caught_up:
            raise ServiceUnavailable("the token revocations are still being read")

    async def run(self) -> None:
        """Follow the topic until cancelled; reconnects after Kafka errors."""
        delay = 0.5
        while True:
            try:
                await self._follow()
            except asyncio.CancelledError:
                raise
            except KafkaError as error:
                logger.warning("revocations_kafka_error", extra={"error": str(error)})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
            except Exception:
                logger.exception("revocations_failed")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def _follow(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            group_id=None,
            client_id=self._client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            **self._client_options,
        )
        # Without a group, subscribing assigns every partition of the topic to this process.
        consumer.subscribe([self._topic])
        await consumer.start()
        try:
            ends: dict[TopicPartition, int] | None = None
            loop = asyncio.get_running_loop()
            next_prune = loop.time()
            while True:
                batches = await consumer.getmany(timeout_ms=200)
                for records in batches.values():
                    for record in records:
                        self._take(record.headers, record.value)
                if not self.caught_up:
                    assigned = sorted(consumer.assignment())
                    if assigned and ends is None:
                        ends = await consumer.end_offsets(assigned)
                    if ends is not None:
                        positions = [await consumer.position(tp) for tp in ends]
                        self.caught_up = all(
                            at >= ends[tp] for at, tp in zip(positions, ends, strict=True)
                        )
                        if self.caught_up:
                            self._read_to_start.set()
                if loop.time() >= next_prune:
                    self.forget_expired()
                    next_prune = loop.time() + 60.0
        finally:
            await consumer.stop()

    def _take(self, headers: Any, value: bytes | None) -> None:
        try:
            _, event = decode(list(headers), value, expected=TokenRevoked)
        except ContractError as error:
            # Not ours to dead-letter (the producer's outbox encoded it); skip and say so.
            logger.error("revocation_undecodable", extra={"error": str(error)})
            return
        self.apply(event)
