"""The scoring consumer's Kafka entry point: usage, account traits, feedback and nudges, merged
per partition.

The four input topics have the same partition count and key, so the range assignor gives
partition ``p`` of all four to one replica. This module owns the Kafka client: it subscribes,
takes and releases partitions (seeking to the offsets stored with the state, holding those
beyond the log end), fetches (``fetch``), and runs one round at a time (``service.rounds``),
writing the previous round while the next records are fetched.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.coordinator.assignors.range import RangePartitionAssignor

from banso_contracts.topics import ACCOUNT_TRAITS, FEEDBACK, NUDGES, USAGE
from banso_kit.clock import Clock, SystemClock
from banso_kit.errors import Retryable
from banso_kit.kafka.offsets import Fenced, OffsetStore
from banso_kit.kafka.progress import ConsumerProgress
from banso_kit.kafka.watch import LogWatch, ResumeFrom, resume_positions
from banso_kit.runtime import Runtime
from banso_scoring.config import ScoringSettings
from banso_scoring.consumers.fetch import Fetcher
from banso_scoring.domain.state import AccountEntry, AccountKey
from banso_scoring.metrics import ScoringMetrics
from banso_scoring.service.engine import Engine
from banso_scoring.service.rounds import Rounds
from banso_scoring.service.state import PartitionGroup
from banso_scoring.service.writes import RoundWrites

logger = logging.getLogger(__name__)

# Ties in stream time: traits first (a new plan applies to the usage stamped with it).
INPUT_TOPICS = (ACCOUNT_TRAITS, USAGE, FEEDBACK, NUDGES)


class ScoringConsumer:
    def __init__(
        self,
        settings: ScoringSettings,
        runtime: Runtime,
        metrics: ScoringMetrics,
        *,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.runtime = runtime
        self.metrics = metrics
        self.group_id = f"{settings.topic_prefix}{settings.group_id}"
        self.topics = [runtime.topic(topic) for topic in INPUT_TOPICS]
        self.labels = {runtime.topic(topic): topic.name for topic in INPUT_TOPICS}
        self.progress = ConsumerProgress(
            self.group_id, self.labels, settings.consumer_stall_after_s
        )
        self.rounds = Rounds(
            settings,
            runtime,
            metrics,
            group_id=self.group_id,
            topics=self.topics,
            labels=self.labels,
            progress=self.progress,
            clock=clock or SystemClock(),
        )
        self.fetcher = Fetcher(settings, self.rounds)
        self._watch = LogWatch(self.progress, runtime.consumer_metrics)
        self.ready = asyncio.Event()
        self._stopping = asyncio.Event()
        # aiokafka rebalances in its coordinator task, beside this loop: a revocation must not
        # drop partitions while a round that touches them is being applied and written.
        self.round_lock = asyncio.Lock()
        self._consumer: AIOKafkaConsumer | None = None
        self._writing: asyncio.Task[None] | None = None

    @property
    def accounts(self) -> dict[AccountKey, AccountEntry]:
        return self.rounds.accounts

    @property
    def groups(self) -> dict[int, PartitionGroup]:
        return self.rounds.groups

    @property
    def engine(self) -> Engine:
        return self.rounds.engine

    @property
    def applied_total(self) -> int:
        return self.rounds.applied_total

    def request_stop(self) -> None:
        self._stopping.set()

    # -- taking partitions -----------------------------------------------------------------

    async def load(self, consumer: AIOKafkaConsumer, assigned: Sequence[TopicPartition]) -> None:
        """Take over partitions: their accounts, schedules and offsets come from the database
        (those a rebalance revoked and gave back unchanged are kept as they were)."""
        loaded = await self.rounds.load(sorted({tp.partition for tp in assigned}))
        self.progress.taken(
            {tp: self.groups[tp.partition].stored_offsets[tp.topic] for tp in assigned}
        )
        # A stored offset beyond the log's end (the log was reset, the topic recreated) is held:
        # the client would go back to the log's start, whose records look applied already. Its
        # partition's merge waits on it, and /readyz says why until an operator resumes it.
        ends = await self._watch.log_ends(consumer, assigned)
        held = (self.fetcher.held - set(assigned)) | self.progress.beyond_log_end(ends)
        self.fetcher.held = held
        paused = consumer.paused()
        for tp in assigned:
            # A plain seek: never stored means from the start (earliest still available).
            consumer.seek(tp, self.groups[tp.partition].next_offsets[tp.topic])
            if tp in held:
                consumer.pause(tp)
            elif tp in paused:
                consumer.resume(tp)
        self._watch.report()
        self.metrics.accounts.set(len(self.accounts))
        if loaded:
            # What was just loaded lives until the partitions move: keep it out of collections
            # (collect first, so no garbage is frozen with it). Not when everything was kept:
            # a full collection walks every account.
            gc.collect()
            gc.freeze()
        self.ready.set()

    async def reset(self, consumer: AIOKafkaConsumer) -> None:
        """After a failed round: forget memory, reload from the database, seek back."""
        assigned = list(consumer.assignment())
        self.rounds.drop(set(self.groups))
        self.accounts.clear()
        await self.load(consumer, assigned)

    async def resume_beyond_log_end(self, to: ResumeFrom) -> dict[TopicPartition, int]:
        """Store the log's start (or end) for every partition whose stored offset lies beyond
        the log end, then reload (the round in progress is written first)."""
        consumer = self._consumer
        if consumer is None:
            return {}
        async with self.round_lock:
            await self.settle()
            async with self.runtime.db.session() as session:
                moved = await resume_positions(
                    session,
                    OffsetStore(self.runtime.tables),
                    consumer,
                    self.progress,
                    group_id=self.group_id,
                    to=to,
                )
            if moved:
                logger.warning(
                    "consumer_positions_reset",
                    extra={"group": self.group_id, "to": to, "partitions": len(moved)},
                )
                await self.reset(consumer)
        return moved

    # -- the loop --------------------------------------------------------------------------

    async def run(self) -> None:
        # Catching up allocates millions of short-lived objects; with CPython's default
        # thresholds each full collection rescans every account's aggregates (measured: the
        # largest single cost). Young collections stay frequent enough to bound memory.
        gc.set_threshold(*self.settings.gc_thresholds)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=self.group_id,
            client_id=f"banso-{self.settings.service_name}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            partition_assignment_strategy=(RangePartitionAssignor,),
            max_partition_fetch_bytes=4 * 1024 * 1024,
            fetch_max_bytes=32 * 1024 * 1024,
            **self.settings.kafka_consumer_options(),
        )
        consumer.subscribe(self.topics, listener=_Rebalance(self, consumer))
        self._consumer = consumer
        await consumer.start()
        backoff = 0.2
        try:
            while not self._stopping.is_set():
                started = time.perf_counter()
                try:
                    # The previous round's transaction is written while the next records are
                    # fetched and decoded (SQLite works without the GIL); a round is applied
                    # only once the one before it is committed.
                    await self.fetcher.fetch(consumer)
                    if self._writing is not None:
                        await self.fetcher.while_writing(consumer, self._writing)
                    await self._written()
                    async with self.round_lock:
                        writes = await self._round(consumer)
                        if writes is not None:
                            self._writing = asyncio.create_task(self._write(writes))
                    backoff = 0.2
                except (Fenced, Retryable, OSError, TimeoutError) as error:
                    logger.warning("scoring_round_retry", extra={"error": repr(error)})
                    await self._recover(consumer)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 10.0)
                except Exception:
                    # Memory may be half-applied: reload before anything else happens.
                    await self._recover(consumer)
                    raise
                self.metrics.rounds.observe(time.perf_counter() - started)
                await self._watch.refresh(consumer)
            await self._written()
        finally:
            await self.settle()
            self._consumer = None
            await consumer.stop()

    async def settle(self) -> None:
        """Wait for a round's write in progress to end, whatever its outcome (the loop learns
        of a failure from ``_written``)."""
        writing = self._writing
        if writing is not None:
            await asyncio.wait([writing])

    async def _written(self) -> None:
        """The previous round's write is committed (or its error is raised here).

        The task stays in ``_writing`` until it has ended: a rebalance that runs meanwhile must
        find it and wait (``settle``) before dropping the partitions it writes."""
        writing = self._writing
        if writing is not None:
            try:
                await writing
            finally:
                if self._writing is writing:
                    self._writing = None

    async def _recover(self, consumer: AIOKafkaConsumer) -> None:
        await self.settle()
        self._writing = None
        async with self.round_lock:
            await self.reset(consumer)

    async def _round(self, consumer: AIOKafkaConsumer) -> RoundWrites | None:
        """Apply and evaluate what is buffered (``service.rounds``); what to write, if anything."""
        return await self.rounds.round(lambda: self.fetcher.caught_up(consumer))

    async def _write(self, writes: RoundWrites) -> None:
        await self.rounds.write(writes)

    def lag(self) -> int | None:
        """Records not yet committed across assigned partitions, against the log end (None
        until the log ends are known)."""
        return self.progress.total_lag()


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, owner: ScoringConsumer, consumer: AIOKafkaConsumer) -> None:
        self._owner = owner
        self._consumer = consumer

    async def on_partitions_revoked(self, revoked: Sequence[TopicPartition]) -> None:
        # A round commits its offsets with its state: wait for the one in progress and its
        # write, then stop merging them. Their accounts stay in memory until the assignment:
        # partitions given back (a consumer that missed its heartbeats, a member joining) are
        # kept rather than reloaded.
        async with self._owner.round_lock:
            await self._owner.settle()
            self._owner.rounds.release({tp.partition for tp in revoked})

    async def on_partitions_assigned(self, assigned: Sequence[TopicPartition]) -> None:
        async with self._owner.round_lock:
            await self._owner.settle()
            await self._owner.load(self._consumer, assigned)
