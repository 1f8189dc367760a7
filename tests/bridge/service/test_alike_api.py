"""`GET /v1/themes/{id}/alike`: the themes that may be the same problem, which the console's theme
page offers a product manager to merge (the Japanese and the English reports of one problem sit
in two themes below the bars the ticket rule merges them at)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.bridge.domain.test_clustering_likeness import INVOICE_EN, SLOW_JA, SPINNING_EN
from tests.support.clocks import FixedClock
from tests.support.waiting import eventually

from .support import (
    DAY,
    T0,
    Running,
    at,
    feedback,
    publish,
    running_bridge,
    settings_for,
    themes_of,
)

WS = "acme"

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


def _reports() -> list[Any]:
    """Slow dashboards in Japanese (acct-0..3) and in English (acct-2..5), invoices (acct-6..9)."""
    groups = [(SLOW_JA, 0), (SPINNING_EN, 2), (INVOICE_EN, 6)]
    return [
        feedback(WS, f"acct-{first + n % 4}", texts[n % 3], at(1 + n * 0.1), user=f"u{first}-{n}")
        for texts, first in groups
        for n in range(9)
    ]


async def _grouped(
    bridge: Running, kafka_bootstrap: str, topic_prefix: str, events: list[Any]
) -> dict[int, set[str]]:
    """The events published and every one of them in a theme: each theme's texts."""
    await publish(kafka_bootstrap, topic_prefix, events)

    async def all_grouped() -> bool:
        themes = (await bridge.get(WS, "/v1/themes", limit="100"))["themes"]
        return sum(int(t["item_count"]) for t in themes) == len(events)

    await eventually(all_grouped)
    return await _themes_by_text(bridge)


async def _themes_by_text(bridge: Running) -> dict[int, set[str]]:
    """Every open theme's id and the texts of its items."""
    out: dict[int, set[str]] = {}
    for theme in (await bridge.get(WS, "/v1/themes", limit="100"))["themes"]:
        page = await bridge.get(WS, f"/v1/themes/{theme['theme_id']}/items", limit="500")
        out[theme["theme_id"]] = {item["text"] for item in page["items"]}
    return out


async def test_a_theme_is_offered_its_problems_theme_in_the_other_language(
    migrated_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    settings = settings_for(migrated_url, kafka_bootstrap, topic_prefix)  # no tracker
    events = _reports()
    async with running_bridge(settings, FixedClock(T0 + 3 * DAY)) as bridge:
        texts = await _grouped(bridge, kafka_bootstrap, topic_prefix, events)
        # A young stream may leave one language's reports of a problem in two or three themes:
        # any of them is "that problem in that language".
        slow_ja = {theme for theme, found in texts.items() if found <= set(SLOW_JA)}
        slow_en = {theme for theme, found in texts.items() if found <= set(SPINNING_EN)}
        invoices = {theme for theme, found in texts.items() if found <= set(INVOICE_EN)}
        assert slow_ja
        assert slow_en
        japanese = max(slow_ja, key=lambda theme: len(texts[theme]))
        english = max(slow_en, key=lambda theme: len(texts[theme]))
        listed = {t["theme_id"]: t for t in await themes_of(bridge, WS)}

        alike = await bridge.get(WS, f"/v1/themes/{japanese}/alike")
        assert alike["theme_id"] == japanese
        offered = [t["theme_id"] for t in alike["themes"]]
        # The English theme is offered, after only other themes of the Japanese reports, and no
        # theme of another problem is.
        assert english in offered
        assert set(offered[: offered.index(english)]) <= slow_ja
        assert not set(offered) & invoices
        assert japanese not in offered
        found = alike["themes"][offered.index(english)]
        assert found["main_language"] == "en"
        assert found["title"] == listed[english]["title"]
        assert found["items"] == listed[english]["item_count"]
        assert found["accounts_affected"] == listed[english]["accounts_affected"]
        assert found["likeness"] >= 0.5  # their glossary concepts: dashboard, performance
        accounts = [
            {a["account_id"] for a in (await bridge.get(WS, f"/v1/themes/{t}"))["accounts"]}
            for t in (japanese, english)
        ]
        assert found["shared_accounts"] == len(accounts[0] & accounts[1])
        assert found["ticket"] is None
        back = await bridge.get(WS, f"/v1/themes/{english}/alike", limit="1")
        assert len(back["themes"]) == 1
        assert back["themes"][0]["theme_id"] in slow_ja | (slow_en - {english})

        reader = bridge.headers(WS, ("read",))
        url = f"/v1/themes/{japanese}/alike"
        for limit in ("0", "21", "many"):
            refused = await bridge.client.get(url, params={"limit": limit}, headers=reader)
            assert refused.status_code == 422, limit
            assert refused.json()["error"]
            assert "limit" in refused.text
        unknown = await bridge.client.get("/v1/themes/999999/alike", headers=reader)
        assert unknown.status_code == 404
        other = await bridge.client.get(url, headers=bridge.headers("other", ("read",)))
        assert other.status_code == 404
        assert (await bridge.client.get(url)).status_code == 401

        # Merged by hand: the merged theme has nothing to offer; undone, the two are kept apart
        # and never offered to each other again.
        writer = bridge.headers(WS, ("write",))
        merged = await bridge.client.post(
            f"/v1/themes/{english}/merge",
            json={"into": japanese},
            headers=writer,
        )
        assert merged.status_code == 200, merged.text
        gone = await bridge.get(WS, f"/v1/themes/{english}/alike")
        assert gone == {"theme_id": english, "themes": []}
        survivor = await bridge.get(WS, url)
        assert english not in {t["theme_id"] for t in survivor["themes"]}
        undone = await bridge.client.post(f"/v1/themes/{english}/unmerge", headers=writer)
        assert undone.status_code == 200, undone.text
        apart = await bridge.get(WS, url)
        assert english not in {t["theme_id"] for t in apart["themes"]}


CHECK_IN_NOTES = [
    "Check-in: their KPI dashboard keeps the team aligned, performance reviewed",
    "Monthly check-in: the KPI dashboard is used daily, dashboard performance reviewed together",
    "Check-in call: KPI dashboard performance reviewed with their team",
]


async def test_a_theme_of_check_ins_is_not_offered_to_a_theme_of_problems(
    migrated_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    # CSM notes that name the KPI dashboard the slow-dashboard tickets name: alike in words, but
    # a product manager merges problems into problems, not into check-ins.
    settings = settings_for(migrated_url, kafka_bootstrap, topic_prefix)
    events = [
        feedback(WS, f"acct-{n % 4}", SPINNING_EN[n % 3], at(1 + n * 0.1), user=f"u{n}")
        for n in range(9)
    ] + [
        feedback(WS, f"acct-{4 + n % 4}", CHECK_IN_NOTES[n % 3], at(2 + n * 0.1), kind="csm_note")
        for n in range(9)
    ]
    async with running_bridge(settings, FixedClock(T0 + 3 * DAY)) as bridge:
        texts = await _grouped(bridge, kafka_bootstrap, topic_prefix, events)
        notes = {theme for theme, found in texts.items() if found <= set(CHECK_IN_NOTES)}
        slow = {theme for theme, found in texts.items() if found <= set(SPINNING_EN)}
        assert notes
        assert slow

        async def offered(theme: int) -> set[int]:
            found = await bridge.get(WS, f"/v1/themes/{theme}/alike")
            return {t["theme_id"] for t in found["themes"]}

        # From the notes' pages the slow-dashboard theme is offered (their words are alike) ...
        assert any([await offered(theme) & slow for theme in notes])
        # ... but the notes are never offered on the problem's pages.
        for theme in slow:
            assert not await offered(theme) & notes
