"""SQLite writers of one process take turns in arrival order, and a turn is never kept."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import text

from banso_kit.db import Database
from banso_kit.sqlite_turns import WriterTurns


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'turns.db'}")
    async with database.session() as session:
        await session.exec(text("CREATE TABLE entries (name TEXT NOT NULL)"))  # type: ignore[call-overload]
    yield database
    await database.dispose()


async def _write(
    db: Database,
    name: str,
    entered: list[str],
    hold_s: float = 0.0,
    until: asyncio.Event | None = None,
) -> None:
    async with db.session() as session:
        await session.exec(text("INSERT INTO entries VALUES (:n)").bindparams(n=name))  # type: ignore[call-overload]
        entered.append(name)
        await asyncio.sleep(hold_s)
        if until is not None:
            await until.wait()


def _waiting(turns: WriterTurns, count: int) -> bool:
    return turns.waiting == count


async def _eventually(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    for _ in range(int(timeout_s / 0.005)):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the condition did not hold in time")


async def test_waiting_writers_get_the_lock_in_the_order_they_asked(db: Database) -> None:
    entered: list[str] = []
    release = asyncio.Event()
    holder = asyncio.create_task(_write(db, "first", entered, until=release))
    await _eventually(lambda: entered == ["first"])
    turns = db.writer_turns
    assert turns is not None
    waiting = []
    for n in range(8):
        waiting.append(asyncio.create_task(_write(db, f"w{n}", entered)))
        await _eventually(partial(_waiting, turns, n + 1))  # queued before the next one asks
    release.set()
    await asyncio.gather(holder, *waiting)
    assert turns.waiting == 0

    assert entered == ["first"] + [f"w{n}" for n in range(8)]


async def test_a_failed_or_cancelled_transaction_gives_its_turn_back(db: Database) -> None:
    entered: list[str] = []

    async def failing() -> None:
        async with db.session() as session:
            await session.exec(text("INSERT INTO entries VALUES ('lost')"))  # type: ignore[call-overload]
            raise RuntimeError("the work failed")

    with pytest.raises(RuntimeError):
        await failing()
    stuck = asyncio.create_task(_write(db, "cancelled", entered, hold_s=30))
    await asyncio.sleep(0.1)
    stuck.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stuck

    await asyncio.wait_for(_write(db, "next", entered), timeout=5)

    async with db.session() as session:
        rows = (await session.exec(text("SELECT name FROM entries"))).all()  # type: ignore[call-overload]
    assert [row[0] for row in rows] == ["next"]  # the failed and the cancelled rolled back


async def test_a_reader_does_not_wait_for_the_writer_and_keeps_nothing(db: Database) -> None:
    entered: list[str] = []
    await _write(db, "committed", entered)
    writer = asyncio.create_task(_write(db, "uncommitted", entered, hold_s=2.0))
    await asyncio.sleep(0.1)  # the writer holds the write lock now

    async def read() -> list[str]:
        async with db.read_session() as session:
            rows = (await session.exec(text("SELECT name FROM entries"))).all()  # type: ignore[call-overload]
            await session.exec(text("INSERT INTO entries VALUES ('sneaked')"))  # type: ignore[call-overload]
        return [row[0] for row in rows]

    with pytest.raises(Exception, match="locked"):
        # a reader that tries to write meets the writer's lock instead of queueing behind it
        await asyncio.wait_for(read(), timeout=1.0)
    async with db.read_session() as session:
        seen = (await session.exec(text("SELECT name FROM entries"))).all()  # type: ignore[call-overload]
    assert [row[0] for row in seen] == ["committed"]  # at once, and not the writer's row
    assert not writer.done()
    await writer
