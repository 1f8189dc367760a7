"""`GET /v1/accounts/{account}/feedback`: what one account said, newest first, each item with the
theme it went into (a merged theme's survivor) — the console's account page reads it."""

from __future__ import annotations

import pytest

from banso_contracts.events import Event
from tests.support.clocks import FixedClock
from tests.support.waiting import eventually

from .support import (
    DAY,
    INVOICE,
    LOGIN,
    T0,
    at,
    feedback,
    publish,
    running_bridge,
    settings_for,
)

WS = "acme"

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


NOTE = "QBR: they want single sign-on before the renewal."
NOTED = "acme_touch"


def _events() -> list[Event]:
    events: list[Event] = []
    for n in range(12):
        events.append(feedback(WS, f"acct-{n % 4}", INVOICE[n % 2], at(1 + n * 0.1), user=f"u{n}"))
        events.append(feedback(WS, f"acct-{n % 4}", LOGIN[n % 2], at(1 + n * 0.2), user=f"u{n}"))
    # A CS touch logged in the console (in a workspace of its own): a CSM note with its author.
    note = feedback(NOTED, "acct-0", NOTE, at(0.5), kind="csm_note")
    events.append(note.model_copy(update={"author": "console: aiko@vendor.example"}))
    return events


async def test_an_accounts_feedback_with_its_themes_follows_a_merge(
    migrated_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    settings = settings_for(migrated_url, kafka_bootstrap, topic_prefix)
    async with running_bridge(settings, FixedClock(T0 + 3 * DAY)) as bridge:
        await publish(kafka_bootstrap, topic_prefix, _events())

        async def two_themes() -> bool:
            themes = (await bridge.get(WS, "/v1/themes"))["themes"]
            return sum(int(t["item_count"]) for t in themes) == 24 and len(themes) == 2

        await eventually(two_themes)
        themes = (await bridge.get(WS, "/v1/themes"))["themes"]
        invoice, login = sorted(themes, key=lambda t: "invoice" not in str(t["keywords"]))

        body = await bridge.get(WS, "/v1/accounts/acct-1/feedback")
        assert body["account_id"] == "acct-1"
        items = body["items"]
        # n = 1, 5, 9: three invoice and three login items, newest first
        assert len(items) == 6
        assert {item["account_id"] for item in items} == {"acct-1"}
        moments = [item["occurred_at"] for item in items]
        assert moments == sorted(moments, reverse=True)
        by_text = {item["text"]: item["theme"]["theme_id"] for item in items}
        assert by_text[INVOICE[1]] == invoice["theme_id"]
        assert by_text[LOGIN[1]] == login["theme_id"]
        assert {item["ticket"] is None for item in items} == {True}
        assert {item["author"] for item in items} == {None}  # the customers' own words

        async def noted() -> bool:
            return bool((await bridge.get(NOTED, "/v1/accounts/acct-0/feedback"))["items"])

        await eventually(noted)
        [note] = (await bridge.get(NOTED, "/v1/accounts/acct-0/feedback"))["items"]
        assert (note["kind"], note["author"]) == ("csm_note", "console: aiko@vendor.example")

        limited = await bridge.get(WS, "/v1/accounts/acct-1/feedback", limit="2")
        assert [i["feedback_id"] for i in limited["items"]] == [i["feedback_id"] for i in items[:2]]
        too_many = await bridge.client.get(
            "/v1/accounts/acct-1/feedback",
            params={"limit": "1000"},
            headers=bridge.headers(WS, ("read",)),
        )
        assert too_many.status_code in (400, 422)
        assert "limit" in too_many.text
        assert (await bridge.get(WS, "/v1/accounts/nobody/feedback"))["items"] == []
        # another workspace's reader sees none of it
        assert (await bridge.get("other", "/v1/accounts/acct-1/feedback"))["items"] == []

        merged = await bridge.client.post(
            f"/v1/themes/{login['theme_id']}/merge",
            json={"into": invoice["theme_id"]},
            headers=bridge.headers(WS, ("write",)),
        )
        assert merged.status_code == 200, merged.text
        after = await bridge.get(WS, "/v1/accounts/acct-1/feedback")
        assert {item["theme"]["theme_id"] for item in after["items"]} == {invoice["theme_id"]}
        assert {item["theme"]["title"] for item in after["items"]} == {invoice["title"]}
