"""The account's health history in event time: published changes, recomputations and each
event-time day's close. Functions only flush; callers commit."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from sqlalchemy import and_, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters.bulk import delete_sql, execute_many, insert_sql, style_of
from banso_scoring.adapters.tables import HISTORY

DAY_CLOSE = "day"


async def insert_history(session: AsyncSession, *, rows: list[dict[str, object]]) -> None:
    """Insert rows; a revised day's close replaces the close recorded for that day before."""
    if not rows:
        return
    # A day closed and recorded again within one round keeps its last close only.
    closes: dict[tuple[object, object, object], int] = {}
    kept: list[dict[str, object] | None] = list(rows)
    for index, row in enumerate(rows):
        if row["cause"] == DAY_CLOSE:
            key = (row["workspace_id"], row["account_id"], row["at"])
            earlier = closes.get(key)
            if earlier is not None:
                kept[earlier] = None
            closes[key] = index
    rows = [row for row in kept if row is not None]
    connection = await session.connection()
    style = style_of(connection)
    revised = [_DAY_KEY(row) for row in rows if row.get("revised")]
    # One statement for the round's revised days (a backfill revises thousands).
    await execute_many(connection, delete_sql(style, HISTORY.name, DAY_KEY, _CLOSES_ONLY), revised)
    await execute_many(
        connection, insert_sql(style, HISTORY.name, COLUMNS), [_ROW(r) for r in rows]
    )


# What a history row holds, in the order of the statements (see ``bulk``).
COLUMNS = (
    "workspace_id",
    "account_id",
    "at",
    "recorded_at",
    "revised",
    "score",
    "band",
    "previous_score",
    "previous_band",
    "cause",
    "change",
    "scorecard_version",
    "event_id",
    "health",
)
DAY_KEY = ("workspace_id", "account_id", "at")
_ROW = itemgetter(*COLUMNS)
_DAY_KEY = itemgetter(*DAY_KEY)
_CLOSES_ONLY = f" AND cause = '{DAY_CLOSE}'"


async def account_history(
    session: AsyncSession,
    *,
    workspace_id: str,
    account_id: str,
    limit: int,
    since: float | None = None,
    until: float | None = None,
    before: tuple[float, int] | None = None,
    with_health: bool = True,
) -> list[Any]:
    """The account's history rows in ``[since, until)`` of event time, newest first, after
    the ``before`` cursor (event time, id) when given."""
    columns = list(HISTORY.c) if with_health else [c for c in HISTORY.c if c.name != "health"]
    query = select(*columns).where(
        HISTORY.c.workspace_id == workspace_id, HISTORY.c.account_id == account_id
    )
    if since is not None:
        query = query.where(HISTORY.c.at >= since)
    if until is not None:
        query = query.where(HISTORY.c.at < until)
    if before is not None:
        moment, row_id = before
        query = query.where(
            or_(HISTORY.c.at < moment, and_(HISTORY.c.at == moment, HISTORY.c.id < row_id))
        )
    query = query.order_by(HISTORY.c.at.desc(), HISTORY.c.id.desc()).limit(limit)
    return list((await (await session.connection()).execute(query)).all())
