"""GET /v1/portfolio/moves: accounts that turned red, yellow or green in an event-time window."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from banso_scoring.config import ScoringSettings
from tests.support.clocks import FixedClock
from tests.support.waiting import eventually

from .portfolio_data import sample_workspace
from .support import DAY, T0, Running, publish, running_scoring

pytestmark = pytest.mark.kafka

BANDS = {"northwind": "red", "globex": "yellow", "initech": "green"}


async def get(service: Running, workspace: str, query: str = "") -> Any:
    return await service.client.get(
        f"/v1/portfolio/moves{query}", headers=service.headers(workspace, ["read"])
    )


async def test_moves_are_the_band_changes_of_an_event_time_window_with_arr_at_risk(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    day0 = datetime.fromtimestamp(T0, tz=UTC)
    async with running_scoring(settings, FixedClock(T0 + 20 * DAY)) as service:
        await publish(
            kafka_bootstrap,
            topic_prefix,
            sample_workspace("ws_a", day0) + sample_workspace("ws_b", day0)[:1],
        )

        async def evaluated() -> bool:
            response = await service.client.get(
                "/v1/portfolio", headers=service.headers("ws_a", ["read"])
            )
            rows = response.json()["accounts"]
            return {row["account_id"]: row["band"] for row in rows} == BANDS

        await eventually(evaluated)

        # The last 7 days of event time (the clock's): northwind went from yellow to red on
        # day 18 when its tickets arrived; the others kept their band all week.
        week = await get(service, "ws_a")
        assert week.status_code == 200, week.text
        body = week.json()
        assert body["since"] == "2025-03-16T00:00:00Z"
        assert body["until"] == "2025-03-23T00:00:00Z"
        assert [(m["account_id"], m["from_band"], m["to_band"]) for m in body["moves"]] == [
            ("northwind", "yellow", "red")
        ]
        northwind = body["moves"][0]
        assert northwind["name"] == "Northwind Traders"
        assert northwind["worse"] is True
        assert northwind["moved_at"].startswith("2025-03-21T23:")
        assert body["by_band"]["red"] == {"accounts": 1, "arr": 120_000}
        assert body["by_band"]["green"] == {"accounts": 0, "arr": 0}
        assert body["arr_at_risk"] == 120_000

        # The first week: every account left its first red; none got worse, the best news
        # (green) comes after yellow, and within a band the largest ARR first.
        first = await get(service, "ws_a", "?since=2025-03-01T00:00:00Z&until=2025-03-10T00:00:00Z")
        body = first.json()
        assert [(m["account_id"], m["to_band"]) for m in body["moves"]] == [
            ("globex", "yellow"),
            ("northwind", "yellow"),
            ("initech", "green"),
        ]
        assert body["arr_at_risk"] == 0
        assert body["by_band"]["yellow"] == {"accounts": 2, "arr": 420_000}
        only_green = await get(
            service,
            "ws_a",
            "?since=2025-03-01T00:00:00Z&until=2025-03-10T00:00:00Z&to_band=green&limit=1",
        )
        assert [m["account_id"] for m in only_green.json()["moves"]] == ["initech"]
        paged = await get(
            service, "ws_a", "?since=2025-03-01T00:00:00Z&until=2025-03-10T00:00:00Z&limit=2"
        )
        assert paged.json()["next_offset"] == 2
        assert paged.json()["total"] == 3
        # One CSM's book (the owner as the accounts' csm trait, any case): hanako has
        # northwind and initech, taro globex.
        hanakos = await get(
            service,
            "ws_a",
            "?since=2025-03-01T00:00:00Z&until=2025-03-10T00:00:00Z&csm=Hanako@Vendor.example",
        )
        assert [m["account_id"] for m in hanakos.json()["moves"]] == ["northwind", "initech"]
        assert hanakos.json()["by_band"]["yellow"] == {"accounts": 1, "arr": 120_000}

        # Before any history there is nothing to move from; another workspace sees its own.
        nothing = await get(
            service, "ws_a", "?since=2025-01-01T00:00:00Z&until=2025-01-23T00:00:00Z"
        )
        assert nothing.json()["moves"] == []
        other = await get(service, "ws_b")
        assert [m["account_id"] for m in other.json()["moves"]] == []

        backwards = await get(
            service, "ws_a", "?since=2025-03-10T00:00:00Z&until=2025-03-01T00:00:00Z"
        )
        assert backwards.status_code == 422
        assert "since" in str(backwards.json()["detail"])
        too_long = await get(service, "ws_a", "?since=2020-01-01T00:00:00Z")
        assert too_long.status_code == 422
        naive = await get(service, "ws_a", "?since=2025-03-01T00:00:00")
        assert naive.status_code == 422
        assert naive.json()["detail"][0]["field"] == "query.since"
        bad_band = await get(service, "ws_a", "?to_band=purple")
        assert bad_band.status_code == 422
        assert (await service.client.get("/v1/portfolio/moves")).status_code == 401
