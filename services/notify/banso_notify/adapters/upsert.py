"""INSERT … ON CONFLICT for both databases notify runs on (SQLite and PostgreSQL)."""

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
) -> None:
    """Insert ``rows``; on a key conflict update the ``update`` columns (or do nothing)."""
    if not rows:
        return
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    statement = insert
    if update:
        statement = statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={column: statement.excluded[column] for column in update},
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    # executemany: one prepared statement for all rows (a multi-row VALUES compiles slowly)
    await session.exec(statement, params=[dict(row) for row in rows])
