"""INSERT … ON CONFLICT on both databases the services run on (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


async def upsert(
    session: AsyncSession,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    keys: Sequence[str],
    update: Sequence[str] = (),
) -> int:
    """Insert ``rows``; on a key conflict update the ``update`` columns (or do nothing).

    Returns how many rows were inserted or updated, as the driver counts them: exact for one row
    (``0`` means the key was there and nothing changed); for several rows SQLite counts and
    asyncpg may not (then ``0``).
    """
    if not rows:
        return 0
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    if update:
        statement = insert.on_conflict_do_update(
            index_elements=list(keys),
            set_={column: insert.excluded[column] for column in update},
        )
    else:
        statement = insert.on_conflict_do_nothing(index_elements=list(keys))
    if len(rows) == 1:
        result = await session.exec(statement.values(dict(rows[0])))
    else:
        # executemany: one prepared statement for all rows (a multi-row VALUES compiles slowly)
        result = await session.exec(statement, params=[dict(row) for row in rows])
    return max(int(result.rowcount or 0), 0)
