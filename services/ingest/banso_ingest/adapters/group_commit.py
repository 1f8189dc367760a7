"""One writer per process that runs the store operations of concurrent requests in one transaction.

Every tracking request touches the dedupe ledger twice (claim, confirm). A transaction per
operation would make the database's commit rate the ceiling of ingest, and on SQLite concurrent
writers of one process would queue on its file lock with sleep-and-retry. Instead, operations are
queued and this writer runs whatever is queued together, in order, in one transaction, then
answers each caller: hundreds of requests a second cost a few dozen commits.

A failure fails every operation of that transaction (the callers answer 503 and the client
retries); nothing is half-applied.

With SQLite and several worker processes, the writers of the processes also take turns through an
exclusive lock on a file beside the database. SQLite itself would make the loser poll with
growing sleeps (1, 2, 5, ... 100 ms) for the database lock, which at a few hundred transactions a
second turns into idle workers and long tail latency; a blocked `flock` wakes the moment the other
process is done.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from banso_ingest.domain.ports import StoreUnavailable
from banso_kit.db import Database

logger = logging.getLogger(__name__)

T = TypeVar("T")
Operation = Callable[[AsyncConnection], Awaitable[Any]]


class GroupCommitWriter:
    def __init__(self, db: Database, *, max_operations: int = 500) -> None:
        self._db = db
        self._max = max_operations
        self._turns: TurnLock | None = None
        database = db.engine.url.database
        if db.is_sqlite and database and database != ":memory:":
            self._turns = TurnLock(f"{database}.writer.lock")
        self._queue: deque[tuple[Operation, asyncio.Future[Any]]] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="ingest-store-writer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        while self._queue:
            _, future = self._queue.popleft()
            if not future.done():
                future.set_exception(StoreUnavailable("ingest is shutting down"))
        if self._turns is not None:
            self._turns.close()

    @property
    def paramstyle(self) -> str:
        return str(self._db.engine.dialect.paramstyle)

    async def run(self, operation: Callable[[AsyncConnection], Awaitable[T]]) -> T:
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
        results: list[Any] = []
        try:
            if self._turns is not None:
                await self._turns.acquire()
            try:
                async with self._db.engine.begin() as conn:
                    for operation, _ in batch:
                        results.append(await operation(conn))
            finally:
                if self._turns is not None:
                    self._turns.release()
        except (SQLAlchemyError, OSError) as error:
            logger.warning("store_transaction_failed", extra={"error": str(error)[:500]})
            failure = StoreUnavailable(f"the ingest database failed: {error}")
            for _, future in batch:
                if not future.done():
                    future.set_exception(failure)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)


class TurnLock:
    """An exclusive `flock` shared by the processes writing one SQLite file."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._fd: int | None = None

    async def acquire(self) -> None:
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        fd = self._fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # Held by the other worker: wait in a thread, so this worker's loop keeps serving.
            await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


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
