"""Every published change and recomputation of an account's health. Functions only flush;
callers commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters.tables import HISTORY


async def insert_history(session: AsyncSession, *, rows: list[dict[str, object]]) -> None:
    if rows:
        await (await session.connection()).execute(insert(HISTORY), rows)


async def account_history(
    session: AsyncSession, *, workspace_id: str, account_id: str, limit: int
) -> list[Any]:
    """The account's history rows, newest first."""
    return list(
        (
            await (await session.connection()).execute(
                select(HISTORY)
                .where(HISTORY.c.workspace_id == workspace_id, HISTORY.c.account_id == account_id)
                .order_by(HISTORY.c.computed_at.desc(), HISTORY.c.id.desc())
                .limit(limit)
            )
        ).all()
    )
