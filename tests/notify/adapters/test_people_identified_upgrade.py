"""Upgrading notify keeps who was identified: people whose identify arrived before the column
existed are not held as if their identify were still on the way."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.db import create_engine
from banso_kit.migrations import upgrade
from banso_notify.adapters import directory
from tests.notify.service.support import MIGRATIONS

pytestmark = pytest.mark.postgres

BEFORE = "7e2b4c9d1f30"  # the revision before users.identified
SIGNED_UP = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_people_identified_before_the_upgrade_stay_identified(database_url: str) -> None:
    upgrade(database_url, MIGRATIONS, BEFORE)

    async def insert_people() -> None:
        engine = create_engine(database_url)
        try:
            async with engine.begin() as connection:
                for user_id, traits, signed_up_at in [
                    ("ana", '{"name": "Ana"}', SIGNED_UP),  # identify with traits
                    ("dee", "{}", SIGNED_UP),  # identify without traits
                    ("cy", "{}", None),  # only seen in usage events
                ]:
                    await connection.execute(
                        text(
                            "INSERT INTO users (workspace_id, user_id, traits, signed_up_at)"
                            " VALUES ('ws', :user_id, :traits, :signed_up_at)"
                        ),
                        {"user_id": user_id, "traits": traits, "signed_up_at": signed_up_at},
                    )
        finally:
            await engine.dispose()

    asyncio.run(insert_people())
    upgrade(database_url, MIGRATIONS)

    async def identified() -> dict[str, bool]:
        engine = create_engine(database_url)
        try:
            async with AsyncSession(engine) as session:
                rows = await directory.load_users(
                    session, workspace_id="ws", user_ids=["ana", "dee", "cy"]
                )
                return {
                    user_id: directory.user_facts(row).identified for user_id, row in rows.items()
                }
        finally:
            await engine.dispose()

    assert asyncio.run(identified()) == {"ana": True, "dee": True, "cy": False}
