"""One writer per process that runs the store operations of concurrent requests in one transaction.

Every tracking request touches the dedupe ledger twice (claim, confirm). A transaction per
operation would make the database's commit rate the ceiling of ingest. Instead, operations are
queued and this writer runs whatever is queued together, in order, in one transaction, then
answers each caller: hundreds of requests a second cost a few dozen commits. A failure fails every
operation of that transaction (the callers answer 503 and the client retries); nothing is
half-applied.

Operations are plain synchronous functions of an `execute(sql, params) -> rows` callable (whose
`count(sql, params)` runs a statement for the number of rows it changed instead), so each backend
can run a whole transaction its fastest way:

- SQLite: in one dedicated thread, with the standard `sqlite3` module, one hand-off per
  transaction. (Through the async driver every statement, fetch and commit is a separate hand-off
  to its thread, and each waits for the event loop, busy with requests, to yield the GIL: that made
  transactions ten times longer.) The writers of several worker processes take turns through an
  exclusive `flock` on a file beside the database, which wakes the waiter the moment the lock is
  free, instead of SQLite's own polling with growing sleeps (1, 2, 5, ... 100 ms).
- PostgreSQL (any other engine): through the service's async engine.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from banso_ingest.domain.ports import StoreUnavailable
from banso_kit.db import Database

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Execute(Protocol):
    """Runs statements with positional parameters inside the writer's transaction."""

    def __call__(self, sql: str, params: Sequence[Any], /) -> list[Any]:
        """Run one statement and return its rows."""
        ...

    def count(self, sql: str, params: Sequence[Any], /) -> int:
        """Run one statement that returns no rows and return how many rows it inserted, updated
        or deleted (-1 when the driver cannot tell)."""
        ...


Operation = Callable[[Execute], Any]
Observe = Callable[[str, float], None]


class Backend(Protocol):
    paramstyle: str

    async def transaction(self, operations: list[Operation]) -> list[Any]: ...

    async def checkpoint(self) -> None: ...

    async def close(self) -> None: ...


class GroupCommitWriter:
    def __init__(
        self,
        db: Database,
        *,
        max_operations: int = 500,
        observe: Observe = lambda stage, seconds: None,
    ) -> None:
        database = db.engine.url.database
        self._backend: Backend
        if db.is_sqlite and database and database != ":memory:":
            self._backend = SqliteFileBackend(database, observe=observe)
        else:
            self._backend = EngineBackend(db, observe=observe)
        self._max = max_operations
        self._queue: deque[tuple[Operation, asyncio.Future[Any]]] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._checkpoints: asyncio.Task[None] | None = None

    @property
    def paramstyle(self) -> str:
        return self._backend.paramstyle

    def start(self, *, checkpoint_interval_s: float = 1.0) -> None:
        self._task = asyncio.create_task(self._run(), name="ingest-store-writer")
        self._checkpoints = asyncio.create_task(
            self._checkpoint_every(checkpoint_interval_s), name="ingest-store-checkpoint"
        )

    async def _checkpoint_every(self, interval_s: float) -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self._backend.checkpoint()
            except (sqlite3.Error, OSError) as error:
                logger.warning("store_checkpoint_failed", extra={"error": str(error)[:500]})

    async def stop(self) -> None:
        for task in (self._task, self._checkpoints):
            if task is not None:
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    pass
        self._task = self._checkpoints = None
        while self._queue:
            _, future = self._queue.popleft()
            if not future.done():
                future.set_exception(StoreUnavailable("ingest is shutting down"))
        await self._backend.close()

    async def run(self, operation: Callable[[Execute], T]) -> T:
        """Run `operation` in the next transaction and return its result once committed."""
        if self._task is None:
            raise StoreUnavailable("the store writer is not running")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((operation, future))
        self._wake.set()
        return await future

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                batch: list[tuple[Operation, asyncio.Future[Any]]] = []
                while self._queue and len(batch) < self._max:
                    operation, future = self._queue.popleft()
                    if not future.done():  # the caller may have given up (client went away)
                        batch.append((operation, future))
                if batch:
                    await self._commit(batch)

    async def _commit(self, batch: list[tuple[Operation, asyncio.Future[Any]]]) -> None:
        try:
            results = await self._backend.transaction([operation for operation, _ in batch])
        except (SQLAlchemyError, sqlite3.Error, OSError) as error:
            logger.warning("store_transaction_failed", extra={"error": str(error)[:500]})
            failure = StoreUnavailable(f"the ingest database failed: {error}")
            for _, future in batch:
                if not future.done():
                    future.set_exception(failure)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)


class SqliteFileBackend:
    """Whole transactions in one thread of its own, over a plain `sqlite3` connection."""

    paramstyle = "qmark"

    def __init__(self, path: str, *, observe: Observe) -> None:
        self._path = path
        self._observe = observe
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-sqlite")
        self._conn: sqlite3.Connection | None = None
        self._turns: int | None = None

    async def transaction(self, operations: list[Operation]) -> list[Any]:
        loop = asyncio.get_running_loop()
        results, waited, ran = await loop.run_in_executor(self._thread, self._run, operations)
        self._observe("lock", waited)
        self._observe("transaction", ran)
        return results

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._thread, self._close)
        self._thread.shutdown(wait=False)

    async def checkpoint(self) -> None:
        """Copy committed WAL pages into the database file without blocking the writers."""
        await asyncio.to_thread(self._checkpoint)

    def _checkpoint(self) -> None:
        # A connection of its own: a PASSIVE checkpoint runs beside the writers, never waits.
        conn = sqlite3.connect(self._path, isolation_level=None)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()

    def _run(self, operations: list[Operation]) -> tuple[list[Any], float, float]:
        conn, turns = self._connect()
        started = time.perf_counter()
        fcntl.flock(turns, fcntl.LOCK_EX)
        locked = time.perf_counter()
        try:
            execute = _SqliteExecute(conn)
            conn.execute("BEGIN IMMEDIATE")
            try:
                results = [operation(execute) for operation in operations]
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            fcntl.flock(turns, fcntl.LOCK_UN)
        return results, locked - started, time.perf_counter() - locked

    def _connect(self) -> tuple[sqlite3.Connection, int]:
        if self._conn is None or self._turns is None:
            # Same settings as the kit's engine (WAL, NORMAL, busy_timeout): other writers of this
            # database (the kit's tables, the sources) still use it through the engine.
            turns = os.open(f"{self._path}.writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=30000")
            # Switching a file to WAL takes SQLite's exclusive lock; two workers switching it at
            # once deadlock and one fails without waiting. Take turns for it like for writes.
            fcntl.flock(turns, fcntl.LOCK_EX)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
            finally:
                fcntl.flock(turns, fcntl.LOCK_UN)
            conn.execute("PRAGMA synchronous=NORMAL")
            # The ledger writes hundreds of rows a second: checkpointing the WAL inside a commit
            # (SQLite's default, every 1000 pages) would stall every request of that
            # transaction. `checkpoint()` does it beside the writer instead.
            conn.execute("PRAGMA wal_autocheckpoint=0")
            self._turns = turns
            self._conn = conn
        return self._conn, self._turns

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._turns is not None:
            os.close(self._turns)
            self._turns = None


class EngineBackend:
    """Transactions through the service's async engine (PostgreSQL)."""

    def __init__(self, db: Database, *, observe: Observe) -> None:
        self._db = db
        self._observe = observe
        self.paramstyle = str(db.engine.dialect.paramstyle)

    async def transaction(self, operations: list[Operation]) -> list[Any]:
        started = time.perf_counter()
        async with self._db.engine.begin() as conn:
            results = await conn.run_sync(_run_all, operations)
        self._observe("transaction", time.perf_counter() - started)
        return results

    async def close(self) -> None:
        return None

    async def checkpoint(self) -> None:
        return None  # the server checkpoints by itself


class _SqliteExecute:
    """`Execute` over a plain `sqlite3` connection."""

    __slots__ = ("_conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __call__(self, sql: str, params: Sequence[Any], /) -> list[Any]:
        return self._conn.execute(sql, params).fetchall()

    def count(self, sql: str, params: Sequence[Any], /) -> int:
        return self._conn.execute(sql, params).rowcount


class _EngineExecute:
    """`Execute` over a SQLAlchemy connection (PostgreSQL's rowcount is its command tag's)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def __call__(self, sql: str, params: Sequence[Any], /) -> list[Any]:
        result = self._conn.exec_driver_sql(sql, tuple(params))
        return list(result) if result.returns_rows else []

    def count(self, sql: str, params: Sequence[Any], /) -> int:
        return int(self._conn.exec_driver_sql(sql, tuple(params)).rowcount)


def _run_all(conn: Connection, operations: list[Operation]) -> list[Any]:
    execute = _EngineExecute(conn)
    return [operation(execute) for operation in operations]


def placeholders(paramstyle: str, start: int, count: int) -> list[str]:
    """`count` numbered placeholders from `start` (1-based): `?3` for SQLite, `$3` for asyncpg.

    Numbered, so one value can appear many times in a statement (the source id in every row of a
    multi-row insert) and be sent once.
    """
    mark = _MARKS.get(paramstyle)
    if mark is None:
        raise ValueError(f"unsupported DB-API paramstyle {paramstyle!r}")
    return [f"{mark}{n}" for n in range(start, start + count)]


_MARKS = {"qmark": "?", "numeric_dollar": "$", "numeric": ":"}
