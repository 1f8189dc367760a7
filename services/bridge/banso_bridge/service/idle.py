"""Consolidate a workspace once more when its feedback pauses.

The stream consolidates every few hundred items; a workspace that receives a few items a day would
otherwise wait long for its merges and splits. After `idle_consolidation_s` without new items,
its themes get one pass (and a representation refit if one is due).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from banso_bridge.adapters import transactions
from banso_bridge.adapters.engines import EngineRegistry
from banso_bridge.service.themes import ThemeBook
from banso_kit.clock import Clock, epoch
from banso_kit.db import Database

logger = logging.getLogger(__name__)


class IdleConsolidator:
    def __init__(
        self,
        *,
        db: Database,
        book: ThemeBook,
        registry: EngineRegistry,
        idle_s: float,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.db = db
        self.book = book
        self.registry = registry
        self.idle_s = idle_s
        self.clock = clock
        self.on_commit = on_commit
        self._stop = asyncio.Event()

    def request_stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        interval = min(60.0, self.idle_s / 2)
        while not self._stop.is_set():
            try:
                await self.run_once()
            except Exception:  # retried at the next interval
                logger.exception("idle_consolidation_failed")
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=interval)
            except TimeoutError:
                pass

    async def run_once(self) -> int:
        done = 0
        now = epoch(self.clock)
        for engine in self.registry.cached():
            if (
                engine.last_item_at <= engine.consolidated_at
                or now - engine.last_item_at < self.idle_s
            ):
                continue
            try:
                async with self.db.session() as session:
                    # Database first, clusterer second: the order the consumer and the API take
                    # them in (their transaction is open before they lock a clusterer), so the
                    # two can never wait for each other.
                    await transactions.begin(session)
                    async with engine.lock:
                        touched = await self.book.consolidate(session, engine)
                        await self.book.refresh(session, engine, touched)
                        await self.book.save_state(session, engine)
            except BaseException:
                self.registry.drop(engine.workspace_id)
                raise
            self.on_commit()
            done += 1
        return done
