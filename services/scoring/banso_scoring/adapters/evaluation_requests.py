"""Requests for the consumer to re-evaluate an account (a plan or an override changed). Functions
only flush; callers commit."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters.tables import REQUESTS
from banso_scoring.domain.state import AccountKey


async def request_evaluation(
    session: AsyncSession, *, workspace_id: str, account_id: str, cause: str
) -> None:
    await (await session.connection()).execute(
        insert(REQUESTS).values(workspace_id=workspace_id, account_id=account_id, cause=cause)
    )


async def pending_requests(
    session: AsyncSession, *, keys: set[AccountKey]
) -> list[tuple[int, AccountKey, str]]:
    """Re-evaluation requests for these accounts: (id, account, cause), oldest first."""
    rows = (
        await (await session.connection()).execute(
            select(
                REQUESTS.c.id, REQUESTS.c.workspace_id, REQUESTS.c.account_id, REQUESTS.c.cause
            ).order_by(REQUESTS.c.id)
        )
    ).all()
    return [
        (int(row.id), (row.workspace_id, row.account_id), str(row.cause))
        for row in rows
        if (row.workspace_id, row.account_id) in keys
    ]


async def delete_requests(session: AsyncSession, *, ids: list[int]) -> None:
    if ids:
        await (await session.connection()).execute(delete(REQUESTS).where(REQUESTS.c.id.in_(ids)))
