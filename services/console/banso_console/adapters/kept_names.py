"""Names kept for what a page would otherwise show by id: workspaces in the header and titles
(``ws_f2053f93a1eb4b8aba0f``), sources in the live event debugger (``src_…``).

Another service keeps the names (ingest, through its admin API). They change rarely, so each
scope's names (every workspace's: one scope; a workspace's sources: one scope per workspace) are
read together and kept for ``ttl_s``; an id not among them is looked for again at most every
``missing_retry_s`` (one created since). A page waits at most ``wait_s`` for a reading (a slow
service finishes it in the background for the next pages); when the service does not answer, the
names known stay and a page shows the ids of the others: a name is never worth a page that fails
or hangs."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass

from banso_kit.errors import BansoError

logger = logging.getLogger(__name__)

#: reads one scope's names (by id) on behalf of a console user (the actor ingest records)
ReadNames = Callable[[str, str], Awaitable[Mapping[str, str]]]


@dataclass
class _Scope:
    names: Mapping[str, str]
    read_at: float | None = None
    reading: asyncio.Task[None] | None = None


class KeptNames:
    def __init__(
        self,
        read: ReadNames,
        *,
        what: str,
        ttl_s: float = 60.0,
        missing_retry_s: float = 10.0,
        wait_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read_names = read
        self._what = what
        self._ttl_s = ttl_s
        self._missing_retry_s = missing_retry_s
        self._wait_s = wait_s
        self._clock = clock
        self._scopes: dict[str, _Scope] = {}

    async def of(self, ids: Iterable[str], *, actor: str, scope: str = "") -> Mapping[str, str]:
        """The names of `ids` in `scope` that the service knows (the others are left out)."""
        wanted = list(ids)
        if not wanted:
            return {}
        kept = self._scopes.setdefault(scope, _Scope({}))
        if self._stale(kept, wanted) and (kept.reading is None or kept.reading.done()):
            kept.read_at = self._clock()
            kept.reading = asyncio.create_task(self._read(kept, scope, actor))
        if kept.reading is not None and not kept.reading.done():
            await asyncio.wait({kept.reading}, timeout=self._wait_s)
        return {key: kept.names[key] for key in wanted if key in kept.names}

    def remember(self, names: Mapping[str, str], *, scope: str = "") -> None:
        """Names a page has just read anyway (a scope's whole list): kept as a fresh reading."""
        kept = self._scopes.setdefault(scope, _Scope({}))
        kept.names = dict(names)
        kept.read_at = self._clock()

    async def _read(self, kept: _Scope, scope: str, actor: str) -> None:
        try:
            kept.names = await self._read_names(scope, actor)
        except BansoError as exc:
            logger.warning("%s names not read: %s", self._what, exc)

    def _stale(self, kept: _Scope, wanted: list[str]) -> bool:
        if kept.read_at is None:
            return True
        age = self._clock() - kept.read_at
        missing = any(key not in kept.names for key in wanted)
        return age >= self._ttl_s or (missing and age >= self._missing_retry_s)
