"""Reading the portfolio: each account's traits (from its stored aggregate) and health."""

from __future__ import annotations

from collections.abc import Collection

import orjson
from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters.tables import ACCOUNTS
from banso_scoring.domain import portfolio


async def portfolio_rows(
    session: AsyncSession, *, workspace_id: str, bands: Collection[str] = ()
) -> list[portfolio.PortfolioRow]:
    table = ACCOUNTS
    query = select(
        table.c.account_id,
        table.c.aggregate,
        table.c.score,
        table.c.band,
        table.c.evaluated_at,
        table.c.recent_scores,
    ).where(table.c.workspace_id == workspace_id)
    if bands:
        query = query.where(table.c.band.in_(list(bands)))
    result = await (await session.connection()).execute(query)
    return [
        portfolio.row_from_stored(
            account_id=row.account_id,
            # Traits are part of the stored aggregate document (aggregate_codec.header_document).
            traits=orjson.loads(row.aggregate).get("traits") or {},
            score=row.score,
            band=row.band,
            evaluated_at=row.evaluated_at,
            recent_scores=orjson.loads(row.recent_scores),
        )
        for row in result
    ]
