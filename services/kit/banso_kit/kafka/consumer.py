"""A consumer whose offsets live in the service's database, committed with the state they caused.

Each poll yields a batch; the batch is applied by the service's handler inside ONE database
transaction that also advances the stored offsets (and records processed event ids). On start, and
on every partition assignment, the consumer seeks to the stored offsets. A crash at any moment
therefore leaves the database either before or after the whole batch: nothing is applied twice and
nothing is skipped.

A message that cannot be decoded, or whose handling fails for a reason that is not temporary, is
written to the dead-letter topic through the outbox in that same transaction, and the partition moves
on. Temporary failures (`Retryable`, database connection errors) roll the batch back and retry it
after a backoff.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_contracts.codec import decode
from banso_contracts.envelope import Envelope
from banso_contracts.errors import ContractError
from banso_contracts.events import Event
from banso_kit.db import Database
from banso_kit.errors import Retryable
from banso_kit.kafka.dead_letters import DeadLetterWriter
from banso_kit.kafka.progress import DEFAULT_STALL_AFTER_S, ConsumerProgress
from banso_kit.kafka.watch import LogWatch, ResumeFrom, resume_positions, store_positions
from banso_kit.metrics import ConsumerMetrics
from banso_kit.tables import KitTables

logger = logging.getLogger(__name__)

TEMPORARY_ERRORS: tuple[type[BaseException], ...] = (
    Retryable,
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
)


@dataclass(frozen=True)
class Inbound:
    """A decoded message with its origin."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    envelope: Envelope
    event: Event


Handler = Callable[[AsyncSession, Sequence[Inbound]], Awaitable[None]]


class _Fenced(Exception):
    """Another consumer advanced a partition we thought we owned; reload and retry."""


@dataclass
class _Raw:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]


@dataclass
class _Positions:
    """Next offset per ASSIGNED partition as stored in the database (None: never stored).

    A partition is absent until its stored offset has been loaded after assignment; records of an
    absent partition are never applied (they are fetched again after the seek). `generation` grows
    with every reload, so a batch can tell that a rebalance ran while it was being applied.
    """

    stored: dict[TopicPartition, int | None] = field(default_factory=dict)
    generation: int = 0


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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
                        _Raw(r.topic, r.partition, r.offset, r.key, r.value, tuple(r.headers or ()))
                        for records in batches.values()
                        for r in records
                    ]
                    try:
                        await self._apply_batch(raw)
                        backoff = 0.2
                    except _Fenced:
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
                        await self._rewind(consumer, batches)
                        await asyncio.sleep(backoff)
                        backoff = min(backoff * 2, 10.0)
                await self._watch.refresh(consumer)
                if self._dedupe and loop.time() - last_prune > 600:
                    await self._prune_processed()
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
        offsets = self._tables.offsets
        async with self._db.session() as session:
            rows = (
                await (await session.connection()).execute(
                    select(offsets.c.topic, offsets.c.partition, offsets.c.next_offset).where(
                        offsets.c.group_id == self.group_id
                    )
                )
            ).all()
        stored = {TopicPartition(r.topic, r.partition): int(r.next_offset) for r in rows}
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
        moves = await resume_positions(consumer, self.progress, to)
        if moves:
            async with self._db.session() as session:
                await store_positions(session, self._tables, group_id=self.group_id, moves=moves)
            logger.warning(
                "consumer_positions_reset",
                extra={"group": self.group_id, "to": to, "partitions": len(moves)},
            )
            await self._reload_positions(consumer, list(consumer.assignment()))
        return {tp: after for tp, (_, after) in moves.items()}

    async def _rewind(
        self, consumer: AIOKafkaConsumer, batches: dict[TopicPartition, list[object]]
    ) -> None:
        await self._reload_positions(consumer, list(batches))

    # -- one batch, one transaction -----------------------------------------------------------

    async def _apply_batch(self, raw: list[_Raw]) -> None:
        # The database is the truth. A record of a partition whose stored offset is not loaded yet,
        # or below that offset, was fetched before a seek (a rebalance runs beside this loop) and
        # must not be applied. The positions seen here are the ones the offset update expects, so
        # a reload that happens while the batch is applied fences the batch instead of doubling it.
        generation = self._positions.generation
        expected: dict[TopicPartition, int | None] = {}
        kept: list[_Raw] = []
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
        decoded: list[Inbound] = []
        poison: list[tuple[_Raw, BaseException]] = []
        for message in raw:
            try:
                envelope, event = decode(message.headers, message.value or b"")
            except ContractError as exc:
                poison.append((message, exc))
                continue
            decoded.append(
                Inbound(
                    message.topic,
                    message.partition,
                    message.offset,
                    message.key,
                    message.headers,
                    envelope,
                    event,
                )
            )
        async with self._db.session() as session:
            fresh = await self._drop_repeats(session, decoded) if self._dedupe else decoded
            failed = await self._handle(session, fresh)
            for message, error in poison:
                await self._dead_letters.write(
                    session,
                    topic=message.topic,
                    partition=message.partition,
                    offset=message.offset,
                    key=message.key,
                    headers=message.headers,
                    value=message.value or b"",
                    error=error,
                )
            for inbound, failure in failed:
                await self._dead_letters.write(
                    session,
                    topic=inbound.topic,
                    partition=inbound.partition,
                    offset=inbound.offset,
                    key=inbound.key,
                    headers=inbound.headers,
                    value=_value_of(raw, inbound),
                    error=failure,
                )
            new_positions = await self._store_offsets(session, raw, expected)
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
            self._count(raw, poison, failed, len(decoded) - len(fresh))

    async def _handle(
        self, session: AsyncSession, messages: list[Inbound]
    ) -> list[tuple[Inbound, BaseException]]:
        """Apply the whole batch; if it fails, apply message by message to isolate the poison."""
        if not messages:
            return []
        try:
            async with session.begin_nested():
                await self._handler(session, messages)
            return []
        except TEMPORARY_ERRORS:
            raise
        except Exception as batch_error:  # noqa: BLE001 - any failure is isolated below
            logger.info("consumer_batch_isolating", extra={"error": repr(batch_error)})
        failed: list[tuple[Inbound, BaseException]] = []
        for message in messages:
            try:
                async with session.begin_nested():
                    await self._handler(session, [message])
            except TEMPORARY_ERRORS:
                raise
            except Exception as exc:  # noqa: BLE001 - poison goes to the dead-letter topic
                logger.warning(
                    "message_dead_lettered",
                    extra={
                        "topic": message.topic,
                        "partition": message.partition,
                        "offset": message.offset,
                        "error": repr(exc),
                    },
                )
                failed.append((message, exc))
        return failed

    async def _drop_repeats(self, session: AsyncSession, messages: list[Inbound]) -> list[Inbound]:
        if not messages:
            return []
        processed = self._tables.processed
        ids = list({m.envelope.id for m in messages})
        seen: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = await (await session.connection()).execute(
                select(processed.c.event_id).where(
                    processed.c.group_id == self.group_id, processed.c.event_id.in_(chunk)
                )
            )
            seen.update(r.event_id for r in rows)
        fresh: list[Inbound] = []
        now = _utcnow()
        new_rows = []
        for message in messages:
            if message.envelope.id in seen:
                continue
            seen.add(message.envelope.id)
            fresh.append(message)
            new_rows.append(
                {"group_id": self.group_id, "event_id": message.envelope.id, "processed_at": now}
            )
        if new_rows:
            await (await session.connection()).execute(insert(processed), new_rows)
        return fresh

    async def _store_offsets(
        self,
        session: AsyncSession,
        raw: list[_Raw],
        expected_positions: dict[TopicPartition, int | None],
    ) -> dict[TopicPartition, int]:
        offsets = self._tables.offsets
        highest: dict[TopicPartition, int] = {}
        for message in raw:
            tp = TopicPartition(message.topic, message.partition)
            highest[tp] = max(highest.get(tp, -1), message.offset)
        now = _utcnow()
        new_positions = {tp: last + 1 for tp, last in highest.items()}
        for tp, next_offset in new_positions.items():
            expected = expected_positions[tp]
            if expected is None:
                try:
                    async with session.begin_nested():
                        await (await session.connection()).execute(
                            insert(offsets).values(
                                group_id=self.group_id,
                                topic=tp.topic,
                                partition=tp.partition,
                                next_offset=next_offset,
                                updated_at=now,
                            )
                        )
                except IntegrityError as exc:
                    raise _Fenced() from exc
                continue
            result = await (await session.connection()).execute(
                update(offsets)
                .where(
                    offsets.c.group_id == self.group_id,
                    offsets.c.topic == tp.topic,
                    offsets.c.partition == tp.partition,
                    offsets.c.next_offset == expected,
                )
                .values(next_offset=next_offset, updated_at=now)
            )
            if result.rowcount != 1:
                raise _Fenced()
        return new_positions

    async def _prune_processed(self) -> None:
        processed = self._tables.processed
        cutoff = _utcnow() - dt.timedelta(seconds=self._keep_processed_ids_s)
        async with self._db.session() as session:
            await (await session.connection()).execute(
                delete(processed).where(
                    processed.c.group_id == self.group_id, processed.c.processed_at < cutoff
                )
            )

    # -- metrics ------------------------------------------------------------------------------

    def _label(self, topic: str) -> str:
        return self._labels.get(topic, topic)

    def _count(
        self,
        raw: list[_Raw],
        poison: list[tuple[_Raw, BaseException]],
        failed: list[tuple[Inbound, BaseException]],
        repeats: int,
    ) -> None:
        assert self._metrics is not None
        per_topic: dict[str, int] = {}
        for message in raw:
            per_topic[message.topic] = per_topic.get(message.topic, 0) + 1
        bad: dict[str, int] = {}
        for message, _ in poison:
            bad[message.topic] = bad.get(message.topic, 0) + 1
        for inbound, _ in failed:
            bad[inbound.topic] = bad.get(inbound.topic, 0) + 1
        for topic, count in per_topic.items():
            label = self._label(topic)
            dead = bad.get(topic, 0)
            self._metrics.processed.labels(topic=label, result="applied").inc(count - dead)
            if dead:
                self._metrics.processed.labels(topic=label, result="dead_lettered").inc(dead)
                self._metrics.dead_lettered.labels(topic=label).inc(dead)
        if repeats:
            self._metrics.duplicates.inc(repeats)

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


def _value_of(raw: list[_Raw], inbound: Inbound) -> bytes:
    for message in raw:
        if (message.topic, message.partition, message.offset) == (
            inbound.topic,
            inbound.partition,
            inbound.offset,
        ):
            return message.value or b""
    return b""
