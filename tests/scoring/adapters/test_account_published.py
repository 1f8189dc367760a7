"""The published health and scores apart from the account row (SQLite and PostgreSQL): the
migration that moved them keeps every account's last published health and scores."""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path

import orjson
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.db import create_engine
from banso_kit.migrations import upgrade
from banso_scoring.adapters.accounts import load_account
from banso_scoring.domain.aggregate_codec import header_document, progress_document
from banso_scoring.domain.aggregates import AccountAggregate
from banso_scoring.domain.published import Published
from banso_scoring.domain.state import Scorecards

from ..domain.builders import account, daily, health_at, policy_of, scorecard, ts

MIGRATIONS = Path(importlib.import_module("banso_scoring").__file__ or "").parent / "migrations"
CARD = Scorecards().default
POLICY = policy_of(scorecard())


async def test_the_migration_keeps_each_published_health_and_its_scores(
    database_url: str,
) -> None:
    await asyncio.to_thread(upgrade, database_url, MIGRATIONS, "a7c3e9d1f4b6")
    aggregate = account()
    daily(aggregate, POLICY, range(0, 10), users=3)
    health = health_at(aggregate, CARD.scorecard, 10)
    document = Published.of(health).document
    recent = [[ts(3), 40.0], [ts(10), health.score]]
    header = orjson.dumps({**header_document(aggregate), **progress_document(aggregate)})
    blank = AccountAggregate(workspace_id=aggregate.workspace_id, account_id="blank")
    blank_header = orjson.dumps({**header_document(blank), **progress_document(blank)})
    postgres = database_url.startswith("postgres")
    marks = [f"${n}" for n in range(1, 8)] if postgres else ["?"] * 7
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(
                "INSERT INTO scoring_accounts (workspace_id, account_id, partition, aggregate,"
                " score, band, evaluated_at, published, recent_scores) VALUES"
                f" ({marks[0]}, {marks[1]}, 0, {marks[2]}, 42.0, 'yellow', 1.0, {marks[3]},"
                f" {marks[4]}), ({marks[5]}, 'blank', 1, {marks[6]}, NULL, 'unknown', NULL,"
                " NULL, '[]')",
                (
                    aggregate.workspace_id,
                    aggregate.account_id,
                    header,
                    document,
                    orjson.dumps(recent).decode(),
                    aggregate.workspace_id,
                    blank_header,
                ),
            )
        await asyncio.to_thread(upgrade, database_url, MIGRATIONS)
        async with AsyncSession(engine) as session:
            moved = await load_account(
                session, workspace_id=aggregate.workspace_id, account_id=aggregate.account_id
            )
            never = await load_account(
                session, workspace_id=aggregate.workspace_id, account_id="blank"
            )
    finally:
        await engine.dispose()
    assert moved is not None
    assert moved.published is not None
    assert moved.published.document == document
    assert (moved.published.score, moved.published.band) == (health.score, health.band)
    assert moved.recent_scores == [(ts(3), 40.0), (ts(10), health.score)]
    assert (moved.score, moved.band) == (42.0, "yellow")
    assert never is not None
    assert never.published is None
    assert never.recent_scores == []
