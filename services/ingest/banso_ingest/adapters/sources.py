"""Write key -> (workspace, source), cached for at most a second: every tracking request needs it.

Only the key's hash is looked up and cached. Every worker of every replica reads the shared
database again once its entry is older than `INGEST_WRITE_KEY_CACHE_S` (at most 1 s), so a revoked
or rotated-out key is refused everywhere within that time, at the cost of one indexed read per key
per worker and interval (not per event). Unknown keys are cached too, so a client hammering with a
wrong key costs no database query per request. The source's last-seen time is written at most once
a minute per worker. Requests that find the entry stale while it is being read again wait for that
one read instead of each making their own (a busy worker has dozens in flight when it expires).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from banso_ingest.adapters.source_store import mark_seen, source_for_write_key
from banso_ingest.domain.credentials import as_utc
from banso_ingest.domain.ports import SourceRef, StoreUnavailable
from banso_kit.auth import hash_write_key
from banso_kit.db import Database

logger = logging.getLogger(__name__)

_MAX_ENTRIES = 10_000
SEEN_PRECISION = dt.timedelta(minutes=1)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SourceDirectory:
    def __init__(
        self,
        db: Database,
        *,
        ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self._db = db
        self._ttl_s = ttl_s
        self._clock = clock
        self._now = now
        self._cache: dict[str, tuple[float, SourceRef | None]] = {}
        self._seen: dict[str, dt.datetime] = {}
        self._reading: dict[str, asyncio.Future[SourceRef | None]] = {}

    async def resolve(self, write_key: str) -> SourceRef | None:
        digest = hash_write_key(write_key)
        tick = self._clock()
        cached = self._cache.get(digest)
        if cached is not None and cached[0] > tick:
            return cached[1]
        reading = self._reading.get(digest)
        if reading is None:
            reading = self._reading[digest] = asyncio.ensure_future(self._read(digest, tick))
            reading.add_done_callback(lambda _: self._reading.pop(digest, None))
        # Shielded: one request giving up must not cancel the read the others wait for.
        return await asyncio.shield(reading)

    async def _read(self, digest: str, tick: float) -> SourceRef | None:
        now = self._now()
        try:
            async with self._db.read_session() as session:
                source = await source_for_write_key(session, key_hash=digest, now=now)
                found = None if source is None else SourceRef(source.workspace_id, source.id)
                last_seen = None if source is None else source.last_seen_at
        except SQLAlchemyError as error:
            raise StoreUnavailable(f"sources: {error}") from error
        if len(self._cache) >= _MAX_ENTRIES:
            self._cache.clear()
        self._cache[digest] = (tick + self._ttl_s, found)
        if found is not None:
            await self._note_seen(found.source_id, last_seen, now)
        return found

    async def _note_seen(
        self, source_id: str, stored: dt.datetime | None, now: dt.datetime
    ) -> None:
        noted = self._seen.get(source_id)
        if noted is not None and now - noted < SEEN_PRECISION:
            return
        if stored is not None and now - as_utc(stored) < SEEN_PRECISION:
            self._seen[source_id] = now
            return
        self._seen[source_id] = now
        try:
            async with self._db.session() as session:
                await mark_seen(
                    session, source_id=source_id, now=now, older_than=now - SEEN_PRECISION
                )
        except SQLAlchemyError:
            # Last-seen is informative: a busy database must not fail the request for it.
            logger.warning("source_last_seen_not_written", extra={"source_id": source_id})
