"""SQLite writers of one process take turns, in arrival order.

Every kit transaction on SQLite begins with ``BEGIN IMMEDIATE``, which takes the database's one
write lock up front. When several connections of one process want it at once, SQLite's busy
handler makes the losers sleep and retry — 1, 2, 5, … and then 100 ms at a time, in no order —
so under a steady load a transaction that needs the lock for a few milliseconds could wait for
seconds (measured in notify's benchmark: waits of up to 2.4 s, p50 of trigger → e-mail above
one second at 50 events/s). Here a process's connections first queue on an :class:`asyncio.Lock`
(first come, first served) and only the head of the queue asks SQLite for its lock. Other
processes sharing the file are still kept out by SQLite itself (``busy_timeout``).

Read-only sessions (``Database.read_session``) begin a plain deferred transaction instead: in WAL
mode a reader neither waits for the writer nor holds it up.

The turn is taken in SQLAlchemy's ``begin`` event — inside its greenlet, where it may await —
and given back on commit or rollback, or when the connection goes back to the pool or is
invalidated without either. The queue is an optimisation, not what keeps data safe (SQLite's
lock is): a turn not given back within ``timeout_s`` is abandoned with an error in the log
instead of stopping the process.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.util.concurrency import await_only, in_greenlet

logger = logging.getLogger(__name__)

_TURN = "banso_sqlite_turn"
#: execution option of read-only sessions: a plain (deferred) BEGIN, no turn, no write lock
READ_ONLY = "banso_read_only"


class WriterTurns:
    """A first-come, first-served queue for one engine's write transactions."""

    def __init__(self, timeout_s: float) -> None:
        self._timeout_s = timeout_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock: asyncio.Lock | None = None
        self._waiting = 0

    @property
    def waiting(self) -> int:
        """Write transactions of this process waiting for their turn now."""
        return self._waiting

    def _current_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._loop is not loop:
            self._loop, self._lock = loop, asyncio.Lock()
        return self._lock

    def take(self, info: dict[Any, Any]) -> None:
        """Wait for this connection's turn (no-op outside an async engine's greenlet)."""
        if not in_greenlet():
            return
        lock = self._current_lock()
        if not lock.locked():
            await_only(lock.acquire())  # free: returns without waiting
        else:
            self._waiting += 1
            try:
                await_only(asyncio.wait_for(lock.acquire(), self._timeout_s))
            except TimeoutError:
                # Someone kept the turn far longer than any transaction should: go on without
                # the queue (SQLite's own lock still orders the writes) and start a fresh one.
                logger.error("sqlite_turn_abandoned", extra={"timeout_s": self._timeout_s})
                self._lock = asyncio.Lock()
                return
            finally:
                self._waiting -= 1
        info[_TURN] = lock

    @staticmethod
    def give_back(info: dict[Any, Any]) -> None:
        lock = info.pop(_TURN, None)
        if lock is not None and lock.locked():
            lock.release()

    def install(self, engine: Engine) -> None:
        """Take a turn before ``BEGIN IMMEDIATE``; give it back however the transaction ends."""

        def begin(conn: Any) -> None:
            if conn.get_execution_options().get(READ_ONLY):
                conn.exec_driver_sql("BEGIN")  # WAL: a reader neither waits nor blocks
                return
            self.take(conn.info)
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                self.give_back(conn.info)
                raise

        def end(conn: Any) -> None:
            self.give_back(conn.info)

        def returned(_dbapi_connection: Any, record: Any, *_: Any) -> None:
            if record is not None:
                self.give_back(record.info)

        event.listen(engine, "begin", begin)
        event.listen(engine, "commit", end)
        event.listen(engine, "rollback", end)
        event.listen(engine.pool, "checkin", returned)
        event.listen(engine.pool, "invalidate", returned)
        event.listen(engine.pool, "soft_invalidate", returned)
