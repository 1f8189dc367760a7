"""The last published health outlives the evaluations that publish nothing: it is stored apart
from the account row, written only on publication, and a health read still explains the
account against it (previous score and band, drivers) after a later round evaluated the
account without publishing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from banso_scoring.config import ScoringSettings
from tests.support.clocks import FixedClock
from tests.support.waiting import eventually

from .support import DAY, T0, Running, at, health_events, publish, running_scoring, usage
from .test_api import active_account, history, settle

pytestmark = pytest.mark.kafka


async def _health(service: Running) -> dict[str, Any]:
    response = await service.client.get(
        "/v1/accounts/alpha/health", headers=service.headers("ws_a")
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def _evaluated_at(service: Running) -> float | None:
    response = await service.client.get("/v1/accounts", headers=service.headers("ws_a"))
    assert response.status_code == 200
    (row,) = response.json()["accounts"]
    evaluated = row["evaluated_at"]
    return None if evaluated is None else datetime.fromisoformat(evaluated).timestamp()


async def test_an_evaluation_that_publishes_nothing_keeps_the_published_health(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    clock = FixedClock(T0 + 20 * DAY)
    async with running_scoring(settings, clock) as service:
        await publish(kafka_bootstrap, topic_prefix, active_account("ws_a", "alpha"))
        await settle(service, "ws_a", "alpha", 120)
        published: list[dict[str, Any]] = []
        first: list[float] = []

        async def relayed() -> bool:
            # Every recorded change published (the history also holds each day's close).
            changes = [i for i in await history(service, "ws_a", "alpha") if i["cause"] != "day"]
            published[:] = await health_events(kafka_bootstrap, topic_prefix)
            evaluated = await _evaluated_at(service)
            first[:] = [] if evaluated is None else [evaluated]
            return bool(changes) and len(published) == len(changes) and bool(first)

        await eventually(relayed)
        before = await _health(service)
        last = published[-1]
        assert before["health"]["previous_score"] == last["score"]
        assert before["health"]["drivers"]

        # One more event of a user already active that day, received after the clock; the
        # clock moves past its slot, whose end evaluates the account again.
        received = at(20, 0.001)
        await publish(
            kafka_bootstrap,
            topic_prefix,
            [usage("ws_a", "alpha", "u0", "Report Created", at(19, 20), received)],
        )
        clock.advance(60)
        await settle(service, "ws_a", "alpha", 121)

        async def evaluated_again() -> bool:
            evaluated = await _evaluated_at(service)
            return evaluated is not None and evaluated > max(first[0], received.timestamp())

        await eventually(evaluated_again)
        # That evaluation published nothing...
        assert await health_events(kafka_bootstrap, topic_prefix) == published
        after = await _health(service)
        # ...and the account is still read against the health last published.
        assert after["applied"]["events"] == 121
        assert after["health"]["previous_score"] == last["score"]
        assert after["health"]["previous_band"] == last["band"]
        assert [d["measure"] for d in after["health"]["drivers"]] == [
            d["measure"] for d in before["health"]["drivers"]
        ]
