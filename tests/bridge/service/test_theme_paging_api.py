"""What the console's theme page asks for without taking everything: a theme's items page by page
(`GET /v1/themes/{id}/items`), and themes found by their title (`GET /v1/themes?q=`)."""

from __future__ import annotations

import pytest

from tests.support.clocks import FixedClock

from .support import (
    DAY,
    T0,
    invoice_and_login,
    invoice_and_login_feedback,
    publish,
    running_bridge,
    settings_for,
)

WS = "acme"

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


async def test_a_themes_items_come_page_by_page_and_themes_are_found_by_title(
    migrated_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    settings = settings_for(migrated_url, kafka_bootstrap, topic_prefix)
    events = invoice_and_login_feedback(WS)
    async with running_bridge(settings, FixedClock(T0 + 3 * DAY)) as bridge:
        await publish(kafka_bootstrap, topic_prefix, events)
        invoice, login = await invoice_and_login(bridge, WS)
        path = f"/v1/themes/{invoice['theme_id']}/items"

        pages = []
        offset: int | None = 0
        while offset is not None:
            page = await bridge.get(WS, path, limit=5, offset=offset)
            pages.append(page)
            offset = page["next_offset"]
        assert [len(page["items"]) for page in pages] == [5, 5, 2]
        assert {page["item_count"] for page in pages} == {12}
        paged = [item for page in pages for item in page["items"]]
        # Every item once, newest first: the same order as the theme's latest items.
        everything = await bridge.get(WS, f"/v1/themes/{invoice['theme_id']}", items=50)
        assert [i["feedback_id"] for i in paged] == [i["feedback_id"] for i in everything["items"]]
        assert len({i["feedback_id"] for i in paged}) == 12
        times = [item["occurred_at"] for item in paged]
        assert times == sorted(times, reverse=True)

        reader = bridge.headers(WS, ("read",))
        assert (await bridge.client.get("/v1/themes/9999/items", headers=reader)).status_code == 404
        too_many = await bridge.client.get(path, params={"limit": 501}, headers=reader)
        assert too_many.status_code == 422
        assert "limit" in too_many.text
        other = bridge.headers("other-ws", ("read",))
        assert (await bridge.client.get(path, headers=other)).status_code == 404

        renamed = await bridge.client.patch(
            f"/v1/themes/{login['theme_id']}",
            json={"title": "SSO via Okta (50% of enterprise)"},
            headers=bridge.headers(WS, ("write",)),
        )
        assert renamed.status_code == 200

        async def found(q: str) -> list[int]:
            listed = await bridge.get(WS, "/v1/themes", q=q)
            return [theme["theme_id"] for theme in listed["themes"]]

        # The title a PM gave, in any case; the generated title of the others.
        assert await found("sso VIA okta") == [login["theme_id"]]
        assert await found("invoice") == [invoice["theme_id"]]
        assert await found("50%") == [login["theme_id"]]
        # What the reader typed is text, not a pattern.
        assert await found("5_%") == []
        assert await found("no such words") == []
        assert len(await found("  ")) == 2
        nul = await bridge.client.get("/v1/themes", params={"q": "a\x00b"}, headers=reader)
        assert nul.status_code == 422
        assert "q" in nul.text
