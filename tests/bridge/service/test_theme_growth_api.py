"""`GET /v1/themes/{id}/growth`: a theme's items and accounts per week (Monday to Sunday, UTC,
event time), for the console's theme page chart."""

from __future__ import annotations

import pytest

from tests.support.clocks import FixedClock
from tests.support.waiting import eventually

from .support import DAY, T0, at, feedback, publish, running_bridge, settings_for

WS = "acme"
TEXT = ["The invoice PDF download fails.", "The invoice PDF download fails again."]
# (day relative to T0, a Monday; account)
ITEMS = [(-20, "a0"), (-14, "a0"), (-13.5, "a1"), (-6, "a0"), (-5, "a0"), (-1, "a2"), (1, "a3")]

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


async def test_a_themes_growth_counts_items_and_accounts_per_week(
    migrated_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    settings = settings_for(migrated_url, kafka_bootstrap, topic_prefix)
    events = [
        feedback(WS, account, TEXT[n % 2], at(day), user=f"u{n}")
        for n, (day, account) in enumerate(ITEMS)
    ]
    async with running_bridge(settings, FixedClock(T0 + 3 * DAY)) as bridge:
        await publish(kafka_bootstrap, topic_prefix, events)

        async def all_grouped() -> bool:
            themes = (await bridge.get(WS, "/v1/themes"))["themes"]
            return sum(int(t["item_count"]) for t in themes) == len(ITEMS)

        await eventually(all_grouped)
        # However the bridge grouped them, merged by hand into one theme.
        theme, *others = (await bridge.get(WS, "/v1/themes"))["themes"]
        for other in others:
            merged = await bridge.client.post(
                f"/v1/themes/{other['theme_id']}/merge",
                json={"into": theme["theme_id"]},
                headers=bridge.headers(WS, ("write",)),
            )
            assert merged.status_code == 200, merged.text
        growth = await bridge.get(WS, f"/v1/themes/{theme['theme_id']}/growth", weeks="3")
        assert growth["theme_id"] == theme["theme_id"]
        assert [(w["week_start"], w["items"], w["accounts"]) for w in growth["weeks"]] == [
            ("2025-02-17T00:00:00Z", 2, 2),
            ("2025-02-24T00:00:00Z", 3, 2),
            ("2025-03-03T00:00:00Z", 1, 1),
        ]
        default = await bridge.get(WS, f"/v1/themes/{theme['theme_id']}/growth")
        assert len(default["weeks"]) == 12
        assert sum(w["items"] for w in default["weeks"]) == len(ITEMS)

        headers = bridge.headers(WS, ("read",))
        too_many = await bridge.client.get(
            f"/v1/themes/{theme['theme_id']}/growth", params={"weeks": "500"}, headers=headers
        )
        assert too_many.status_code == 422
        assert "weeks" in too_many.text
        unknown = await bridge.client.get("/v1/themes/999999/growth", headers=headers)
        assert unknown.status_code == 404
        other = await bridge.client.get(
            f"/v1/themes/{theme['theme_id']}/growth", headers=bridge.headers("other", ("read",))
        )
        assert other.status_code == 404
