"""The demo report's health section reads everything from scoring: names, plans and ARR from
the traits scoring keeps, the band-per-day chart from its event-time history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from banso_scoring.config import ScoringSettings
from banso_sim.demo.collect import collect_health
from banso_sim.platform.api import ServiceApi
from banso_sim.world.build import build_world
from banso_sim.world.model import WorldConfig
from tests.scoring.service.support import (
    DAY,
    T0,
    at,
    publish,
    running_scoring,
    settings_for,
    ticket,
    usage,
)
from tests.support.clocks import FixedClock
from tests.support.events import traits
from tests.support.service import bearer
from tests.support.waiting import eventually

pytestmark = pytest.mark.kafka
WS = "ws_demo"
DAYS = 10


@pytest.fixture
def settings(database_url: str, kafka_bootstrap: str, topic_prefix: str) -> ScoringSettings:
    """Migrated (synchronously: Alembic runs its own event loop) before the test starts."""
    return settings_for(database_url, kafka_bootstrap, topic_prefix)


async def test_the_health_section_comes_from_scoring_not_the_simulated_world(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    world = build_world(
        WorldConfig(now=datetime(2025, 6, 30, tzinfo=UTC), accounts=3, users=10, days=5)
    )
    simulated = world.accounts[0]
    opened = at(0, 8)
    events: list[Any] = [
        traits(
            WS,
            simulated.id,
            opened,
            name="Bansō Test KK",
            plan="enterprise",
            arr=123_456,
            seats=200,
            created_at=opened.isoformat(),
        )
    ]
    for day in range(DAYS):
        for user in range(2):
            moment = at(day, 9 + user)
            events.append(
                usage(
                    WS,
                    simulated.id,
                    f"u{user}",
                    "Page Viewed",
                    moment,
                    moment + timedelta(minutes=1),
                )
            )
    events += [
        ticket(WS, simulated.id, "Export is broken and slow", at(day, 14)) for day in (7, 8, 9)
    ]
    async with running_scoring(settings, FixedClock(T0 + DAYS * DAY + 2 * 3_600)) as service:
        await publish(kafka_bootstrap, topic_prefix, events)
        headers = bearer(settings.secret, WS, ["read"])

        async def closed() -> bool:
            response = await service.client.get(
                f"/v1/accounts/{simulated.id}/health", headers=headers
            )
            return (
                response.status_code == 200
                and response.json()["applied"]["history_through"] == at(DAYS - 1).date().isoformat()
            )

        await eventually(closed)
        token = headers["Authorization"].removeprefix("Bearer ")
        api = ServiceApi("scoring", "http://scoring.test", token, service.client)
        section = await collect_health(api, world)

    assert section.available
    rows = section.at_risk + section.expansion
    assert [(r.account_id, r.name, r.plan, r.arr) for r in rows] == [
        (simulated.id, "Bansō Test KK", "enterprise", 123_456.0)
    ]
    assert section.arr_by_band == {rows[0].band: 123_456.0}
    assert section.by_story == {simulated.archetype.value: {rows[0].band: 1}}
    # One bar a day of event time, from the account's first day on (today only once a change
    # was recorded today), each with the account's band at the end of that day.
    days = [day for day, _ in section.timeline]
    assert days[:DAYS] == [at(day).date() for day in range(DAYS)]
    assert days[DAYS:] in ([], [at(DAYS).date()])
    assert all(sum(counts.values()) == 1 for _, counts in section.timeline)
    assert section.timeline[0][1] == {"unknown": 1}  # a new account: not enough data yet
    assert section.timeline[-1][1] == {rows[0].band: 1}
