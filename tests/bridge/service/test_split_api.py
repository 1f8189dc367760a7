"""A product manager splits items off a theme: a new theme with a stable id holds exactly them,
later clustering never pulls them back, and a restart keeps it so."""

from __future__ import annotations

import re

import pytest

from banso_contracts.events import Event
from tests.bridge.adapters.trackers import FakeGitHub
from tests.support.clocks import FixedClock
from tests.support.events import traits
from tests.support.http import serve
from tests.support.waiting import eventually

from .support import (
    DAY,
    INVOICE,
    T0,
    Running,
    at,
    feedback,
    github_settings,
    invoice_and_login,
    invoice_and_login_feedback,
    publish,
    running_bridge,
    settings_for,
    themes_of,
)

WS = "acme"

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


async def _consolidations(bridge: Running) -> float:
    text = (await bridge.client.get("/metrics")).text
    return sum(
        float(value)
        for value in re.findall(r"^banso_bridge_consolidations_total\{[^}]*\} (\S+)$", text, re.M)
    )


async def test_split_off_items_into_a_new_theme_that_keeps_them(
    migrated_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    settings = settings_for(migrated_url, kafka_bootstrap, topic_prefix)
    events = invoice_and_login_feedback(WS)
    async with running_bridge(settings, FixedClock(T0 + 3 * DAY)) as bridge:
        await publish(kafka_bootstrap, topic_prefix, events)

        invoice, login = await invoice_and_login(bridge, WS)
        writer = {**bridge.headers(WS, ("write",)), "X-Banso-Actor": "pm@acme.example"}
        url = f"/v1/themes/{invoice['theme_id']}/split"
        detail = await bridge.get(WS, f"/v1/themes/{invoice['theme_id']}")
        own = [str(item["feedback_id"]) for item in detail["items"]]
        chosen = own[:3]
        other = (await bridge.get(WS, f"/v1/themes/{login['theme_id']}"))["items"][0]

        # Bad requests say what is wrong and change nothing.
        assert (
            await bridge.client.post(url, json={"items": []}, headers=writer)
        ).status_code == 422
        missing = await bridge.client.post(
            "/v1/themes/9999/split", json={"items": chosen}, headers=writer
        )
        assert missing.status_code == 404
        foreign = await bridge.client.post(
            url, json={"items": [chosen[0], other["feedback_id"]]}, headers=writer
        )
        assert foreign.status_code == 400
        assert foreign.json()["detail"]["items"] == [other["feedback_id"]]
        assert other["feedback_id"] in foreign.json()["detail"]["message"]
        everything = await bridge.client.post(url, json={"items": own}, headers=writer)
        assert everything.status_code == 409
        reader = bridge.headers(WS, ("read",))
        assert (
            await bridge.client.post(url, json={"items": chosen}, headers=reader)
        ).status_code == 403
        assert (await bridge.get(WS, f"/v1/themes/{invoice['theme_id']}"))["item_count"] == 12

        split = await bridge.client.post(
            url, json={"items": chosen, "title": "PDF export on Safari"}, headers=writer
        )
        assert split.status_code == 200, split.text
        answer = split.json()
        new_id = answer["split"]["theme_id"]
        assert new_id not in {invoice["theme_id"], login["theme_id"]}
        assert answer["split"]["title"] == "PDF export on Safari"
        assert answer["split"]["split_from"] == invoice["theme_id"]
        assert answer["split"]["item_count"] == 3
        assert answer["split"]["accounts_affected"] == len(
            {item["account_id"] for item in detail["items"] if item["feedback_id"] in chosen}
        )
        assert answer["original"]["item_count"] == 9
        assert answer["actor"] == "pm@acme.example"
        new = await bridge.get(WS, f"/v1/themes/{new_id}")
        assert {item["feedback_id"] for item in new["items"]} == set(chosen)
        assert new["keywords"]
        assert new["languages"] == {"en": 1.0}
        assert new["split"]["split_from"] == invoice["theme_id"]
        assert new["split"]["items"] == 3
        assert new["split"]["actor"] == "pm@acme.example"

        # A split-off or merged-away theme cannot be split again the same way.
        again = await bridge.client.post(url, json={"items": chosen[:1]}, headers=writer)
        assert again.status_code == 400
        muted = await bridge.client.patch(
            f"/v1/themes/{login['theme_id']}", json={"muted": True}, headers=writer
        )
        assert muted.status_code == 200
        login_items = (await bridge.get(WS, f"/v1/themes/{login['theme_id']}"))["items"]
        refused = await bridge.client.post(
            f"/v1/themes/{login['theme_id']}/split",
            json={"items": [login_items[0]["feedback_id"]]},
            headers=writer,
        )
        assert refused.status_code == 409

        # More of the same problem, enough for a refit and a consolidation pass.
        before = await _consolidations(bridge)
        more = [
            feedback(WS, f"acct-{n % 5}", INVOICE[n % 2], at(2 + n * 0.01), user=f"v{n}")
            for n in range(16)
        ]
        await publish(kafka_bootstrap, topic_prefix, more)

        async def placed() -> bool:
            themes = await themes_of(bridge, WS)
            return sum(int(str(t["item_count"])) for t in themes) == 28  # login is muted

        await eventually(placed)
        assert await _consolidations(bridge) > before
        new = await bridge.get(WS, f"/v1/themes/{new_id}")
        assert new["status"] == "open"
        assert set(chosen) <= {item["feedback_id"] for item in new["items"]}
        assert (await bridge.get(WS, f"/v1/themes/{invoice['theme_id']}"))["status"] == "open"

    # A restart rebuilds the clusterer from the database: the split holds.
    async with running_bridge(settings, FixedClock(T0 + 4 * DAY)) as bridge:
        await publish(
            kafka_bootstrap,
            topic_prefix,
            [feedback(WS, "acct-7", INVOICE[0], at(3 + n * 0.01), user=f"w{n}") for n in range(8)],
        )

        async def arrived() -> bool:
            themes = await themes_of(bridge, WS)
            return sum(int(str(t["item_count"])) for t in themes) == 36

        await eventually(arrived)
        new = await bridge.get(WS, f"/v1/themes/{new_id}", items=100)
        assert new["status"] == "open"
        assert set(chosen) <= {item["feedback_id"] for item in new["items"]}
        original = await bridge.get(WS, f"/v1/themes/{invoice['theme_id']}")
        assert original["status"] == "open"
        assert original["merged_into"] is None


async def test_the_new_theme_gets_its_own_ticket_and_the_original_keeps_its_own(
    migrated_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    github = FakeGitHub()
    async with serve(github.app()) as base:
        settings = settings_for(
            migrated_url, kafka_bootstrap, topic_prefix, **github_settings(base)
        )
        accounts = [f"acct-{n}" for n in range(6)]
        events: list[Event] = [traits(WS, a, at(0), arr=50_000.0) for a in accounts]
        events += [
            feedback(WS, accounts[n % 6], INVOICE[n % 2], at(1 + n * 0.1), user=f"u{n % 6}")
            for n in range(24)
        ]
        async with running_bridge(settings, FixedClock(T0 + 3 * DAY)) as bridge:
            await publish(kafka_bootstrap, topic_prefix, events)

            async def ticketed() -> bool:
                tickets = (await bridge.get(WS, "/v1/tickets"))["tickets"]
                return bool(tickets) and tickets[0]["state"] == "created"

            await eventually(ticketed)
            (ticket,) = (await bridge.get(WS, "/v1/tickets"))["tickets"]
            theme_id = ticket["theme_id"]
            detail = await bridge.get(WS, f"/v1/themes/{theme_id}", items=100)
            # Every item of three of the six accounts: enough accounts for a ticket of its own.
            chosen = [
                item["feedback_id"]
                for item in detail["items"]
                if item["account_id"] in {"acct-0", "acct-1", "acct-2"}
            ]
            assert len(chosen) == 12
            split = await bridge.client.post(
                f"/v1/themes/{theme_id}/split",
                json={"items": chosen},
                headers=bridge.headers(WS, ("write",)),
            )
            assert split.status_code == 200, split.text
            new_id = split.json()["split"]["theme_id"]
            assert split.json()["split"]["accounts_affected"] == 3
            assert split.json()["split"]["arr_affected"] == 150_000.0
            assert split.json()["original"]["accounts_affected"] == 3

            async def both_ticketed() -> bool:
                tickets = (await bridge.get(WS, "/v1/tickets"))["tickets"]
                return sorted((t["theme_id"], t["state"]) for t in tickets) == sorted(
                    [(theme_id, "created"), (new_id, "created")]
                )

            # Ticketed by the normal rules (three accounts): a ticket of its own.
            await eventually(both_ticketed)
            assert github.created() == 2
            original = await bridge.get(WS, f"/v1/themes/{theme_id}")
            assert original["ticket"]["external_key"] == ticket["external_key"]
            assert (await bridge.get(WS, f"/v1/themes/{new_id}"))["status"] == "ticketed"
