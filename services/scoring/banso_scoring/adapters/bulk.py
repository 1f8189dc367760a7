"""Many rows in one statement through the driver's executemany, with tuples in column order.

A round writes tens of thousands of rows (history, account headers and scores); SQLAlchemy's
per-row parameter compilation and bind processing cost more than the database's own work, so
the hot writes hand the driver plain values (str, int, float, bytes, None, bool) instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncConnection

_MARKS = {"qmark": "?", "numeric_dollar": "$", "numeric": ":"}


def _marks(style: str, count: int) -> list[str]:
    mark = _MARKS.get(style)
    if mark is None:
        raise ValueError(f"unsupported DB-API paramstyle {style!r}")
    return [mark if style == "qmark" else f"{mark}{n}" for n in range(1, count + 1)]


@lru_cache(maxsize=64)
def insert_sql(style: str, table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join(_marks(style, len(columns)))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


@lru_cache(maxsize=64)
def upsert_sql(style: str, table: str, columns: tuple[str, ...], keys: tuple[str, ...]) -> str:
    """Insert rows of ``columns`` (``keys`` among them), or set the others where a row with
    those keys exists (SQLite and PostgreSQL spell it alike)."""
    sets = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
    return (
        f"{insert_sql(style, table, columns)} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}"
    )


@lru_cache(maxsize=64)
def update_sql(style: str, table: str, columns: tuple[str, ...], keys: tuple[str, ...]) -> str:
    """Parameters: the new values of ``columns``, then the ``keys``."""
    marks = _marks(style, len(columns) + len(keys))
    sets = ", ".join(f"{c} = {m}" for c, m in zip(columns, marks, strict=False))
    where = " AND ".join(f"{k} = {m}" for k, m in zip(keys, marks[len(columns) :], strict=True))
    return f"UPDATE {table} SET {sets} WHERE {where}"


@lru_cache(maxsize=64)
def delete_sql(style: str, table: str, keys: tuple[str, ...], extra: str = "") -> str:
    marks = _marks(style, len(keys))
    where = " AND ".join(f"{k} = {m}" for k, m in zip(keys, marks, strict=True))
    return f"DELETE FROM {table} WHERE {where}{extra}"


async def execute_many(
    connection: AsyncConnection, statement: str, rows: Sequence[tuple[object, ...]]
) -> None:
    if rows:
        await connection.exec_driver_sql(statement, list(rows))


def style_of(connection: AsyncConnection) -> str:
    return str(connection.dialect.paramstyle)
