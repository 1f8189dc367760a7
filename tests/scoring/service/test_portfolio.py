"""GET /v1/portfolio: accounts with their traits and health, filtered, sorted and paged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from banso_scoring.config import ScoringSettings
from tests.support.clocks import FixedClock
from tests.support.events import traits
from tests.support.waiting import eventually

from .portfolio_data import sample_workspace
from .support import DAY, T0, Running, publish, running_scoring

pytestmark = pytest.mark.kafka

BANDS = {"northwind": "red", "globex": "yellow", "initech": "green"}


async def page(service: Running, workspace: str, query: str = "") -> dict[str, Any]:
    response = await service.client.get(
        f"/v1/portfolio{query}", headers=service.headers(workspace, ["read"])
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_portfolio_lists_traits_and_health_sorted_filtered_and_paged(
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
            rows = (await page(service, "ws_a"))["accounts"]
            return {row["account_id"]: row["band"] for row in rows} == BANDS

        await eventually(evaluated)
        everything = await page(service, "ws_a")
        assert [row["account_id"] for row in everything["accounts"]] == [
            "northwind",
            "globex",
            "initech",
        ]
        northwind = everything["accounts"][0]
        assert northwind["name"] == "Northwind Traders"
        assert northwind["plan"] == "enterprise"
        assert northwind["arr"] == 120_000
        assert northwind["csm"] == "hanako@vendor.example"
        assert northwind["seats"] == 50
        assert northwind["renewal_at"].startswith("2025-05-02")
        assert northwind["score"] < 40
        assert everything["total"] == 3
        assert everything["arr"] == 920_000
        assert everything["arr_by_band"] == {"red": 120_000, "yellow": 300_000, "green": 500_000}

        by_arr = await page(service, "ws_a", "?sort=-arr")
        assert [row["account_id"] for row in by_arr["accounts"]] == [
            "initech",
            "globex",
            "northwind",
        ]
        by_name = await page(service, "ws_a", "?sort=name")
        assert [row["name"] for row in by_name["accounts"]] == [
            "Globex",
            "Initech",
            "Northwind Traders",
        ]
        searched = await page(service, "ws_a", "?q=NORTH")
        assert [row["account_id"] for row in searched["accounts"]] == ["northwind"]
        owned = await page(service, "ws_a", "?csm=hanako@vendor.example&sort=-arr")
        assert [row["account_id"] for row in owned["accounts"]] == ["initech", "northwind"]
        risky = await page(service, "ws_a", "?band=red&band=yellow&plan=pro")
        assert [row["account_id"] for row in risky["accounts"]] == ["globex"]
        assert risky["arr"] == 300_000

        first = await page(service, "ws_a", "?limit=2")
        assert [row["account_id"] for row in first["accounts"]] == ["northwind", "globex"]
        assert first["next_offset"] == 2
        second = await page(service, "ws_a", "?limit=2&offset=2")
        assert [row["account_id"] for row in second["accounts"]] == ["initech"]
        assert second["next_offset"] is None
        assert second["total"] == 3

        other = await page(service, "ws_b")
        assert [row["account_id"] for row in other["accounts"]] == ["northwind"]
        assert other["total"] == 1

        bad = await service.client.get(
            "/v1/portfolio?sort=colour", headers=service.headers("ws_a", ["read"])
        )
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["field"] == "query.sort"
        assert (await service.client.get("/v1/portfolio")).status_code == 401


async def test_renewals_in_a_window_and_traits_that_change_show_in_the_portfolio(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    day0 = datetime.fromtimestamp(T0, tz=UTC)
    async with running_scoring(settings, FixedClock(T0 + 20 * DAY)) as service:
        await publish(kafka_bootstrap, topic_prefix, sample_workspace("ws_r", day0))

        async def evaluated() -> bool:
            rows = (await page(service, "ws_r"))["accounts"]
            return {row["account_id"]: row["band"] for row in rows} == BANDS

        await eventually(evaluated)
        # Globex is renamed and given a renewal date: the stored account row follows.
        renewal = (day0 + timedelta(days=55)).date().isoformat()
        await publish(
            kafka_bootstrap,
            topic_prefix,
            [traits("ws_r", "globex", day0 + timedelta(days=19), name="Globex Japan",
                    renewal_date=renewal)],
        )  # fmt: skip

        async def renamed() -> bool:
            rows = (await page(service, "ws_r", "?q=japan"))["accounts"]
            return [row["account_id"] for row in rows] == ["globex"]

        await eventually(renamed)
        after = (day0 + timedelta(days=50)).isoformat().replace("+00:00", "Z")
        before = (day0 + timedelta(days=60)).isoformat().replace("+00:00", "Z")
        window = await page(
            service, "ws_r", f"?renewal_after={after}&renewal_before={before}&sort=renewal"
        )
        assert [row["account_id"] for row in window["accounts"]] == ["globex"]
        assert window["accounts_by_band"] == {"yellow": 1}
        assert window["arr_by_band"] == {"yellow": 300_000}
        wider = await page(service, "ws_r", f"?renewal_after={after}&sort=-renewal")
        assert [row["account_id"] for row in wider["accounts"]] == ["northwind", "globex"]
        assert wider["accounts_by_band"] == {"red": 1, "yellow": 1}

        naive = await service.client.get(
            "/v1/portfolio?renewal_before=2025-05-01T00:00:00",
            headers=service.headers("ws_r", ["read"]),
        )
        assert naive.status_code == 422
        assert naive.json()["detail"][0]["field"] == "query.renewal_before"


async def test_an_owner_given_as_an_object_owns_the_account_by_e_mail_and_is_named(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    """A `csm` trait that is an object (name and e-mail) makes its CSM the account's owner: the
    account page reads their name and e-mail, and the owner filter finds the account by that
    e-mail, beside an account whose `csm` is the same e-mail as a string."""
    day0 = datetime.fromtimestamp(T0, tz=UTC)
    brooks = {"name": "Michael Brooks", "email": "michael.brooks@vendor.example"}
    async with running_scoring(settings, FixedClock(T0 + 20 * DAY)) as service:
        await publish(
            kafka_bootstrap,
            topic_prefix,
            [
                traits("ws_o", "brooksco", day0, name="Brooks Co", arr=2_000, csm=brooks),
                traits("ws_o", "plainco", day0, name="Plain Co", arr=1_000,
                       csm="michael.brooks@vendor.example"),
                traits("ws_o", "otherco", day0, name="Other Co", csm_email="aiko@vendor.example"),
            ],
        )  # fmt: skip

        async def listed() -> bool:
            total: int = (await page(service, "ws_o"))["total"]
            return total == 3

        await eventually(listed)
        health = await service.client.get(
            "/v1/accounts/brooksco/health", headers=service.headers("ws_o", ["read"])
        )
        assert health.status_code == 200, health.text
        owner = {key: health.json()["traits"][key] for key in ("csm", "csm_name")}
        assert owner == {"csm": "michael.brooks@vendor.example", "csm_name": "Michael Brooks"}
        owned = await page(service, "ws_o", "?csm=Michael.Brooks@vendor.example&sort=-arr")
        assert [row["account_id"] for row in owned["accounts"]] == ["brooksco", "plainco"]
        assert [row["csm"] for row in owned["accounts"]] == ["michael.brooks@vendor.example"] * 2
        aikos = await page(service, "ws_o", "?csm=aiko@vendor.example")
        assert [row["account_id"] for row in aikos["accounts"]] == ["otherco"]
