"""The API: tenancy, scorecard replacement and recomputation, goals, milestones, overrides."""

from __future__ import annotations

from typing import Any

import pytest

from banso_scoring.config import ScoringSettings
from tests.support.clocks import FixedClock
from tests.support.events import traits
from tests.support.waiting import eventually

from .support import DAY, T0, Running, at, publish, running_scoring, usage

pytestmark = pytest.mark.kafka


def active_account(workspace: str, account: str, users: int = 6) -> list[Any]:
    events: list[Any] = [
        traits(workspace, account, at(-40), seats=10, plan="pro", created_at="2025-01-20")
    ]
    for day in range(20):
        received = at(day, 23)
        events += [
            usage(workspace, account, f"u{u}", "Report Created", at(day, 9 + u), received)
            for u in range(users)
        ]
    return events


async def settle(service: Running, workspace: str, account: str, events: int) -> None:
    headers = service.headers(workspace)

    async def applied() -> bool:
        response = await service.client.get(f"/v1/accounts/{account}/health", headers=headers)
        return response.status_code == 200 and response.json()["applied"]["events"] == events

    await eventually(applied)


async def history(service: Running, workspace: str, account: str) -> list[dict[str, Any]]:
    response = await service.client.get(
        f"/v1/accounts/{account}/health/history", headers=service.headers(workspace)
    )
    assert response.status_code == 200
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_workspace_token_reads_only_its_own_accounts(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    async with running_scoring(settings, FixedClock(T0 + 20 * DAY)) as service:
        await publish(
            kafka_bootstrap,
            topic_prefix,
            active_account("ws_a", "alpha") + active_account("ws_b", "beta"),
        )
        await settle(service, "ws_a", "alpha", 120)
        await settle(service, "ws_b", "beta", 120)
        a = service.headers("ws_a", ["read"])
        listed = (await service.client.get("/v1/accounts", headers=a)).json()
        assert [row["account_id"] for row in listed["accounts"]] == ["alpha"]
        for path in ("health", "health/history", "goals", "override"):
            response = await service.client.get(f"/v1/accounts/beta/{path}", headers=a)
            assert response.status_code in {404, 200}
            if response.status_code == 200:  # goals and override: empty, not beta's
                body = response.json()
                assert body.get("goals", []) == []
                assert body.get("override") is None
        assert (await service.client.get("/v1/accounts/beta/health", headers=a)).status_code == 404
        put = await service.client.put(
            "/v1/accounts/beta/override",
            headers=service.headers("ws_a"),
            json={"band": "red", "reason": "probe", "set_by": "x", "expires_in": "1d"},
        )
        assert put.status_code == 404
        assert (await service.client.get("/v1/accounts")).status_code == 401
        reader = await service.client.put(
            "/v1/scorecard", headers=service.headers("ws_a", ["read"]), content=b"measures: []"
        )
        assert reader.status_code == 403


BETTER_CARD = """
bands: {green: 60, yellow: 30}
measures:
  - {measure: licence_utilisation, weight: 1, window: 14d, scoring: {kind: ratio, target: 0.5}}
"""


async def test_a_new_scorecard_is_validated_and_recomputes_every_account(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    async with running_scoring(settings, FixedClock(T0 + 20 * DAY)) as service:
        await publish(kafka_bootstrap, topic_prefix, active_account("ws_a", "alpha", users=4))
        await settle(service, "ws_a", "alpha", 80)
        headers = service.headers("ws_a")
        default = (await service.client.get("/v1/scorecard", headers=headers)).json()
        assert (default["version"], default["is_default"]) == (1, True)

        bad = await service.client.put(
            "/v1/scorecard",
            headers=headers,
            content=b"measures:\n  - {measure: usage_trend, weight: 1, window: 1 week}\n",
        )
        assert bad.status_code == 422
        assert bad.json()["detail"]["problems"] == [
            "measures[0].window: must be a duration like 7d"
        ]

        good = await service.client.put("/v1/scorecard", headers=headers, content=BETTER_CARD)
        assert good.status_code == 200
        assert good.json()["version"] == 2

        async def recomputed() -> bool:
            items = await history(service, "ws_a", "alpha")
            return any(item["cause"] == "recompute" for item in items)

        await eventually(recomputed)
        items = await history(service, "ws_a", "alpha")
        latest = next(item for item in items if item["cause"] == "recompute")
        assert latest["scorecard_version"] == 2
        assert latest["score"] == 80.0  # 4 of 10 seats against a target of half
        assert latest["band"] == "green"
        health = (await service.client.get("/v1/accounts/alpha/health", headers=headers)).json()
        assert health["scorecard_version"] == 2
        assert [m["measure"] for m in health["health"]["measures"]] == ["licence_utilisation"]


async def test_goals_and_milestones_are_set_per_account_and_counted(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    async with running_scoring(settings, FixedClock(T0 + 20 * DAY)) as service:
        await publish(kafka_bootstrap, topic_prefix, active_account("ws_a", "alpha"))
        await settle(service, "ws_a", "alpha", 120)
        headers = service.headers("ws_a")
        too_long = await service.client.put(
            "/v1/accounts/alpha/goals",
            headers=headers,
            json={
                "goals": [
                    {
                        "name": "Quarterly reports",
                        "metric": "event_count",
                        "event": "Report Created",
                        "window": "90d",
                        "target": 100,
                    }
                ]
            },
        )
        assert too_long.status_code == 422
        assert too_long.json()["detail"]["problems"] == [
            "goals[0].window: at most 30d (the scorecard's max_goal_window)"
        ]
        goals = {
            "goals": [
                {
                    "name": "Reports",
                    "metric": "event_count",
                    "event": "Report Created",
                    "window": "14d",
                    "target": 156,
                }
            ]
        }
        put = await service.client.put("/v1/accounts/alpha/goals", headers=headers, json=goals)
        assert put.status_code == 200
        assert (await service.client.get("/v1/accounts/alpha/goals", headers=headers)).json()[
            "goals"
        ][0]["name"] == "Reports"
        milestones = {
            "milestones": [{"name": "First report", "event": "Report Created", "due_day": 3}]
        }
        put = await service.client.put(
            "/v1/accounts/alpha/milestones", headers=headers, json=milestones
        )
        assert put.status_code == 200

        async def counted() -> bool:
            health = (
                await service.client.get("/v1/accounts/alpha/health", headers=headers)
            ).json()["health"]
            parts = {m["measure"]: m for m in health["measures"]}
            return bool(parts["goal_attainment"]["available"])

        await eventually(counted)
        health = (await service.client.get("/v1/accounts/alpha/health", headers=headers)).json()
        parts = {m["measure"]: m for m in health["health"]["measures"]}
        # Stream time is day 20: the 14-day window holds days 7 to 19, 6 reports a day.
        assert parts["goal_attainment"]["value"] == 0.5
        assert parts["goal_attainment"]["detail"].startswith(
            "0 of 1 goal met; goal 'Reports' at 50%"
        )

        async def recorded() -> bool:
            items = await history(service, "ws_a", "alpha")
            return "recompute" in {item["cause"] for item in items}

        await eventually(recorded)


async def test_an_override_holds_is_audited_and_is_not_silently_replaced(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    clock = FixedClock(T0 + 20 * DAY)
    async with running_scoring(settings, clock) as service:
        await publish(kafka_bootstrap, topic_prefix, active_account("ws_a", "alpha"))
        await settle(service, "ws_a", "alpha", 120)
        headers = service.headers("ws_a")
        body = {
            "band": "red",
            "reason": "champion left; renewal at risk",
            "set_by": "aiko@example.com",
            "expires_in": "14d",
        }
        first = await service.client.put("/v1/accounts/alpha/override", headers=headers, json=body)
        assert first.status_code == 200
        assert first.json()["override"]["band"] == "red"
        again = await service.client.put(
            "/v1/accounts/alpha/override",
            headers=headers,
            json={**body, "band": "green", "set_by": "ken@example.com"},
        )
        assert again.status_code == 409
        assert "aiko@example.com" in again.json()["error"] or "aiko@example.com" in str(
            again.json()
        )

        async def overridden() -> bool:
            items = await history(service, "ws_a", "alpha")
            return any(item["cause"] == "override" for item in items)

        await eventually(overridden)
        health = (await service.client.get("/v1/accounts/alpha/health", headers=headers)).json()
        assert health["health"]["band"] == "red"
        assert health["health"]["override"]["reason"] == "champion left; renewal at risk"
        assert health["health"]["override"]["computed_band"] != "red"

        replaced = await service.client.put(
            "/v1/accounts/alpha/override",
            headers=headers,
            json={**body, "band": "yellow", "set_by": "ken@example.com", "replace": True},
        )
        assert replaced.status_code == 200
        audit = [(item["action"], item["actor"]) for item in replaced.json()["audit"]]
        assert audit[:2] == [("replaced", "ken@example.com"), ("set", "aiko@example.com")]
        cleared = await service.client.delete(
            "/v1/accounts/alpha/override?cleared_by=ken@example.com", headers=headers
        )
        assert cleared.status_code == 204
        audit_after = (
            await service.client.get("/v1/accounts/alpha/override", headers=headers)
        ).json()
        assert audit_after["override"] is None
        assert audit_after["audit"][0]["action"] == "cleared"
