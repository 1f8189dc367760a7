"""Workspaces by their names: what the console shows in its header and page titles instead of
an id such as ``ws_f2053f93a1eb4b8aba0f``.

Ingest keeps the names (its admin API, with the operator's token). They change rarely, so they
are read a page at a time and kept for ``ttl_s``; a workspace not among them is looked for again
at most every ``missing_retry_s`` (one created since). A page waits at most ``wait_s`` for a
reading (a slow ingest finishes it in the background for the next pages); when ingest does not
answer, the names known stay and a page shows the ids of the others: a name is never worth a
page that fails or hangs."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from banso_kit.errors import BansoError

logger = logging.getLogger(__name__)


class NamesSource(Protocol):
    """Where the names come from: ingest's admin API (`IngestAdmin.workspace_names`)."""

    async def workspace_names(self, *, actor: str) -> dict[str, str]: ...


class WorkspaceNames:
    def __init__(
        self,
        ingest: NamesSource,
        *,
        ttl_s: float = 60.0,
        missing_retry_s: float = 10.0,
        wait_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ingest = ingest
        self._ttl_s = ttl_s
        self._missing_retry_s = missing_retry_s
        self._wait_s = wait_s
        self._clock = clock
        self._names: dict[str, str] = {}
        self._read_at: float | None = None
        self._reading: asyncio.Task[None] | None = None

    async def of(self, workspace_ids: Iterable[str], *, actor: str) -> Mapping[str, str]:
        """The names of `workspace_ids` that ingest knows (the others are left out)."""
        wanted = list(workspace_ids)
        if self._stale(wanted) and (self._reading is None or self._reading.done()):
            self._read_at = self._clock()
            self._reading = asyncio.create_task(self._read(actor))
        if self._reading is not None and not self._reading.done():
            await asyncio.wait({self._reading}, timeout=self._wait_s)
        return {
            workspace: self._names[workspace] for workspace in wanted if workspace in self._names
        }

    async def _read(self, actor: str) -> None:
        try:
            self._names = await self._ingest.workspace_names(actor=actor)
        except BansoError as exc:
            logger.warning("workspace names not read from ingest: %s", exc)

    def _stale(self, wanted: list[str]) -> bool:
        if self._read_at is None:
            return True
        age = self._clock() - self._read_at
        missing = any(workspace not in self._names for workspace in wanted)
        return age >= self._ttl_s or (missing and age >= self._missing_retry_s)
