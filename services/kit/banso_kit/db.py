"""Async database access for a service: engine from a URL, one session per unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.sqlite_turns import READ_ONLY, WriterTurns

#: how long a SQLite writer waits for another process's transaction before failing
SQLITE_BUSY_TIMEOUT_S = 30.0


def async_url(url: str) -> str:
    """Accept the URLs users write (`sqlite:///x.db`, `postgresql://...`) and pick the async driver."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+asyncpg")
    else:
        raise ValueError(
            f"unsupported database URL scheme {parsed.drivername!r}: use sqlite or postgresql"
        )
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    # Let SQLAlchemy, not the driver, begin transactions, so SAVEPOINTs work (SQLAlchemy docs,
    # "pysqlite/aiosqlite serializable isolation").
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers (the API) run beside the consumer's writer; busy_timeout waits for the
    # other writer instead of failing at once; NORMAL is durable in WAL mode across a process kill.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(url: str, *, turns: WriterTurns | None = None, **kwargs: Any) -> AsyncEngine:
    """Build the service's engine. SQLite files get their directory created and safe pragmas."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(async_url(url), **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        # BEGIN IMMEDIATE takes the write lock up front (two writers then queue instead of one
        # failing with SQLITE_BUSY when a read transaction upgrades to a write); the process's
        # own connections take turns for it in arrival order (see sqlite_turns).
        (turns or WriterTurns(timeout_s=SQLITE_BUSY_TIMEOUT_S)).install(engine.sync_engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    return create_async_engine(async_url(url), **kwargs)


class Database:
    """The engine plus a session factory. `session()` commits on success and rolls back on error."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        # SQLite only: the queue this process's write transactions wait in.
        self.writer_turns = WriterTurns(timeout_s=SQLITE_BUSY_TIMEOUT_S) if is_sqlite(url) else None
        self.engine = create_engine(url, turns=self.writer_turns, **engine_kwargs)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )
        self._read_sessions = async_sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}),
            class_=AsyncSession,
            expire_on_commit=False,
        )

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """A session for reading only: on SQLite it does not take the write lock (so it never
        waits for the consumer's transaction), and whatever it did is rolled back at the end."""
        async with self._read_sessions() as session:
            try:
                yield session
            finally:
                await session.rollback()

    def new_session(self) -> AsyncSession:
        """A bare session whose transaction the caller owns."""
        return self._sessions()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
