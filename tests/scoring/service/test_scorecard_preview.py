"""POST /v1/scorecard/preview: how many accounts a draft scorecard would move to another band,
without changing anything; and the validation problems of a draft, with their line."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from banso_scoring.config import ScoringSettings
from banso_scoring.domain.scorecard_yaml import default_scorecard_text
from tests.support.clocks import FixedClock
from tests.support.waiting import eventually

from .portfolio_data import sample_workspace
from .support import DAY, T0, Running, publish, running_scoring

pytestmark = pytest.mark.kafka

SETTLED = {"northwind": "red", "globex": "yellow", "initech": "green"}
# The default scorecard with lower band boundaries: what was red or yellow turns a band greener.
LENIENT = default_scorecard_text().replace(
    "bands: {green: 70, yellow: 40}", "bands: {green: 30, yellow: 10}"
)


async def bands(service: Running, workspace: str) -> dict[str, str]:
    response = await service.client.get(
        "/v1/portfolio", headers=service.headers(workspace, ["read"])
    )
    assert response.status_code == 200, response.text
    return {row["account_id"]: row["band"] for row in response.json()["accounts"]}


async def settled(service: Running, workspace: str) -> None:
    async def done() -> bool:
        return await bands(service, workspace) == SETTLED

    await eventually(done)


async def preview(
    service: Running, workspace: str, body: str, query: str = ""
) -> tuple[int, dict[str, Any]]:
    response = await service.client.post(
        f"/v1/scorecard/preview{query}",
        headers=service.headers(workspace, ["read"]),
        content=body.encode(),
    )
    body_json: dict[str, Any] = response.json()
    return response.status_code, body_json


async def test_a_draft_scorecard_is_previewed_band_by_band_and_nothing_changes(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    day0 = datetime.fromtimestamp(T0, tz=UTC)
    async with running_scoring(settings, FixedClock(T0 + 20 * DAY)) as service:
        await publish(
            kafka_bootstrap,
            topic_prefix,
            sample_workspace("ws_a", day0) + sample_workspace("ws_b", day0)[:1],
        )
        await settled(service, "ws_a")

        status, same = await preview(service, "ws_a", default_scorecard_text())
        assert status == 200, same
        assert same["scorecard_version"] == 1
        assert (same["total"], same["evaluated"], same["complete"]) == (3, 3, True)
        assert same["before"] == {"green": 1, "yellow": 1, "red": 1, "unknown": 0}
        assert same["after"] == same["before"]
        assert (same["changed"], same["changes"]) == (0, [])

        status, lenient = await preview(service, "ws_a", LENIENT)
        assert status == 200, lenient
        assert lenient["before"] == {"green": 1, "yellow": 1, "red": 1, "unknown": 0}
        assert lenient["after"]["red"] == 0
        assert lenient["changed"] == 2
        moved = {c["account_id"]: (c["before_band"], c["after_band"]) for c in lenient["changes"]}
        assert moved["globex"] == ("yellow", "green")
        assert moved["northwind"][0] == "red"
        assert moved["northwind"][1] in {"yellow", "green"}
        northwind = next(c for c in lenient["changes"] if c["account_id"] == "northwind")
        assert (northwind["name"], northwind["arr"]) == ("Northwind Traders", 120_000)

        status, first = await preview(service, "ws_a", LENIENT, "?limit=1")
        assert status == 200
        assert (len(first["changes"]), first["next_offset"], first["changed"]) == (1, 1, 2)
        status, second = await preview(service, "ws_a", LENIENT, "?limit=1&offset=1")
        assert second["next_offset"] is None
        paged = {first["changes"][0]["account_id"], second["changes"][0]["account_id"]}
        assert paged == {"globex", "northwind"}

        # A preview is read-only: the scorecard in force and every band stay as they were.
        current = await service.client.get(
            "/v1/scorecard", headers=service.headers("ws_a", ["read"])
        )
        assert current.json()["version"] == 1
        assert await bands(service, "ws_a") == SETTLED

        # Another workspace's preview counts only its own account.
        status, other = await preview(service, "ws_b", LENIENT)
        assert (status, other["total"], other["evaluated"]) == (200, 1, 1)


async def test_an_override_in_force_keeps_its_band_under_the_draft(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    day0 = datetime.fromtimestamp(T0, tz=UTC)
    async with running_scoring(settings, FixedClock(T0 + 20 * DAY)) as service:
        await publish(kafka_bootstrap, topic_prefix, sample_workspace("ws_a", day0))
        await settled(service, "ws_a")
        put = await service.client.put(
            "/v1/accounts/globex/override",
            headers=service.headers("ws_a"),
            json={
                "band": "yellow",
                "reason": "renewal talks",
                "set_by": "csm@vendor.example",
                "expires_in": "30d",
            },
        )
        assert put.status_code == 200, put.text
        status, lenient = await preview(service, "ws_a", LENIENT)
        assert status == 200
        assert "globex" not in {c["account_id"] for c in lenient["changes"]}


async def test_an_invalid_draft_names_each_field_and_its_line(
    settings: ScoringSettings,
) -> None:
    async with running_scoring(settings, FixedClock(T0 + 20 * DAY)) as service:
        draft = default_scorecard_text().replace("top_drivers: 3", "top_drivers: 3\nbogus: 1")
        draft = draft.replace("    window: 7d\n", "    window: 1 week\n", 1)
        lines = draft.splitlines()
        status, body = await preview(service, "ws_a", draft)
        assert status == 422
        located = body["detail"]["located"]
        by_field = {problem["field"]: problem for problem in located}
        assert set(by_field) == {"measures[1].window", "bogus"}
        assert lines[by_field["bogus"]["line"] - 1] == "bogus: 1"
        assert lines[by_field["measures[1].window"]["line"] - 1].strip() == "window: 1 week"
        assert by_field["bogus"]["message"] == "unknown field"
        assert (by_field["bogus"]["code"], by_field["bogus"]["params"]) == ("extra_forbidden", {})

        status, broken = await preview(service, "ws_a", "bands: {green: 70\nname: x\n")
        assert status == 422
        [problem] = broken["detail"]["located"]
        assert problem["field"] is None
        assert problem["line"] == 2
        assert problem["code"] == "yaml_syntax"

        put = await service.client.put(
            "/v1/scorecard", headers=service.headers("ws_a"), content=draft.encode()
        )
        assert put.status_code == 422
        assert put.json()["detail"]["located"] == located

        too_big = await service.client.post(
            "/v1/scorecard/preview",
            headers=service.headers("ws_a", ["read"]),
            content=b"#" * (300 * 1024),
        )
        assert too_big.status_code == 400
