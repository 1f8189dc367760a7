"""The scoring consumer: usage, account traits, feedback and nudges, merged per partition.

The four input topics have the same partition count and key (workspace:account), so partition
``p`` of each holds the same accounts; the range assignor gives all four to one replica. For
each partition number the records of the four topics are applied in stream-time order, waiting
for a topic that may still hold an earlier record — so a replay applies, evaluates and publishes
exactly as the first run did, whatever the fetch and batch boundaries. A round (up to
``max_round_records``) is applied in memory and written in one transaction with the offsets.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from aiokafka.errors import IllegalStateError
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_contracts.topics import ACCOUNT_TRAITS, FEEDBACK, NUDGES, USAGE
from banso_kit.errors import Retryable
from banso_kit.kafka.progress import ConsumerProgress
from banso_kit.kafka.watch import LogWatch, ResumeFrom, resume_positions, store_positions
from banso_kit.runtime import Runtime
from banso_scoring.adapters import repository
from banso_scoring.adapters.records import Record, RecordDecoder
from banso_scoring.config import ScoringSettings
from banso_scoring.consumers import persist
from banso_scoring.consumers.engine import Engine, RoundWrites
from banso_scoring.consumers.requests import RequestHandler
from banso_scoring.consumers.state import (
    AccountEntry,
    AccountKey,
    PartitionGroup,
    RecentIds,
    Scorecards,
)
from banso_scoring.domain.schedule import EvaluationSchedule, ScheduleState
from banso_scoring.metrics import ScoringMetrics

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
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.runtime = runtime
        self.metrics = metrics
        self.clock = clock
        self.group_id = f"{settings.topic_prefix}{settings.group_id}"
        self.topics = [runtime.topic(topic) for topic in INPUT_TOPICS]
        self.labels = {runtime.topic(topic): topic.name for topic in INPUT_TOPICS}
        self.scorecards = Scorecards()
        self.accounts: dict[AccountKey, AccountEntry] = {}
        self.groups: dict[int, PartitionGroup] = {}
        self.recent_ids = RecentIds(settings.processed_ids_keep_s)
        self.engine = Engine(
            scorecards=self.scorecards,
            accounts=self.accounts,
            topic_order={topic: rank for rank, topic in enumerate(self.topics)},
            applied_ids=self.recent_ids.members,
        )
        self.requests = RequestHandler(self)
        self.decoder = RecordDecoder()
        # Accounts in buffered records that are not in memory yet (their goals and milestones
        # are read before the round applies them).
        self.arriving: dict[AccountKey, Record] = {}
        self.progress = ConsumerProgress(
            self.group_id, self.labels, settings.consumer_stall_after_s
        )
        self._watch = LogWatch(self.progress, runtime.consumer_metrics)
        # Partitions whose stored offset lies beyond the log's end: paused, never sought back.
        self.held: set[TopicPartition] = set()
        self.ready = asyncio.Event()
        self.applied_total = 0
        self._stopping = asyncio.Event()
        # aiokafka rebalances in its coordinator task, beside this loop: a revocation must not
        # drop partitions while a round that touches them is being applied and written.
        self.round_lock = asyncio.Lock()
        self._consumer: AIOKafkaConsumer | None = None
        self._writing: asyncio.Task[None] | None = None
        self._next_prune = 0.0

    def request_stop(self) -> None:
        self._stopping.set()

    # -- loading ---------------------------------------------------------------------------

    async def load(self, consumer: AIOKafkaConsumer, assigned: Sequence[TopicPartition]) -> None:
        """Take over partitions: their accounts, schedules and offsets come from the database."""
        partitions = sorted({tp.partition for tp in assigned})
        async with self.runtime.db.read_session() as session:
            await self.requests.refresh_scorecards(session, recompute=False)
            entries = await repository.load_accounts(session, partitions=partitions)
            await self.requests.attach_plans(session, entries)
            states = await repository.load_partition_states(
                session, group_id=self.group_id, partitions=partitions
            )
            offsets = await persist.stored_offsets(session, self.runtime, group_id=self.group_id)
            remembered = await persist.processed_ids(session, group_id=self.group_id)
        self.recent_ids.clear()
        self.arriving.clear()
        for applied_at, chunk in groupby(remembered, key=itemgetter(1)):
            self.recent_ids.add([event_id for event_id, _ in chunk], applied_at)
        self.accounts.update(entries)
        for partition in partitions:
            saved = states.get(partition)
            group = PartitionGroup(
                partition=partition,
                schedule=EvaluationSchedule(
                    slot_seconds=self.settings.slot_seconds,
                    tick_seconds=self.settings.tick_seconds,
                    state=ScheduleState.from_document(
                        orjson.loads(saved.schedule) if saved else {}
                    ),
                ),
                scorecards=(orjson.loads(saved.scorecards) if saved else {})
                or self.requests.current_versions(),
                accounts={key for key, e in entries.items() if e.partition == partition},
                version=saved.version if saved else None,
            )
            for topic in self.topics:
                group.buffers[topic] = deque()
                stored = offsets.get((topic, partition))
                group.stored_offsets[topic] = stored
                group.next_offsets[topic] = stored or 0
                group.fetch_offsets[topic] = stored or 0
            self.groups[partition] = group
        self.progress.taken(
            {tp: self.groups[tp.partition].stored_offsets[tp.topic] for tp in assigned}
        )
        # A stored offset beyond the log's end (the log was reset, the topic recreated) is held:
        # the client would go back to the log's start, whose records look applied already. Its
        # partition's merge waits on it, and /readyz says why until an operator resumes it.
        ends = await self._watch.log_ends(consumer, assigned)
        self.held = (self.held - set(assigned)) | self.progress.beyond_log_end(ends)
        paused = consumer.paused()
        for tp in assigned:
            # A plain seek: never stored means from the start (earliest still available).
            consumer.seek(tp, self.groups[tp.partition].next_offsets[tp.topic])
            if tp in self.held:
                consumer.pause(tp)
            elif tp in paused:
                consumer.resume(tp)
        self._watch.report()
        self.metrics.accounts.set(len(self.accounts))
        # What was just loaded lives until the partitions move: keep it out of collections
        # (collect first, so no garbage is frozen with it).
        gc.collect()
        gc.freeze()
        self.ready.set()

    def drop(self, partitions: set[int]) -> None:
        for partition in partitions:
            group = self.groups.pop(partition, None)
            if group is not None:
                for key in group.accounts:
                    self.accounts.pop(key, None)
                self.progress.released(TopicPartition(t, partition) for t in group.buffers)
        self.metrics.accounts.set(len(self.accounts))

    async def reset(self, consumer: AIOKafkaConsumer) -> None:
        """After a failed round: forget memory, reload from the database, seek back."""
        assigned = list(consumer.assignment())
        self.drop(set(self.groups))
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
            moves = await resume_positions(consumer, self.progress, to)
            if moves:
                async with self.runtime.db.session() as session:
                    await store_positions(
                        session, self.runtime.tables, group_id=self.group_id, moves=moves
                    )
                logger.warning(
                    "consumer_positions_reset",
                    extra={"group": self.group_id, "to": to, "partitions": len(moves)},
                )
                await self.reset(consumer)
        return {tp: after for tp, (_, after) in moves.items()}

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
                    fetched = await self._fetch(consumer)
                    await self._written()
                    async with self.round_lock:
                        writes = await self._round(consumer, fetched)
                        if writes is not None:
                            self._writing = asyncio.create_task(self._write(writes))
                    backoff = 0.2
                except (persist.Fenced, Retryable, OSError, TimeoutError) as error:
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

    async def _fetch(self, consumer: AIOKafkaConsumer) -> int:
        """Fetch until a round is full, a second has passed, or nothing more is waiting: when
        catching up, rounds are large (one write per account and round); when live, a round
        is whatever arrived, committed at once."""
        deadline = time.monotonic() + 1.0
        total = 0
        timeout_ms = 100
        while total < self.settings.max_round_records and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=timeout_ms, max_records=10_000)
            total += self._buffer(batches)
            if not await self._behind(consumer):
                break
            timeout_ms = 50
        self._flow_control(consumer)
        return total

    async def _behind(self, consumer: AIOKafkaConsumer) -> bool:
        """Catching up: a backlog worth a bigger round. Live traffic (a few records behind at
        any moment) is committed at once instead."""
        paused = consumer.paused()
        backlog = 0
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if tp in paused or highwater is None:
                continue
            try:
                backlog += max(0, highwater - await consumer.position(tp))
            except IllegalStateError:
                continue  # revoked meanwhile
        return backlog > self.settings.catch_up_backlog

    def _buffer(self, batches: dict[TopicPartition, list[Any]]) -> int:
        total = 0
        decode_many = self.decoder.decode_many
        accounts, arriving = self.accounts, self.arriving
        for tp, messages in batches.items():
            group = self.groups.get(tp.partition)
            if group is None:
                continue
            decoded, group.fetch_offsets[tp.topic] = decode_many(
                messages, group.fetch_offsets[tp.topic]
            )
            group.buffers[tp.topic].extend(decoded)
            total += len(decoded)
            for record in decoded:
                if record.account is not None and record.account not in accounts:
                    arriving.setdefault(record.account, record)
        return total

    def _flow_control(self, consumer: AIOKafkaConsumer) -> None:
        """Pause partitions far ahead of their co-partitions; resume them once drained."""
        limit = self.settings.max_buffered_records
        paused = consumer.paused()
        for group in self.groups.values():
            for topic, buffer in group.buffers.items():
                tp = TopicPartition(topic, group.partition)
                if tp in self.held:
                    continue
                if len(buffer) > limit and tp not in paused:
                    consumer.pause(tp)
                elif len(buffer) <= limit // 2 and tp in paused:
                    consumer.resume(tp)

    async def _caught_up(self, consumer: AIOKafkaConsumer) -> dict[tuple[str, int], bool]:
        caught: dict[tuple[str, int], bool] = {}
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            try:
                position = await consumer.position(tp)
            except IllegalStateError:
                continue  # revoked meanwhile: its records wait (its group goes after this round)
            caught[(tp.topic, tp.partition)] = highwater is not None and position >= highwater
        return caught

    async def _round(self, consumer: AIOKafkaConsumer, fetched: int) -> RoundWrites | None:
        """Read what the round needs and apply and evaluate with no transaction open (SQLite
        has one writer: API reads must not wait for the CPU work); what to write, if anything."""
        writes = RoundWrites()
        # Reads only: it neither waits for nor holds the write lock (another replica's, on
        # SQLite, or this process's previous round, still being written).
        async with self.runtime.db.read_session() as session:
            await self.requests.before_round(session, writes)
            await self._prepare_arrivals(session)
        caught = await self._caught_up(consumer)
        limit = self.settings.max_round_records
        now = self.clock() - self.settings.idle_grace_s
        for partition in sorted(self.groups):
            group = self.groups[partition]
            done = {t for t in group.buffers if caught.get((t, partition), False)}
            self.engine.merge(group, done.__contains__, writes, limit)
            idle = len(done) == len(group.buffers) and not any(group.buffers.values())
            if idle:
                self.engine.advance(group, now, writes)
        if writes.empty and time.monotonic() < self._next_prune:
            return None
        return writes

    async def _write(self, writes: RoundWrites) -> None:
        """The round in one transaction: state, history, events, processed ids and offsets."""
        async with self.runtime.db.session() as session:
            if time.monotonic() >= self._next_prune:
                self._next_prune = time.monotonic() + 60
                self.recent_ids.expire(time.time())
                await persist.prune_processed(
                    session, group_id=self.group_id, keep_s=self.settings.processed_ids_keep_s
                )
            await persist.write_round(
                session,
                self.runtime,
                group_id=self.group_id,
                writes=writes,
                accounts=self.accounts,
                groups=self.groups,
            )
        self._committed(writes)

    async def _prepare_arrivals(self, session: AsyncSession) -> None:
        arriving = {
            key: record
            for key, record in self.arriving.items()
            if key not in self.accounts and record.partition in self.groups
        }
        self.arriving.clear()
        if arriving:
            await self.requests.prepare_new_accounts(session, arriving)

    def _committed(self, writes: RoundWrites) -> None:
        self.recent_ids.add(writes.processed_ids, time.time())
        advanced = self.progress.advanced
        for partition in writes.groups_changed:
            group = self.groups[partition]
            for topic, next_offset in group.next_offsets.items():
                if group.stored_offsets.get(topic) != next_offset:
                    advanced(TopicPartition(topic, partition), next_offset)
            group.stored_offsets.update(group.next_offsets)
            group.version = writes.versions[partition]
        applied = sum(writes.applied.values())
        self.applied_total += applied
        metrics = self.runtime.consumer_metrics
        dead: dict[str, int] = {}
        for record in writes.dead:
            dead[record.topic] = dead.get(record.topic, 0) + 1
        for topic, count in writes.applied.items():
            label = self.labels.get(topic, topic)
            metrics.processed.labels(topic=label, result="applied").inc(count - dead.get(topic, 0))
            if dead.get(topic):
                metrics.processed.labels(topic=label, result="dead_lettered").inc(dead[topic])
                metrics.dead_lettered.labels(topic=label).inc(dead[topic])
        if writes.duplicates:
            metrics.duplicates.inc(writes.duplicates)
        if writes.dropped_late:
            self.metrics.dropped_late.inc(writes.dropped_late)
        for history in writes.history:
            change = history.get("change")
            if change is not None:
                self.metrics.published.labels(change=str(change)).inc()
        self.metrics.accounts.set(len(self.accounts))
        if writes.events or writes.dead:
            self.runtime.relay.wake()

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
        # write, then forget.
        async with self._owner.round_lock:
            await self._owner.settle()
            self._owner.drop({tp.partition for tp in revoked})

    async def on_partitions_assigned(self, assigned: Sequence[TopicPartition]) -> None:
        async with self._owner.round_lock:
            await self._owner.settle()
            await self._owner.load(self._consumer, assigned)
