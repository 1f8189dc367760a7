"""Events in, HealthChanged out, with drivers a CSM can act on; the API reads it back."""

from __future__ import annotations

from typing import Any

import pytest

from banso_scoring.config import ScoringSettings
from tests.support.clocks import FixedClock
from tests.support.events import traits
from tests.support.waiting import eventually

from .support import DAY, T0, at, health_events, publish, running_scoring, ticket, usage

pytestmark = pytest.mark.kafka
WS = "ws_flow"


def decline_story(account: str = "acme") -> list[Any]:
    """Four healthy weeks with 15 of 20 seats, then two weeks with 4 users and, at the end,
    angry tickets. Each day's events reach ingest in one import at 23:00."""
    events: list[Any] = [
        traits(WS, account, at(-60), seats=20, plan="pro", created_at="2025-01-02")
    ]
    for day in range(42):
        users = 15 if day < 28 else 4
        received = at(day, 23)
        events += [
            usage(WS, account, f"u{u}", "Report Created", at(day, 9 + u * 0.1), received)
            for u in range(users)
        ]
        if day in (40, 41):
            events.append(ticket(WS, account, "The export is broken again", received))
    return events


async def test_a_declining_account_turns_red_with_drivers_in_words(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    clock = FixedClock(T0 + 42 * DAY + 600)
    async with running_scoring(settings, clock) as service:
        await publish(kafka_bootstrap, topic_prefix, decline_story())
        headers = service.headers(WS)

        async def settled() -> bool:
            response = await service.client.get("/v1/accounts/acme/health", headers=headers)
            if response.status_code != 200:
                return False
            body = response.json()
            return bool(body["applied"]["events"] == 28 * 15 + 14 * 4 + 2)

        await eventually(settled)
        history: list[dict[str, Any]] = []
        published: list[dict[str, Any]] = []

        async def relayed() -> bool:
            # The last slot may close a round after the last event is applied: read both
            # until every recorded change has been published.
            response = await service.client.get(
                "/v1/accounts/acme/health/history", params={"limit": 1000}, headers=headers
            )
            # The published changes (the history also holds each event-time day's close).
            history[:] = [item for item in response.json()["items"] if item["cause"] != "day"]
            published[:] = await health_events(kafka_bootstrap, topic_prefix)
            return bool(history) and len(published) == len(history)

        await eventually(relayed)
        assert {e["account_id"] for e in published} == {"acme"}
        assert [e["score"] for e in published] == [item["score"] for item in reversed(history)]
        last = published[-1]
        assert last["band"] == "red"
        turned = next(e for e in published if e["band"] == "red" and e["computed_at"] > "2025-03")
        assert turned["previous_band"] in {"green", "yellow"}
        texts = [driver["text"] for event in published for driver in event["drivers"]]
        assert any(text.startswith("weekly active users fell") for text in texts)
        assert "only 4 of 20 seats active in the last 2 weeks" in texts
        assert "2 negative support tickets in the last 30 days" in texts
        codes = {signal["code"] for signal in last["signals"]}
        assert {"low_utilisation", "usage_decline", "support_friction"} <= codes
        contributions = sum(m["contribution"] for m in last["measures"])
        assert contributions == pytest.approx(last["score"], abs=0.2)

        health = (await service.client.get("/v1/accounts/acme/health", headers=headers)).json()
        assert health["health"]["band"] == "red"
        assert health["traits"]["seats"] == 20
        assert all(item["event_id"] is not None for item in history)
        assert history[0]["band"] == "red"
        listed = (
            await service.client.get("/v1/accounts?band=red&sort=score", headers=headers)
        ).json()
        assert [a["account_id"] for a in listed["accounts"]] == ["acme"]
