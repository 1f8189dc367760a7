"""The scoring consumer's memory and its rounds: take partitions over from the database, apply
and evaluate merged records, write the round in one transaction, and account for what was
written. Kafka is the entry point's business (``consumers/``): this module is handed partition
numbers, buffered records and which topics are caught up.

The four input topics have the same partition count and key (workspace:account), so partition
``p`` of each holds the same accounts. For each partition number the records of the four topics
are applied in stream-time order, waiting for a topic that may still hold an earlier record —
so a replay applies, evaluates and publishes exactly as the first run did, whatever the fetch
and batch boundaries. A round (up to ``max_round_records``) is applied in memory and written in
one transaction with the offsets.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from itertools import groupby
from operator import itemgetter

import orjson
from aiokafka import TopicPartition
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.clock import Clock, epoch
from banso_kit.kafka.offsets import OffsetStore
from banso_kit.kafka.progress import ConsumerProgress
from banso_kit.runtime import Runtime
from banso_scoring.adapters import accounts, applied_ids
from banso_scoring.adapters import partitions as partition_states
from banso_scoring.adapters.records import Record
from banso_scoring.config import ScoringSettings
from banso_scoring.domain.schedule import EvaluationSchedule, ScheduleState
from banso_scoring.domain.state import AccountEntry, AccountKey, RecentIds, Scorecards
from banso_scoring.metrics import ScoringMetrics
from banso_scoring.service.engine import Engine
from banso_scoring.service.requests import RequestHandler
from banso_scoring.service.state import PartitionGroup
from banso_scoring.service.writes import RoundWrites, write_round

CaughtUp = dict[tuple[str, int], bool]
# Accounts evaluated or closed between two yields to the event loop (each ~0.05-0.2 ms).
STEPS_PER_YIELD = 50


class Rounds:
    def __init__(
        self,
        settings: ScoringSettings,
        runtime: Runtime,
        metrics: ScoringMetrics,
        *,
        group_id: str,
        topics: list[str],
        labels: dict[str, str],
        progress: ConsumerProgress,
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.runtime = runtime
        self.metrics = metrics
        self.group_id = group_id
        self.topics = topics
        self.labels = labels
        self.progress = progress
        self.clock = clock
        self.scorecards = Scorecards()
        self.accounts: dict[AccountKey, AccountEntry] = {}
        self.groups: dict[int, PartitionGroup] = {}
        # Partitions revoked by a rebalance whose memory is kept until the assignment that
        # follows says whether they come back (``release``, ``load``).
        self.released: dict[int, PartitionGroup] = {}
        self.recent_ids = RecentIds(settings.processed_ids_keep_s)
        self.engine = Engine(
            scorecards=self.scorecards,
            accounts=self.accounts,
            topic_order={topic: rank for rank, topic in enumerate(topics)},
            applied_ids=self.recent_ids.members,
            late_grace_s=settings.late_grace_s,
        )
        self.requests = RequestHandler(
            scorecards=self.scorecards,
            accounts=self.accounts,
            groups=self.groups,
            engine=self.engine,
            poll_s=settings.requests_poll_s,
        )
        # Accounts in buffered records that are not in memory yet (their goals and milestones
        # are read before the round applies them).
        self.arriving: dict[AccountKey, Record] = {}
        self.applied_total = 0
        self._next_prune = 0.0

    # -- taking partitions -----------------------------------------------------------------

    async def load(self, partitions: list[int]) -> bool:
        """Take over partitions: their accounts, schedules and offsets come from the database,
        except those released by the rebalance that gives them back unchanged (kept as they
        are). Whether anything was read from the database."""
        kept = await self._keep_released(partitions)
        partitions = [p for p in partitions if p not in kept]
        if not partitions:
            return False
        async with self.runtime.db.read_session() as session:
            await self.requests.refresh_scorecards(session, recompute=False)
            entries = await accounts.load_accounts(session, partitions=partitions)
            await self.requests.attach_plans(session, entries)
            states = await partition_states.load_partition_states(
                session, group_id=self.group_id, partitions=partitions
            )
            offsets = await OffsetStore(self.runtime.tables).load(session, group_id=self.group_id)
            remembered = await applied_ids.processed_ids(session, group_id=self.group_id)
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
                stored = offsets.get(TopicPartition(topic, partition))
                group.stored_offsets[topic] = stored
                group.next_offsets[topic] = stored or 0
                group.fetch_offsets[topic] = stored or 0
            self.groups[partition] = group
        return True

    def release(self, partitions: Iterable[int]) -> None:
        """Partitions revoked (their round written): no round touches them any more, but their
        accounts stay in memory in case the assignment that follows gives them back."""
        for partition in partitions:
            group = self.groups.pop(partition, None)
            if group is not None:
                self.released[partition] = group
                self.progress.released(TopicPartition(t, partition) for t in group.buffers)

    async def _keep_released(self, partitions: list[int]) -> set[int]:
        """Released partitions given back are kept when the database still holds what this
        replica last wrote (no other replica wrote them meanwhile) and nothing applied is
        unwritten; the others released are forgotten. The partitions kept."""
        kept = set()
        back = [p for p in partitions if p in self.released]
        if back:
            async with self.runtime.db.read_session() as session:
                states = await partition_states.load_partition_states(
                    session, group_id=self.group_id, partitions=back
                )
            for partition in back:
                group = self.released[partition]
                saved = states.get(partition)
                if (None if saved is None else saved.version) != group.version:
                    continue
                if group.pending_dues or any(
                    offset != (group.stored_offsets[topic] or 0)
                    for topic, offset in group.next_offsets.items()
                ):
                    continue
                del self.released[partition]
                # Sought back to the next offset to apply: what was buffered comes again.
                for topic, buffer in group.buffers.items():
                    buffer.clear()
                    group.fetch_offsets[topic] = group.next_offsets[topic]
                self.groups[partition] = group
                kept.add(partition)
        self._forget_released()
        return kept

    def _forget_released(self) -> None:
        for group in self.released.values():
            for key in group.accounts:
                self.accounts.pop(key, None)
        self.released.clear()

    def drop(self, partitions: Iterable[int]) -> None:
        for partition in partitions:
            group = self.groups.pop(partition, None)
            if group is not None:
                for key in group.accounts:
                    self.accounts.pop(key, None)
                self.progress.released(TopicPartition(t, partition) for t in group.buffers)
        self._forget_released()
        self.metrics.accounts.set(len(self.accounts))

    # -- a round ---------------------------------------------------------------------------

    async def round(self, caught_up: Callable[[], Awaitable[CaughtUp]]) -> RoundWrites | None:
        """Read what the round needs and apply and evaluate with no transaction open (SQLite
        has one writer: API reads must not wait for the CPU work); what to write, if anything.
        ``caught_up`` says, per (topic, partition), whether every record fetched is buffered."""
        writes = RoundWrites()
        # Reads only: it neither waits for nor holds the write lock (another replica's, on
        # SQLite, or this process's previous round, still being written).
        async with self.runtime.db.read_session() as session:
            await self.requests.before_round(session, writes)
            await self._prepare_arrivals(session)
        caught = await caught_up()
        limit = self.settings.max_round_records
        now = epoch(self.clock) - self.settings.idle_grace_s
        assessments = self.settings.max_round_assessments
        engine = self.engine
        for partition in sorted(self.groups):
            group = self.groups.get(partition)
            if group is None:
                continue
            done = {t for t in group.buffers if caught.get((t, partition), False)}
            budget = writes.evaluations + writes.closed_days + assessments
            left = limit
            while left > 0:
                left -= engine.merge(
                    group, done.__contains__, writes, left, budget=budget, defer_dues=True
                )
                if not group.pending_dues:
                    break
                # A slot's end or a tick: thousands of accounts, in steps that let the
                # consumer's heartbeat (and the API) run; the round goes on after them.
                await _stepping(engine.pending_steps(group, writes))
            idle = len(done) == len(group.buffers) and not any(group.buffers.values())
            if idle:
                await _stepping(engine.advance_steps(group, now, writes))
            # A partition's evaluations can take a while with many accounts: let the
            # consumer's heartbeat and the API run between partitions.
            await asyncio.sleep(0)
        if writes.empty and time.monotonic() < self._next_prune:
            return None
        return writes

    async def write(self, writes: RoundWrites) -> None:
        """The round in one transaction: state, history, events, processed ids and offsets."""
        async with self.runtime.db.session() as session:
            if time.monotonic() >= self._next_prune:
                self._next_prune = time.monotonic() + 60
                self.recent_ids.expire(time.time())
                await applied_ids.prune_processed(
                    session, group_id=self.group_id, keep_s=self.settings.processed_ids_keep_s
                )
            await write_round(
                session,
                self.runtime,
                group_id=self.group_id,
                writes=writes,
                accounts_in_memory=self.accounts,
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
        if writes.revised_days:
            self.metrics.revised_days.inc(writes.revised_days)
        for cause, count in writes.evaluation_causes.items():
            self.metrics.evaluations.labels(cause=cause).inc(count)
        for history in writes.history:
            change = history.get("change")
            if change is not None:
                self.metrics.published.labels(change=str(change)).inc()
        self.metrics.accounts.set(len(self.accounts))
        if writes.events or writes.dead:
            self.runtime.relay.wake()


async def _stepping(steps: Iterator[None]) -> None:
    """Run ``steps`` to the end, yielding to the event loop every ``STEPS_PER_YIELD``."""
    count = 0
    for _ in steps:
        count += 1
        if count >= STEPS_PER_YIELD:
            count = 0
            await asyncio.sleep(0)
