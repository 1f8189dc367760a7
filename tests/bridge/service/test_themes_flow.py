"""Feedback, traits and health from the real broker become themes with evidence, on both databases."""

from __future__ import annotations

import pytest

from banso_bridge.domain.text import TextPipeline
from banso_contracts.events import Event
from tests.bridge.domain.streams import topic_stream
from tests.support.clocks import FixedClock
from tests.support.events import traits
from tests.support.waiting import eventually

from .support import (
    DAY,
    T0,
    Running,
    at,
    feedback,
    health,
    publish,
    running_bridge,
    settings_for,
    ticket_topic,
)

WS = "acme"

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


async def test_feedback_becomes_prioritised_themes_with_evidence(
    migrated_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    settings = settings_for(migrated_url, kafka_bootstrap, topic_prefix, idle_consolidation_s=0.5)
    clock = FixedClock(T0 + 40 * DAY)
    pairs = topic_stream(per_topic=12)
    accounts = [f"acct-{n}" for n in range(8)]
    events: list[Event] = [
        traits(WS, a, at(0), arr=10_000.0 * (n + 1), name=f"Account {n}")
        for n, a in enumerate(accounts)
    ]
    events += [health(WS, "acct-0", "red", at(1)), health(WS, "acct-1", "yellow", at(1))]
    for n, (_, text) in enumerate(pairs):
        if n == 0:
            text += " 連絡先 taro@example.co.jp 090-1234-5678"
        events.append(
            feedback(WS, accounts[n % len(accounts)], text, at(10 + n * 0.4), user=f"user-{n % 5}")
        )
    # Another workspace's feedback never shows up in acme's themes.
    events.append(feedback("other", "acct-x", "The invoice PDF download fails.", at(20)))

    async with running_bridge(settings, clock) as bridge:
        await publish(kafka_bootstrap, topic_prefix, events)

        async def all_placed() -> bool:
            body = await bridge.get(WS, "/v1/themes", limit=500)
            placed: int = sum(theme["item_count"] for theme in body["themes"])
            return placed == len(pairs)

        await eventually(all_placed)
        # Let the idle consolidation pass run (the stream pauses).
        clock.advance(10)
        await eventually(lambda: _consolidated(bridge))

        themes = (await bridge.get(WS, "/v1/themes", limit=500))["themes"]
        assert sum(theme["item_count"] for theme in themes) == len(pairs)
        priorities = [theme["priority"] for theme in themes]
        assert priorities == sorted(priorities, reverse=True)
        pipeline = TextPipeline()
        for theme in themes:
            detail = await bridge.get(WS, f"/v1/themes/{theme['theme_id']}", items=100)
            texts = [item["text"] for item in detail["items"]]
            assert len(texts) == theme["item_count"]
            # Evidence adds up: accounts, ARR and the at-risk share come from the account copies.
            assert len(detail["accounts"]) == theme["accounts_affected"]
            assert theme["arr_affected"] == pytest.approx(
                sum(a["arr"] or 0 for a in detail["accounts"])
            )
            at_risk = sum(a["band"] in {"yellow", "red"} for a in detail["accounts"])
            assert theme["at_risk_share"] == pytest.approx(
                at_risk / len(detail["accounts"]), abs=1e-3
            )
            # Labels are words of the items; quotes are items, redacted.
            words = {t.surface for text in texts for t in pipeline.process(text).tokens}
            assert set(theme["keywords"]) <= words
            assert set(theme["quotes"]) <= set(texts)
            for text in texts:
                assert "@" not in text
                assert "090-1234" not in text
        first = await bridge.get(WS, "/v1/themes", limit=500)
        placeholders = [
            item["text"]
            for theme in first["themes"]
            for item in (await bridge.get(WS, f"/v1/themes/{theme['theme_id']}", items=100))[
                "items"
            ]
            if "[EMAIL]" in item["text"]
        ]
        assert len(placeholders) == 1
        assert "[PHONE]" in placeholders[0]
        # Japanese and English reports of a problem do not share words here: themes stay in one
        # language.
        big = [theme for theme in themes if theme["item_count"] >= 6]
        assert big
        assert all(len(theme["languages"]) == 1 for theme in big)

        other = (await bridge.get("other", "/v1/themes"))["themes"]
        assert sum(theme["item_count"] for theme in other) == 1
        unauthenticated = await bridge.client.get("/v1/themes")
        assert unauthenticated.status_code == 401

    published = await ticket_topic(kafka_bootstrap, topic_prefix)
    created = {
        payload["theme_id"] for kind, payload in published if kind == "banso.theme.created.v1"
    }
    assert {str(theme["theme_id"]) for theme in themes} <= created


async def _consolidated(bridge: Running) -> bool:
    metrics = (await bridge.client.get("/metrics")).text
    return 'banso_bridge_consolidations_total{refit="yes"}' in metrics and _idle_pass_ran(metrics)


def _idle_pass_ran(metrics: str) -> bool:
    # Passes so far: the stream's own (at 8, 16, 32 items) plus the idle one.
    total = 0.0
    for line in metrics.splitlines():
        if line.startswith("banso_bridge_consolidations_total{"):
            total += float(line.rsplit(" ", 1)[1])
    return total >= 4
