"""Transactional outbox: events are written in the transaction that decided them and relayed to
Kafka after commit, so a crash can neither publish an event whose cause rolled back nor lose one
whose cause committed. A relay crash after the send but before marking the row may publish it once
more; consumers drop repeats by event id."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Table, delete, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_contracts.codec import encode, encode_json
from banso_contracts.events import Event
from banso_kit.db import Database
from banso_kit.errors import PublishError
from banso_kit.kafka.producer import OutgoingMessage, Producer
from banso_kit.tables import KitTables
from banso_kit.upsert import upsert

logger = logging.getLogger(__name__)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Outbox:
    """Writes events into the service's outbox table inside the caller's transaction."""

    def __init__(self, tables: KitTables, *, source: str, topic_prefix: str = "") -> None:
        self.tables = tables
        self._table = tables.outbox
        self.source = source
        self.topic_prefix = topic_prefix

    async def add(
        self,
        session: AsyncSession,
        event: Event,
        *,
        event_id: str | None = None,
        time: dt.datetime | None = None,
    ) -> str:
        """Stage `event` for publication; returns its CloudEvents id."""
        row = self.row(event, event_id=event_id, time=time)
        await (await session.connection()).execute(insert(self._table).values(**row))
        return str(row["event_id"])

    async def add_raw(
        self,
        session: AsyncSession,
        *,
        event_id: str,
        topic: str,
        key: bytes | None,
        value: bytes,
        headers: Sequence[tuple[str, bytes]],
    ) -> bool:
        """Stage a message as it was (a dead letter replayed byte for byte) under `event_id`;
        False when a message with that id was staged before (nothing is staged twice)."""
        row = _row(event_id, topic, key, value, headers)
        return await upsert(session, self._table, [row], keys=["event_id"]) == 1

    def batch(self) -> OutboxBatch:
        """Many events staged with one statement (a unit of work that emits one per decision)."""
        return OutboxBatch(self, self._table)

    def row(
        self, event: Event, *, event_id: str | None = None, time: dt.datetime | None = None
    ) -> dict[str, Any]:
        """The outbox row of `event`, encoded now: a bad event fails in the caller's
        transaction, not in the relay."""
        encoded = encode(event, source=self.source, event_id=event_id, time=time)
        topic = encoded.topic.physical_name(self.topic_prefix)
        return _row(encoded.envelope.id, topic, encoded.key, encoded.value, encoded.headers)


class OutboxBatch:
    """Outbox rows collected as a unit of work decides, inserted together before it commits."""

    def __init__(self, outbox: Outbox, table: Table) -> None:
        self._outbox = outbox
        self._table = table
        self._rows: list[dict[str, Any]] = []

    def add(
        self, event: Event, *, event_id: str | None = None, time: dt.datetime | None = None
    ) -> str:
        """Encode `event` now; returns its CloudEvents id."""
        row = self._outbox.row(event, event_id=event_id, time=time)
        self._rows.append(row)
        return str(row["event_id"])

    def add_json(
        self,
        event_type: type[Event],
        value: bytes,
        *,
        workspace_id: str,
        subject: str,
        time: dt.datetime,
        event_id: str,
    ) -> str:
        """Stage an event its producer wrote as JSON itself (``codec.encode_json``: the same
        record ``add`` stages for the model); returns its id."""
        encoded = encode_json(
            event_type,
            value,
            workspace_id=workspace_id,
            subject=subject,
            time=time,
            source=self._outbox.source,
            event_id=event_id,
        )
        topic = encoded.topic.physical_name(self._outbox.topic_prefix)
        self._rows.append(_row(event_id, topic, encoded.key, encoded.value, encoded.headers))
        return event_id

    async def flush(self, session: AsyncSession) -> int:
        """Insert what was added (one statement) in the caller's transaction."""
        rows, self._rows = self._rows, []
        if rows:
            await (await session.connection()).execute(insert(self._table), rows)
        return len(rows)


def _row(
    event_id: str,
    topic: str,
    key: bytes | None,
    value: bytes,
    headers: Sequence[tuple[str, bytes]],
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "topic": topic,
        "key": key,
        "value": value,
        "headers": _encode_headers(headers),
        "created_at": _utcnow(),
        "attempts": 0,
    }


def _encode_headers(headers: Sequence[tuple[str, bytes]]) -> str:
    return orjson.dumps([[k, v.decode("utf-8", "surrogateescape")] for k, v in headers]).decode()


def _messages(rows: Sequence[Any]) -> list[OutgoingMessage]:
    return [
        OutgoingMessage(
            topic=row.topic, key=row.key, value=row.value, headers=_decode_headers(row.headers)
        )
        for row in rows
    ]


def _decode_headers(raw: str) -> tuple[tuple[str, bytes], ...]:
    pairs: list[list[Any]] = orjson.loads(raw)
    return tuple((str(k), str(v).encode("utf-8", "surrogateescape")) for k, v in pairs)


class OutboxRelay:
    """Publishes committed outbox rows in order and marks them published.

    Run it as a task from the lifespan; call `wake()` after a commit that added rows to publish at
    once instead of at the next poll.
    """

    def __init__(
        self,
        db: Database,
        tables: KitTables,
        producer: Producer,
        *,
        batch_size: int = 500,
        poll_interval_s: float = 0.5,
        keep_published_s: float = 86400.0,
    ) -> None:
        self._db = db
        self._table = tables.outbox
        self._producer = producer
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._keep_published_s = keep_published_s
        self._wakeup = asyncio.Event()
        self._stopping = False
        self.published_total = 0

    def wake(self) -> None:
        self._wakeup.set()

    def request_stop(self) -> None:
        self._stopping = True
        self._wakeup.set()

    async def run(self) -> None:
        backoff = self._poll_interval_s
        last_prune = 0.0
        loop = asyncio.get_running_loop()
        while not self._stopping:
            try:
                sent = await self.publish_pending()
                backoff = self._poll_interval_s
                if loop.time() - last_prune > 60:
                    await self.prune()
                    last_prune = loop.time()
            except PublishError as exc:
                logger.warning("outbox_publish_failed", extra={"error": str(exc)})
                sent = 0
                backoff = min(backoff * 2, 10.0)
            except Exception:  # e.g. a locked or unreachable database: retry
                logger.exception("outbox_relay_error")
                sent = 0
                backoff = min(backoff * 2, 10.0)
            if sent:
                continue
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), backoff)
            except TimeoutError:
                pass
        # Drain what committed before shutdown, best effort.
        try:
            while await self.publish_pending():
                pass
        except PublishError as exc:
            logger.warning("outbox_drain_failed", extra={"error": str(exc)})

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows; returns how many were published."""
        if self._db.is_sqlite:
            return await self._publish_pending_sqlite()
        async with self._db.session() as session:
            # Several replicas may relay at once; each row is taken by one of them. Row locks
            # held while Kafka acknowledges block no other writer.
            rows = await self._unpublished(session, lock=True)
            if not rows:
                return 0
            try:
                await self._producer.send_many(_messages(rows), timeout_s=30)
            except PublishError as exc:
                await self._mark_failed(session, rows, exc)
                await session.commit()
                raise
            await self._mark_published(session, rows)
        self.published_total += len(rows)
        return len(rows)

    async def _publish_pending_sqlite(self) -> int:
        # SQLite has one write lock for the whole file: never hold it while Kafka acknowledges,
        # or every other writer of the service waits behind the broker.
        async with self._db.session() as session:
            rows = await self._unpublished(session, lock=False)
        if not rows:
            return 0
        try:
            await self._producer.send_many(_messages(rows), timeout_s=30)
        except PublishError as exc:
            async with self._db.session() as session:
                await self._mark_failed(session, rows, exc)
            raise
        async with self._db.session() as session:
            await self._mark_published(session, rows)
        self.published_total += len(rows)
        return len(rows)

    async def _unpublished(self, session: AsyncSession, *, lock: bool) -> Sequence[Any]:
        query = (
            select(
                self._table.c.id,
                self._table.c.topic,
                self._table.c.key,
                self._table.c.value,
                self._table.c.headers,
            )
            .where(self._table.c.published_at.is_(None))
            .order_by(self._table.c.id)
            .limit(self._batch_size)
        )
        if lock:
            query = query.with_for_update(skip_locked=True)
        return (await (await session.connection()).execute(query)).all()

    async def _mark_failed(
        self, session: AsyncSession, rows: Sequence[Any], exc: PublishError
    ) -> None:
        await (await session.connection()).execute(
            update(self._table)
            .where(self._table.c.id.in_([row.id for row in rows]))
            .values(attempts=self._table.c.attempts + 1, last_error=str(exc)[:2000])
        )

    async def _mark_published(self, session: AsyncSession, rows: Sequence[Any]) -> None:
        await (await session.connection()).execute(
            update(self._table)
            .where(self._table.c.id.in_([row.id for row in rows]))
            .values(published_at=_utcnow())
        )

    async def prune(self) -> None:
        cutoff = _utcnow() - dt.timedelta(seconds=self._keep_published_s)
        async with self._db.session() as session:
            await (await session.connection()).execute(
                delete(self._table).where(
                    self._table.c.published_at.is_not(None), self._table.c.published_at < cutoff
                )
            )

    async def pending_count(self) -> int:
        async with self._db.session() as session:
            rows = await (await session.connection()).execute(
                select(self._table.c.id).where(self._table.c.published_at.is_(None))
            )
            return len(rows.all())
