"""What a service's lifespan builds and closes: database, producer, outbox relay, consumers.

    async with Runtime(settings, tables=KIT, registry=registry) as runtime:
        runtime.add_consumer(group_id="scoring", topics=[USAGE], handler=apply_usage)
        yield {"runtime": runtime, ...}

Entering starts the database, the producer (idempotent, acks=all), creates missing topics from the
registry and starts the outbox relay and the consumers; leaving stops taking work, lets each consumer
commit its batch in flight, drains the outbox, and closes every client.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Protocol

from aiokafka.errors import KafkaError
from prometheus_client import CollectorRegistry

from banso_contracts.topics import ALL_TOPICS, TOKEN_REVOCATIONS, Topic
from banso_kit.db import Database
from banso_kit.errors import PublishError
from banso_kit.event_time import Watermarks, service_watermarks
from banso_kit.health import Check
from banso_kit.kafka.admin import ensure_topics
from banso_kit.kafka.consumer import Handler, TransactionalConsumer
from banso_kit.kafka.dead_letters import DeadLetterWriter
from banso_kit.kafka.producer import Producer
from banso_kit.kafka.watch import Watched, check_progress
from banso_kit.metrics import ConsumerMetrics
from banso_kit.outbox import Outbox, OutboxRelay
from banso_kit.revocations import RevokedTokens
from banso_kit.settings import ServiceSettings
from banso_kit.tables import KitTables

logger = logging.getLogger(__name__)


class Runtime:
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        tables: KitTables,
        registry: CollectorRegistry,
        create_topics: bool = True,
        kafka_startup_timeout_s: float = 60.0,
        watermarks: Watermarks | None = None,
    ) -> None:
        self.settings = settings
        self.tables = tables
        self.registry = registry
        self.db = Database(settings.database_url)
        self.producer = Producer(
            settings.kafka_bootstrap_servers,
            client_id=f"banso-{settings.service_name}",
            **settings.kafka_client_options(),
        )
        self.outbox = Outbox(
            tables, source=f"banso/{settings.service_name}", topic_prefix=settings.topic_prefix
        )
        self.relay = OutboxRelay(
            self.db, tables, self.producer, poll_interval_s=settings.outbox_poll_interval_s
        )
        self.dead_letters = DeadLetterWriter(self.outbox, service=settings.service_name)
        self.consumer_metrics = ConsumerMetrics(registry, settings.service_name)
        self.revoked_tokens = RevokedTokens(
            settings.kafka_bootstrap_servers,
            TOKEN_REVOCATIONS.physical_name(settings.topic_prefix),
            client_options=settings.kafka_consumer_options(),
            client_id=f"banso-{settings.service_name}-revocations",
        )
        # Event time of what the consumers applied (a `StreamClock` reads its watermark).
        self.watermarks = watermarks if watermarks is not None else service_watermarks(settings)
        self.consumers: list[TransactionalConsumer] = []
        # Every consumer whose progress /readyz reports and an operator can repair.
        self.watched: list[Watched] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._revocations: asyncio.Task[None] | None = None
        self._create_topics = create_topics
        self._kafka_startup_timeout_s = kafka_startup_timeout_s
        self._started = False

    async def __aenter__(self) -> Runtime:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def topic(self, topic: Topic) -> str:
        return topic.physical_name(self.settings.topic_prefix)

    async def start(self) -> None:
        # The broker may be restarting while this service starts (a deployment, a node moving):
        # each step is retried until `kafka_startup_timeout_s`, then the start fails.
        deadline = asyncio.get_running_loop().time() + self._kafka_startup_timeout_s
        await self._until_kafka_answers(self.producer.start, deadline)
        if self._create_topics:
            await self._until_kafka_answers(
                lambda: ensure_topics(
                    self.settings.kafka_bootstrap_servers,
                    prefix=self.settings.topic_prefix,
                    topics=ALL_TOPICS,
                    replication_factor=self.settings.topic_replication_factor,
                    client_options=self.settings.kafka_client_options(),
                ),
                deadline,
            )
        self._tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        self._revocations = asyncio.create_task(self.revoked_tokens.run(), name="revocations")
        if not await self.revoked_tokens.wait_caught_up(self._kafka_startup_timeout_s):
            logger.warning("token_revocations_not_read_yet")
        self._started = True

    async def _until_kafka_answers(
        self, step: Callable[[], Awaitable[object]], deadline: float
    ) -> None:
        loop = asyncio.get_running_loop()
        delay = 0.5
        while True:
            try:
                await step()
                return
            except (PublishError, KafkaError) as exc:
                if loop.time() + delay > deadline:
                    raise
                logger.warning("kafka_not_ready", extra={"error": str(exc), "retry_s": delay})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    def add_consumer(
        self,
        *,
        group_id: str,
        topics: Sequence[Topic],
        handler: Handler,
        dedupe: bool = True,
        max_batch: int | None = None,
    ) -> TransactionalConsumer:
        """Start a consumer whose offsets live in this service's database."""
        physical = [self.topic(t) for t in topics]
        consumer = TransactionalConsumer(
            db=self.db,
            tables=self.tables,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=f"{self.settings.topic_prefix}{group_id}",
            topics=physical,
            handler=handler,
            dead_letters=self.dead_letters,
            metrics=self.consumer_metrics,
            topic_labels={self.topic(t): t.name for t in topics},
            max_batch=max_batch or self.settings.consumer_max_batch,
            dedupe=dedupe,
            on_commit=self.relay.wake,
            client_id=f"banso-{self.settings.service_name}",
            client_options=self.settings.kafka_consumer_options(),
            stall_after_s=self.settings.consumer_stall_after_s,
            watermarks=self.watermarks,
        )
        self.consumers.append(consumer)
        self.watch(consumer)
        self._tasks.append(asyncio.create_task(supervise(consumer), name=f"consumer-{group_id}"))
        return consumer

    def watch(self, consumer: Watched) -> None:
        """Report this consumer's progress in /readyz and the consumer admin routes."""
        self.watched.append(consumer)

    def watched_group(self, group_id: str) -> Watched | None:
        return next((w for w in self.watched if w.progress.group_id == group_id), None)

    def readiness_checks(self) -> dict[str, Check]:
        checks: dict[str, Check] = {
            "database": self.db.ping,
            "kafka": self.producer.ping,
            "token_revocations": self.revoked_tokens.ready,
        }
        if self.watched:
            checks["consumers"] = check_progress(self.watched)
        return checks

    async def stop(self, *, grace_s: float = 30.0) -> None:
        for consumer in self.consumers:
            consumer.request_stop()
        self.relay.request_stop()
        if self._revocations is not None:
            self._revocations.cancel()
            await asyncio.gather(self._revocations, return_exceptions=True)
            self._revocations = None
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=grace_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        self._tasks.clear()
        await self.producer.stop()
        await self.db.dispose()
        self._started = False


class Supervised(Protocol):
    """A consumer loop: ``run`` returns when asked to stop, raises when it died."""

    group_id: str

    async def run(self) -> None: ...


async def supervise(consumer: Supervised) -> None:
    """Restart a consumer loop that died of an unexpected error (it resumes from stored offsets)."""
    delay = 1.0
    while True:
        try:
            await consumer.run()
            return
        except asyncio.CancelledError:
            raise
        except Exception:  # logged, then the loop restarts from stored offsets
            logger.exception("consumer_crashed", extra={"group": consumer.group_id})
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)
