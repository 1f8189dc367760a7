"""Write key -> (workspace, source), cached: every tracking request needs it, few keys exist.

Only the key's hash is looked up and cached. A revoked or new key takes effect within the cache
time (`INGEST_WRITE_KEY_CACHE_S`); unknown keys are cached too, so a client hammering with a wrong
key costs no database query per request.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from banso_ingest.adapters.workspaces import source_for_write_key
from banso_ingest.domain.ports import SourceRef, StoreUnavailable
from banso_kit.auth import hash_write_key
from banso_kit.db import Database

_MAX_ENTRIES = 10_000


class SourceDirectory:
    def __init__(
        self,
        db: Database,
        *,
        ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._ttl_s = ttl_s
        self._clock = clock
        self._cache: dict[str, tuple[float, SourceRef | None]] = {}

    async def resolve(self, write_key: str) -> SourceRef | None:
        digest = hash_write_key(write_key)
        now = self._clock()
        cached = self._cache.get(digest)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            async with self._db.session() as session:
                source = await source_for_write_key(session, write_key=write_key)
        except SQLAlchemyError as error:
            raise StoreUnavailable(f"sources: {error}") from error
        found = None if source is None else SourceRef(source.workspace_id, source.id)
        if len(self._cache) >= _MAX_ENTRIES:
            self._cache.clear()
        self._cache[digest] = (now + self._ttl_s, found)
        return found
