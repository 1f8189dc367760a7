"""The portfolio in SQL (SQLite and PostgreSQL): every filter and order of /v1/portfolio gives
the accounts, pages and totals the portfolio's rules (domain/portfolio.py) give; and the
migration that added the portfolio columns fills them from the accounts already stored."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from dataclasses import asdict
from pathlib import Path
from typing import Any, get_args

import orjson
import pytest
from sqlalchemy import insert, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.db import create_engine
from banso_kit.migrations import upgrade
from banso_scoring.adapters import portfolio_store
from banso_scoring.adapters.tables import ACCOUNTS
from banso_scoring.domain import portfolio
from banso_scoring.domain.portfolio import PortfolioQuery, PortfolioRow

MIGRATIONS = Path(importlib.import_module("banso_scoring").__file__ or "").parent / "migrations"
DAY = 86_400.0


def _row(account: str, band: str, **values: Any) -> PortfolioRow:
    fields: dict[str, Any] = dict.fromkeys(
        ("name", "plan", "arr", "csm", "renewal_at", "seats", "score", "trend", "evaluated_at")
    )
    fields.update(values)
    return PortfolioRow(account_id=account, band=band, **fields)


# Ties, missing values, case, search wildcards and Japanese names, in two workspaces.
ROWS = [
    _row("acme", "red", name="Acme", plan="pro", arr=100.0, csm="Hanako@vendor.example",
         renewal_at=10 * DAY, seats=10, score=30.0, trend=-12.5, evaluated_at=DAY),
    _row("acme-2", "red", name="acme", plan="pro", arr=100.0, csm="taro@vendor.example",
         renewal_at=40 * DAY, score=30.0, trend=-3.0, evaluated_at=DAY),
    _row("bolt", "yellow", name="Bolt 100%", plan="team", arr=250.0, csm="hanako@vendor.example",
         renewal_at=10 * DAY, score=55.0, trend=4.0, evaluated_at=DAY),
    _row("crane", "green", name="Crane_co", arr=None, renewal_at=None, score=82.5, trend=None),
    _row("delta", "unknown", name=None, plan="pro", arr=75.0),
    _row("Echo", "green", name="株式会社エコー", plan="enterprise", arr=900.0, csm="次郎",
         renewal_at=95 * DAY, score=90.0, trend=0.0, evaluated_at=DAY),
    _row("fox", "yellow", name=None, plan=None, arr=250.0, csm=None, renewal_at=9 * DAY,
         score=55.0, trend=4.0),
    _row("golf", "red", name="Golf", plan="team", arr=0.0, renewal_at=10 * DAY, score=12.0),
]  # fmt: skip
OTHER = _row("acme", "red", name="Acme (other workspace)", plan="pro", arr=5.0)

QUERIES = [
    PortfolioQuery(),
    PortfolioQuery(q="ACME"),
    PortfolioQuery(q="vendor"),
    PortfolioQuery(q="100%"),  # '%' is a character searched for, not a wildcard
    PortfolioQuery(q="e_c"),  # so is '_'
    PortfolioQuery(q="エコー"),
    PortfolioQuery(q="echo"),  # the account id
    PortfolioQuery(bands=frozenset({"red", "yellow"})),
    PortfolioQuery(bands=frozenset({"unknown"})),
    PortfolioQuery(plans=frozenset({"pro"})),
    PortfolioQuery(plans=frozenset({"pro", ""})),  # "" is "no plan"
    PortfolioQuery(csm="HANAKO@vendor.example"),
    PortfolioQuery(csm="次郎"),
    PortfolioQuery(renewal_after=10 * DAY),
    PortfolioQuery(renewal_before=10 * DAY),
    PortfolioQuery(renewal_after=10 * DAY, renewal_before=95 * DAY),
    PortfolioQuery(q="a", bands=frozenset({"red"}), plans=frozenset({"pro", "team"})),
    *(PortfolioQuery(sort=sort) for sort in get_args(portfolio.PortfolioSort)),
    *(
        PortfolioQuery(sort=sort, bands=frozenset({"red", "green"}))
        for sort in get_args(portfolio.PortfolioSort)
    ),
]


def _stored(workspace: str, row: PortfolioRow) -> dict[str, Any]:
    values = asdict(row)
    return {
        **values,
        "workspace_id": workspace,
        "partition": 0,
        "aggregate": b"{}",
        "recent_scores": "[]",
    }


@pytest.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    await asyncio.to_thread(upgrade, database_url, MIGRATIONS)
    engine = create_engine(database_url)
    try:
        async with AsyncSession(engine) as session:
            connection = await session.connection()
            rows = [_stored("ws", row) for row in ROWS] + [_stored("other", OTHER)]
            await connection.execute(insert(ACCOUNTS), rows)
            await session.commit()
            yield session
    finally:
        await engine.dispose()


async def test_sql_filters_orders_and_sums_as_the_portfolio_rules(
    session: AsyncSession,
) -> None:
    for query in QUERIES:
        expected = portfolio.select(ROWS, query)
        found = await portfolio_store.portfolio_page(
            session, workspace_id="ws", query=query, limit=500, offset=0
        )
        assert [row.account_id for row in found.rows] == [row.account_id for row in expected], query
        assert found.rows == expected, query
        assert found.totals == portfolio.totals(expected), query
        middle = await portfolio_store.portfolio_page(
            session, workspace_id="ws", query=query, limit=2, offset=1
        )
        assert middle.rows == expected[1:3], query
        assert middle.totals == found.totals, query


async def test_what_a_portfolio_page_shows(session: AsyncSession) -> None:
    """The rules themselves, spelled out for a few queries."""

    async def ids(query: PortfolioQuery) -> list[str]:
        found = await portfolio_store.portfolio_page(
            session, workspace_id="ws", query=query, limit=50, offset=0
        )
        return [row.account_id for row in found.rows]

    assert await ids(PortfolioQuery()) == [
        "acme", "acme-2", "golf", "bolt", "fox", "delta", "Echo", "crane",
    ]  # fmt: skip
    assert await ids(PortfolioQuery(sort="name")) == [
        "acme", "acme-2", "bolt", "crane", "golf", "Echo", "delta", "fox",
    ]  # fmt: skip
    assert await ids(PortfolioQuery(sort="-name")) == [
        "Echo", "golf", "crane", "bolt", "acme-2", "acme", "delta", "fox",
    ]  # fmt: skip
    assert await ids(PortfolioQuery(sort="-trend")) == [
        "bolt", "fox", "Echo", "acme-2", "acme", "crane", "delta", "golf",
    ]  # fmt: skip
    assert await ids(PortfolioQuery(q="100%")) == ["bolt"]
    assert await ids(PortfolioQuery(csm="hanako@VENDOR.example", sort="-arr")) == ["bolt", "acme"]
    renewing = await portfolio_store.portfolio_page(
        session,
        workspace_id="ws",
        query=PortfolioQuery(renewal_after=10 * DAY, renewal_before=95 * DAY, sort="renewal"),
        limit=2,
        offset=0,
    )
    assert [row.account_id for row in renewing.rows] == ["acme", "bolt"]
    assert renewing.totals.accounts_by_band == {"red": 3, "yellow": 1}
    assert renewing.totals.arr_by_band == {"red": 200.0, "yellow": 250.0}
    other = await portfolio_store.portfolio_page(
        session, workspace_id="other", query=PortfolioQuery(), limit=50, offset=0
    )
    assert [row.name for row in other.rows] == ["Acme (other workspace)"]


async def test_the_migration_fills_the_portfolio_columns_of_stored_accounts(
    database_url: str,
) -> None:
    await asyncio.to_thread(upgrade, database_url, MIGRATIONS, "d1a7e0c4b202")
    traits = {
        "name": "Northwind", "plan": "enterprise", "arr": 120_000.0, "csm": "hanako@x.example",
        "renewal_at": 30 * DAY, "seats": 50, "timezone": "Asia/Tokyo", "updated_at": DAY,
    }  # fmt: skip
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(
                "INSERT INTO scoring_accounts (workspace_id, account_id, partition, aggregate,"
                " score, band, evaluated_at, recent_scores) VALUES"
                " ('ws', 'northwind', 0, $1, 42.0, 'yellow', $2, $3),"
                " ('ws', 'blank', 1, $4, NULL, 'unknown', NULL, '[]')"
                if database_url.startswith("postgres")
                else "INSERT INTO scoring_accounts (workspace_id, account_id, partition, aggregate,"
                " score, band, evaluated_at, recent_scores) VALUES"
                " ('ws', 'northwind', 0, ?, 42.0, 'yellow', ?, ?),"
                " ('ws', 'blank', 1, ?, NULL, 'unknown', NULL, '[]')",
                (
                    orjson.dumps({"v": 1, "traits": traits}),
                    20 * DAY,
                    orjson.dumps([[10 * DAY, 50.0], [12 * DAY, 60.0], [19 * DAY, 40.0]]).decode(),
                    orjson.dumps({"v": 1, "traits": {}}),
                ),
            )
        await asyncio.to_thread(upgrade, database_url, MIGRATIONS)
        async with engine.connect() as connection:
            rows = {
                row.account_id: row
                for row in await connection.execute(
                    select(
                        ACCOUNTS.c.account_id,
                        *(ACCOUNTS.c[name] for name in ("name", "plan", "arr", "csm")),
                        ACCOUNTS.c.renewal_at,
                        ACCOUNTS.c.seats,
                        ACCOUNTS.c.trend,
                    )
                )
            }
    finally:
        await engine.dispose()
    northwind = rows["northwind"]
    assert (northwind.name, northwind.plan, northwind.arr, northwind.csm) == (
        "Northwind",
        "enterprise",
        120_000.0,
        "hanako@x.example",
    )
    assert (northwind.renewal_at, northwind.seats) == (30 * DAY, 50)
    assert northwind.trend == -18.0  # against 60, the last score at least a week before day 20
    assert tuple(rows["blank"])[1:] == (None,) * 7
