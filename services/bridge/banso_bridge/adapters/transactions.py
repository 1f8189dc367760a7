"""Transactions, where their order matters."""

from __future__ import annotations

from sqlalchemy import literal
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession


async def begin(session: AsyncSession) -> None:
    """Open the session's transaction now (on SQLite: take the write lock), with a no-op query."""
    await session.exec(select(literal(1)))
