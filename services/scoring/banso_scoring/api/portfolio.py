"""The portfolio: every account of the workspace with its traits and health, for the console."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field

from banso_kit.api import ReaderDep, ReadSessionDep
from banso_kit.openapi import MAX_OFFSET
from banso_scoring.adapters import portfolio_store
from banso_scoring.domain import portfolio
from banso_scoring.domain.durations import from_epoch, to_epoch

router = APIRouter(prefix="/v1/portfolio", tags=["accounts"])

BandName = Literal["green", "yellow", "red", "unknown"]


class PortfolioAccount(BaseModel):
    account_id: str
    name: str | None
    plan: str | None
    arr: float | None
    csm: str | None = Field(description="The account's owner (trait `csm`).")
    renewal_at: datetime | None
    seats: int | None
    score: float | None
    band: str
    trend: float | None = Field(description="Points gained (lost) against a week before.")
    evaluated_at: datetime | None


class PortfolioPage(BaseModel):
    accounts: list[PortfolioAccount]
    total: int = Field(description="Accounts matching the filters, on every page.")
    offset: int
    limit: int
    next_offset: int | None = Field(description="Pass as `offset` for the next page.")
    arr: float = Field(description="ARR of the matching accounts.")
    arr_by_band: dict[str, float] = Field(description="ARR of the matching accounts per band.")
    accounts_by_band: dict[str, int] = Field(
        default_factory=dict, description="How many of the matching accounts are in each band."
    )


def _public(row: portfolio.PortfolioRow) -> PortfolioAccount:
    return PortfolioAccount(
        account_id=row.account_id,
        name=row.name,
        plan=row.plan,
        arr=row.arr,
        csm=row.csm,
        renewal_at=None if row.renewal_at is None else from_epoch(row.renewal_at),
        seats=row.seats,
        score=row.score,
        band=row.band,
        trend=row.trend,
        evaluated_at=None if row.evaluated_at is None else from_epoch(row.evaluated_at),
    )


# With a time zone, e.g. 2026-12-06T00:00:00Z; a naive time is refused (422).
Moment = AwareDatetime | None


@router.get("", response_model=PortfolioPage)
async def list_portfolio(
    principal: ReaderDep,
    session: ReadSessionDep,
    q: Annotated[str | None, Query(max_length=200, description="In id, name or CSM.")] = None,
    band: Annotated[list[BandName] | None, Query()] = None,
    plan: Annotated[list[str] | None, Query()] = None,
    csm: Annotated[str | None, Query(max_length=256)] = None,
    renewal_after: Annotated[
        Moment, Query(description="Renewing at or after this time (undated accounts left out).")
    ] = None,
    renewal_before: Annotated[
        Moment, Query(description="Renewing before this time (undated accounts left out).")
    ] = None,
    sort: portfolio.PortfolioSort = "arr_at_risk",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> PortfolioPage:
    """Accounts with name, plan, ARR, owner, renewal, seats, score, band and weekly trend."""
    found = await portfolio_store.portfolio_page(
        session,
        workspace_id=principal.workspace_id,
        query=portfolio.PortfolioQuery(
            q=q.strip() if q and q.strip() else None,
            bands=frozenset(band or ()),
            plans=frozenset(plan or ()),
            csm=csm or None,
            sort=sort,
            renewal_after=None if renewal_after is None else to_epoch(renewal_after),
            renewal_before=None if renewal_before is None else to_epoch(renewal_before),
        ),
        limit=limit,
        offset=offset,
    )
    sums = found.totals
    return PortfolioPage(
        accounts=[_public(row) for row in found.rows],
        total=sums.accounts,
        offset=offset,
        limit=limit,
        next_offset=offset + limit if offset + limit < sums.accounts else None,
        arr=sums.arr,
        arr_by_band=sums.arr_by_band,
        accounts_by_band=sums.accounts_by_band,
    )
