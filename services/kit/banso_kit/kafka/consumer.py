"""A consumer whose offsets live in the service's database, committed with the state they caused.

Each poll yields a batch; the batch is applied by the service's handler inside ONE database
transaction that also advances the stored offsets (and records processed event ids). On start, and
on every partition assignment, the consumer seeks to the stored offsets. A crash at any moment
therefore leaves the database either before or after the whole batch: nothing is applied twice and
nothing is skipped.

Decoding, poison isolation and dead letters are in `batch`, the fenced offset store in `offsets`,
repeated event ids in `repeats`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError

from banso_kit.db import Database
from banso_kit.kafka.batch import (
    TEMPORARY_ERRORS,
    Handler,
    Inbound,
    Raw,
    count,
    decode_all,
    handle_isolating,
    next_positions,
    write_dead_letters,
)
from banso_kit.kafka.dead_letters import DeadLetterWriter
from banso_kit.kafka.offsets import Fenced, OffsetStore
from banso_kit.kafka.progress import DEFAULT_STALL_AFTER_S, ConsumerProgress
from banso_kit.kafka.repeats import drop_repeats, forget_repeats, prune_repeats
from banso_kit.kafka.watch import LogWatch, ResumeFrom, resume_positions
from banso_kit.metrics import ConsumerMetrics
from banso_kit.tables import KitTables

__all__ = ["TEMPORARY_ERRORS", "Handler", "Inbound", "TransactionalConsumer"]

logger = logging.getLogger(__name__)


@dataclass
class _Positions:
    """Next offset per ASSIGNED partition as stored in the database (None: never stored).

    A partition is absent until its stored offset has been loaded after assignment; records of an
    absent partition are never applied (they are fetched again after the seek). `generation` grows
    with every reload, so a batch can tell that a rebalance ran while it was being applied.
    """

    stored: dict[TopicPartition, int | None] = field(default_factory=dict)
    generation: int = 0


class TransactionalConsumer:
    def __init__(
        self,
        *,
        db: Database,
        tables: KitTables,
        bootstrap_servers: str,
        group_id: str,
        topics: Sequence[str],
        handler: Handler,
        dead_letters: DeadLetterWriter,
        metrics: ConsumerMetrics | None = None,
        topic_labels: dict[str, str] | None = None,
        max_batch: int = 2000,
        dedupe: bool = True,
        keep_processed_ids_s: float = 7 * 86400,
        poll_timeout_ms: int = 200,
        on_commit: Callable[[], None] | None = None,
        client_id: str | None = None,
        client_options: dict[str, Any] | None = None,
        stall_after_s: float = DEFAULT_STALL_AFTER_S,
    ) -> None:
        self._db = db
        self._tables = tables
        self._bootstrap = bootstrap_servers
        self.group_id = group_id
        self._topics = list(topics)
        self._handler = handler
        self._dead_letters = dead_letters
        self._metrics = metrics
        self._labels = topic_labels or {}
        self._max_batch = max_batch
        self._dedupe = dedupe
        self._keep_processed_ids_s = keep_processed_ids_s
        self._poll_timeout_ms = poll_timeout_ms
        self._on_commit = on_commit
        self._client_id = client_id or group_id
        self._client_options = client_options or {}
        self._positions = _Positions()
        self._offsets = OffsetStore(tables)
        self.progress = ConsumerProgress(group_id, self._labels, stall_after_s)
        self._watch = LogWatch(self.progress, metrics)
        self._stopping = asyncio.Event()
        self._consumer: AIOKafkaConsumer | None = None
        self.ready = asyncio.Event()
        self.applied_total = 0

    def request_stop(self) -> None:
        """Finish the batch in flight, commit it, then leave the loop."""
        self._stopping.set()

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            group_id=self.group_id,
            client_id=self._client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=self._max_batch,
            isolation_level="read_committed",
            **self._client_options,
        )
        consumer.subscribe(self._topics, listener=_Rebalance(self, consumer))
        self._consumer = consumer
        await consumer.start()
        backoff = 0.2
        loop = asyncio.get_running_loop()
        last_prune = loop.time()
        try:
            while not self._stopping.is_set():
                batches = await consumer.getmany(
                    timeout_ms=self._poll_timeout_ms, max_records=self._max_batch
                )
                if batches:
                    raw = [
                        Raw(r.topic, r.partition, r.offset, r.key, r.value, tuple(r.headers or ()))
                        for records in batches.values()
                        for r in records
                    ]
                    try:
                        await self._apply_batch(raw)
                        backoff = 0.2
                    except Fenced:
                        logger.warning("consumer_fenced", extra={"group": self.group_id})
                        await self._reload_positions(consumer, list(batches))
                    except TEMPORARY_ERRORS as exc:
                        logger.warning(
                            "consumer_batch_retry",
                            extra={
                                "group": self.group_id,
                                "error": repr(exc),
                                "backoff_s": backoff,
                            },
                        )
                        await self._reload_positions(consumer, list(batches))
                        await asyncio.sleep(backoff)
                        backoff = min(backoff * 2, 10.0)
                await self._watch.refresh(consumer)
                if self._dedupe and loop.time() - last_prune > 600:
                    async with self._db.session() as session:
                        await prune_repeats(
                            session,
                            self._tables,
                            group_id=self.group_id,
                            keep_s=self._keep_processed_ids_s,
                        )
                    last_prune = loop.time()
        finally:
            self._consumer = None
            await consumer.stop()

    # -- assignment -------------------------------------------------------------------------

    async def _on_assigned(
        self, consumer: AIOKafkaConsumer, assigned: Sequence[TopicPartition]
    ) -> None:
        await self._reload_positions(consumer, list(assigned))
        self.ready.set()

    async def _reload_positions(
        self, consumer: AIOKafkaConsumer, partitions: Sequence[TopicPartition]
    ) -> None:
        async with self._db.session() as session:
            stored = await self._offsets.load(session, group_id=self.group_id)
        self._positions.generation += 1
        self.progress.taken({tp: stored.get(tp) for tp in partitions})
        # A stored offset beyond the log's end is never sought: the client would go back to the
        # log's start, and every record there would look like one applied already. The
        # partition is held (paused, its records never applied) until an operator says where
        # to resume; /readyz says why meanwhile.
        beyond = self.progress.beyond_log_end(await self._watch.log_ends(consumer, partitions))
        paused = consumer.paused()
        for tp in partitions:
            position = stored.get(tp)
            if tp in beyond:
                self._positions.stored.pop(tp, None)
                consumer.pause(tp)
                continue
            self._positions.stored[tp] = position
            # Never stored: start at 0 (`auto_offset_reset=earliest` moves past deleted records).
            # A plain seek, not `seek_to_beginning`, whose asynchronous reset can race a fetch
            # already under way and hand the same records out twice.
            consumer.seek(tp, 0 if position is None else position)
            if tp in paused:
                consumer.resume(tp)
        self._watch.report()

    async def resume_beyond_log_end(self, to: ResumeFrom) -> dict[TopicPartition, int]:
        """Store the log's start (or end) for every partition whose stored offset lies beyond
        the log end, and resume them."""
        consumer = self._consumer
        if consumer is None:
            return {}
        async with self._db.session() as session:
            moved = await resume_positions(
                session, self._offsets, consumer, self.progress, group_id=self.group_id, to=to
            )
        if moved:
            logger.warning(
                "consumer_positions_reset",
                extra={"group": self.group_id, "to": to, "partitions": len(moved)},
            )
            await self._reload_positions(consumer, list(consumer.assignment()))
        return moved

    # -- one batch, one transaction -----------------------------------------------------------

    async def _apply_batch(self, raw: list[Raw]) -> None:
        # The database is the truth. A record of a partition whose stored offset is not loaded yet,
        # or below that offset, was fetched before a seek (a rebalance runs beside this loop) and
        # must not be applied. The positions seen here are the ones the offset update expects, so
        # a reload that happens while the batch is applied fences the batch instead of doubling it.
        generation = self._positions.generation
        expected: dict[TopicPartition, int | None] = {}
        kept: list[Raw] = []
        for message in raw:
            tp = TopicPartition(message.topic, message.partition)
            if tp not in self._positions.stored:
                continue
            position = self._positions.stored[tp]
            if message.offset < (position or 0):
                continue
            expected[tp] = position
            kept.append(message)
        raw = kept
        if not raw:
            return
        decoded, poison = decode_all(raw)
        async with self._db.session() as session:
            fresh = decoded
            if self._dedupe:
                fresh = await drop_repeats(
                    session, self._tables, group_id=self.group_id, messages=decoded
                )
            failed = await handle_isolating(self._handler, session, fresh)
            if self._dedupe and failed:
                await forget_repeats(
                    session,
                    self._tables,
                    group_id=self.group_id,
                    event_ids=[inbound.envelope.id for inbound, _ in failed],
                )
            await write_dead_letters(session, self._dead_letters, raw, poison, failed)
            new_positions = next_positions(raw)
            await self._offsets.store(
                session, group_id=self.group_id, positions=new_positions, expected=expected
            )
        for tp, position in new_positions.items():
            if tp in self._positions.stored:  # still ours
                self._positions.stored[tp] = position
                self.progress.advanced(tp, position)
                if generation != self._positions.generation and self._consumer is not None:
                    # A reload sought back to what the database held before this commit.
                    self._consumer.seek(tp, position)
        self.applied_total += len(fresh) - len(failed)
        if self._on_commit is not None:
            self._on_commit()
        if self._metrics is not None:
            count(self._metrics, self._labels, raw, poison, failed, len(decoded) - len(fresh))

    def lag(self) -> int | None:
        """Messages not yet applied across assigned partitions, against the log end (None until
        the log ends are known)."""
        return self.progress.total_lag()


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, owner: TransactionalConsumer, consumer: AIOKafkaConsumer) -> None:
        self._owner = owner
        self._consumer = consumer

    async def on_partitions_revoked(self, revoked: Sequence[TopicPartition]) -> None:
        # Offsets live in the database and every batch is committed before the next poll,
        # so there is nothing to flush here.
        for tp in revoked:
            self._owner._positions.stored.pop(tp, None)
        self._owner.progress.released(revoked)

    async def on_partitions_assigned(self, assigned: Sequence[TopicPartition]) -> None:
        try:
            await self._owner._on_assigned(self._consumer, assigned)
        except KafkaError:
            logger.exception("consumer_assignment_failed")
            raise
