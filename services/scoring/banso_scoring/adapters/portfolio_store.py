"""Reading the portfolio: the accounts' portfolio columns (traits and trend, kept beside the
aggregate by the consumer) and health, filtered, sorted, paged and summed in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters.tables import ACCOUNTS
from banso_scoring.domain import portfolio

_T = ACCOUNTS.c


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[portfolio.PortfolioRow]
    totals: portfolio.Totals


def _where(workspace_id: str, query: portfolio.PortfolioQuery) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = [_T.workspace_id == workspace_id]
    if query.bands:
        clauses.append(_T.band.in_(sorted(query.bands)))
    if query.plans:
        clauses.append(func.coalesce(_T.plan, "").in_(sorted(query.plans)))
    if query.csm:
        clauses.append(func.lower(_T.csm) == func.lower(query.csm))
    if query.q:
        needle = query.q
        clauses.append(
            _T.account_id.icontains(needle, autoescape=True)
            | _T.name.icontains(needle, autoescape=True)
            | _T.csm.icontains(needle, autoescape=True)
        )
    if query.renewal_after is not None:
        clauses.append(_T.renewal_at >= query.renewal_after)
    if query.renewal_before is not None:
        clauses.append(_T.renewal_at < query.renewal_before)
    return and_(*clauses)


def _text(column: Any, dialect: str) -> Any:
    """Case-folded text compared code point by code point, as the domain compares it."""
    lowered = func.lower(column)
    return lowered.collate("C") if dialect == "postgresql" else lowered


def _order(sort: portfolio.PortfolioSort, dialect: str) -> list[Any]:
    """ORDER BY of ``sort``, as portfolio.select orders (account id breaks ties)."""
    if sort == "arr_at_risk":
        risk = case(portfolio.RISK_ORDER, value=_T.band, else_=portfolio.RISK_ORDER["unknown"])
        return [risk, func.coalesce(_T.arr, 0.0).desc(), _T.account_id]
    descending = sort.startswith("-")
    field = sort.lstrip("-")
    if field == "name":
        unnamed = _T.name.is_(None)
        if not descending:
            return [unnamed, _text(func.coalesce(_T.name, _T.account_id), dialect), _T.account_id]
        # Named accounts in reverse; the unnamed after them, in the order `name` gives them.
        return [
            unnamed,
            _text(_T.name, dialect).desc(),
            case((_T.name.is_not(None), _T.account_id)).desc(),
            _text(_T.account_id, dialect),
            _T.account_id,
        ]
    column = {"arr": _T.arr, "score": _T.score, "renewal": _T.renewal_at, "trend": _T.trend}[field]
    return [column.is_(None), column.desc() if descending else column.asc(), _T.account_id]


async def portfolio_page(
    session: AsyncSession,
    *,
    workspace_id: str,
    query: portfolio.PortfolioQuery,
    limit: int,
    offset: int,
) -> Page:
    """One page of the accounts the query matches, in its order, and the totals of them all."""
    connection = await session.connection()
    where = _where(workspace_id, query)
    rows = await connection.execute(
        select(
            _T.account_id,
            _T.name,
            _T.plan,
            _T.arr,
            _T.csm,
            _T.renewal_at,
            _T.seats,
            _T.score,
            _T.band,
            _T.trend,
            _T.evaluated_at,
        )
        .where(where)
        .order_by(*_order(query.sort, connection.dialect.name))
        .limit(limit)
        .offset(offset)
    )
    page = [portfolio.PortfolioRow(**row._asdict()) for row in rows]
    sums = await connection.execute(
        select(_T.band, func.count(), func.sum(func.coalesce(_T.arr, 0.0)))
        .where(where)
        .group_by(_T.band)
    )
    return Page(rows=page, totals=portfolio.totals_of((band, n, arr) for band, n, arr in sums))
