"""Keeping a consumer's progress current: log ends from the broker, lag and stall metrics, one log
line when a partition stops progressing and one when it recovers, and the repair an operator asks
for when stored positions lie beyond the log's end."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Literal, Protocol

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.kafka.offsets import OffsetStore
from banso_kit.kafka.progress import ConsumerProgress, Problem
from banso_kit.metrics import ConsumerMetrics

logger = logging.getLogger(__name__)

ResumeFrom = Literal["start", "end"]
REFRESH_S = 5.0


class Watched(Protocol):
    """A consumer whose progress the runtime reports and an operator can repair."""

    @property
    def progress(self) -> ConsumerProgress: ...

    async def resume_beyond_log_end(self, to: ResumeFrom) -> dict[TopicPartition, int]:
        """Store a new position for every partition beyond the log end; reload; what moved."""
        ...


class LogWatch:
    """Asks the broker for the log ends of the assigned partitions every few seconds."""

    def __init__(
        self,
        progress: ConsumerProgress,
        metrics: ConsumerMetrics | None,
        *,
        every_s: float = REFRESH_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.progress = progress
        self.metrics = metrics
        self.every_s = every_s
        self.clock = clock
        self._next = 0.0
        self._reported: set[tuple[str, int, str]] = set()

    async def log_ends(
        self, consumer: AIOKafkaConsumer, tps: Iterable[TopicPartition]
    ) -> dict[TopicPartition, int]:
        wanted = list(tps)
        if not wanted:
            return {}
        ends: dict[TopicPartition, int] = await consumer.end_offsets(wanted)
        self.progress.observed(ends)
        return ends

    async def refresh(self, consumer: AIOKafkaConsumer, *, force: bool = False) -> None:
        """At most every ``every_s`` (unless forced): log ends, metrics, log lines."""
        now = self.clock()
        if not force and now < self._next:
            return
        self._next = now + self.every_s
        try:
            await self.log_ends(consumer, consumer.assignment())
        except KafkaError as error:
            # The broker is away: keep the last log ends (a stall still shows) and ask again
            # next time, rather than failing the consumer loop.
            logger.warning(
                "consumer_log_ends_unknown",
                extra={"group": self.progress.group_id, "error": repr(error)},
            )
        self.report()

    def report(self) -> None:
        problems = self.progress.problems()
        if self.metrics is not None:
            for label, value in self.progress.lag().items():
                self.metrics.lag.labels(topic=label).set(value)
            counts: dict[tuple[str, str], int] = {}
            for problem in problems:
                key = (problem.topic, problem.kind)
                counts[key] = counts.get(key, 0) + 1
            for topic, kind in {(t, k) for t, _, k in self._reported} | set(counts):
                self.metrics.stalled.labels(topic=topic, reason=kind).set(
                    counts.get((topic, kind), 0)
                )
        current = {(p.topic, p.partition, p.kind): p for p in problems}
        for where, problem in current.items():
            if where not in self._reported:
                logger.error(
                    "consumer_not_progressing",
                    extra={"group": self.progress.group_id, "reason": problem.describe()},
                )
        for topic, partition, _kind in self._reported - set(current):
            logger.info(
                "consumer_progressing_again",
                extra={"group": self.progress.group_id, "topic": topic, "partition": partition},
            )
        self._reported = set(current)


def check_progress(watched: Iterable[Watched]) -> Callable[[], Awaitable[None]]:
    """A readiness check: fails, naming every partition, while any consumer is not progressing."""

    async def check() -> None:
        problems: list[Problem] = [p for w in watched for p in w.progress.problems()]
        if problems:
            raise ConsumerNotProgressing("; ".join(p.describe() for p in problems))

    return check


class ConsumerNotProgressing(Exception):
    """At least one partition is beyond its log end or has stalled."""


async def resume_positions(
    session: AsyncSession,
    offsets: OffsetStore,
    consumer: AIOKafkaConsumer,
    progress: ConsumerProgress,
    *,
    group_id: str,
    to: ResumeFrom,
) -> dict[TopicPartition, int]:
    """Store where to resume every assigned partition beyond its log end (the log's start or
    end), through the fenced offset store; the positions stored."""
    assigned = list(consumer.assignment())
    ends: dict[TopicPartition, int] = await consumer.end_offsets(assigned)
    beyond = sorted(progress.beyond_log_end(ends))
    if not beyond:
        return {}
    found: dict[TopicPartition, int] = (
        await consumer.beginning_offsets(beyond) if to == "start" else ends
    )
    targets = {tp: found[tp] for tp in beyond}
    await offsets.store(
        session,
        group_id=group_id,
        positions=targets,
        expected={tp: progress.stored(tp) for tp in beyond},
    )
    return targets
