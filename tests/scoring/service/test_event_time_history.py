"""History in event time: the same 60 days of events sent live in order, and sent again to a
fresh workspace in one shuffled import burst, give the same health on every day; the history
API filters, pages and answers one point per event-time day."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest

from banso_scoring.config import ScoringSettings
from tests.support.clocks import FixedClock
from tests.support.events import traits
from tests.support.waiting import eventually

from .support import DAY, T0, Running, at, publish, running_scoring, usage

pytestmark = pytest.mark.kafka
DAYS = 60
ACTIVE_DAYS = DAYS - 21
USERS = 10
EVENTS = USERS * ACTIVE_DAYS * 2


def small_account(workspace: str, *, live: bool) -> list[Any]:
    """Ten users signed up 60 days ago, used the product daily until 21 days ago, never did
    the onboarding key action. Live: each event reaches ingest a minute after it happened;
    otherwise all of it is imported on day 60."""
    imported = at(DAYS, 1)

    def received(moment: Any) -> Any:
        return moment + timedelta(minutes=1) if live else imported

    opened = at(0, 8)
    events: list[Any] = [
        traits(workspace, "acme", opened, seats=12, plan="starter", created_at=opened.isoformat())
    ]
    if not live:
        events[0] = events[0].model_copy(update={"received_at": imported})
    for day in range(ACTIVE_DAYS):
        for user in range(USERS):
            for hour, name in ((9.0, "Page Viewed"), (15.0, "Report Viewed")):
                moment = at(day, hour + user * 0.1)
                events.append(usage(workspace, "acme", f"u{user}", name, moment, received(moment)))
    return events


async def applied(service: Running, workspace: str, events: int) -> dict[str, Any]:
    headers = service.headers(workspace)
    body: dict[str, Any] = {}

    async def done() -> bool:
        response = await service.client.get("/v1/accounts/acme/health", headers=headers)
        if response.status_code != 200:
            return False
        body.update(response.json())
        return bool(body["applied"]["events"] == events)

    await eventually(done)
    return body


async def days_of(service: Running, workspace: str) -> list[dict[str, Any]]:
    """Every day point, oldest first, once every day before today is closed and none is
    waiting to be recorded again."""
    headers = service.headers(workspace)

    async def closed() -> bool:
        response = await service.client.get("/v1/accounts/acme/health", headers=headers)
        done = response.json()["applied"]
        return bool(
            done["history_through"] == at(DAYS - 1).date().isoformat()
            and done["history_pending_from"] is None
        )

    await eventually(closed)
    response = await service.client.get(
        "/v1/accounts/acme/health/history",
        params={"granularity": "day", "limit": 1000},
        headers=headers,
    )
    assert response.status_code == 200
    return list(reversed(response.json()["items"]))


async def test_a_shuffled_backfill_draws_the_same_days_as_live_traffic(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    # While the live events stream in, the clock stays behind them: stream time is theirs.
    clock = FixedClock(T0)
    async with running_scoring(settings, clock) as service:
        await publish(kafka_bootstrap, topic_prefix, small_account("ws_live", live=True))
        await applied(service, "ws_live", EVENTS)
        clock.set(T0 + DAYS * DAY + 2 * 3_600)
        live = await days_of(service, "ws_live")

        burst = small_account("ws_backfill", live=False)
        random.Random(12).shuffle(burst)
        await publish(kafka_bootstrap, topic_prefix, burst)
        health = await applied(service, "ws_backfill", EVENTS)
        backfilled = await days_of(service, "ws_backfill")

    assert health["applied"]["dropped_late"] == 0

    def closes(items: list[dict[str, Any]]) -> list[tuple[str, str, float | None]]:
        return [
            (item["day"], item["band"], item["score"])
            for item in items
            if item["day"] < at(DAYS).date().isoformat()
        ]

    # One point per event-time day since the first event, not one "today" entry.
    expected_days = [at(day).date().isoformat() for day in range(DAYS)]
    assert [day for day, _, _ in closes(live)] == expected_days
    assert closes(backfilled) == closes(live)
    bands = [band for _, band, _ in closes(live)]
    assert bands[0] == "unknown"  # not enough data yet on the first day
    assert "green" in bands[:ACTIVE_DAYS]
    assert bands[-1] == "red"  # three weeks without use
    assert not any(item["revised"] for item in live)


async def test_history_filters_pages_and_refuses_bad_input(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    async with running_scoring(settings, FixedClock(T0 + DAYS * DAY + 2 * 3_600)) as service:
        burst = small_account("ws_pages", live=False)
        random.Random(5).shuffle(burst)
        await publish(kafka_bootstrap, topic_prefix, burst)
        await applied(service, "ws_pages", EVENTS)
        everything = await days_of(service, "ws_pages")
        headers = service.headers("ws_pages", ["read"])
        path = "/v1/accounts/acme/health/history"

        async def get(**params: Any) -> Any:
            return await service.client.get(path, params=params, headers=headers)

        # Paging through days, a week at a time, gives every day once, newest first.
        pages: list[dict[str, Any]] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"granularity": "day", "limit": 7}
            if cursor is not None:
                params["cursor"] = cursor
            body = (await get(**params)).json()
            pages += body["items"]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert [item["day"] for item in pages] == [item["day"] for item in reversed(everything)]

        # A window of event time: from inclusive, to exclusive.
        window = (
            await get(
                granularity="day", **{"from": at(10, 0).isoformat(), "to": at(20, 0).isoformat()}
            )
        ).json()["items"]
        assert [item["day"] for item in window] == [
            at(day).date().isoformat() for day in range(19, 9, -1)
        ]
        # Entries page by event time too, and every one says when it held and when recorded.
        first = (await get(limit=5)).json()
        second = (await get(limit=5, cursor=first["next_cursor"])).json()
        moments = [item["at"] for item in first["items"] + second["items"]]
        assert moments == sorted(moments, reverse=True)
        assert len(set(moments)) == 10
        assert all(
            item["recorded_at"] >= item["at"] for item in first["items"] if item["cause"] == "day"
        )

        bad_time = await get(**{"from": "last tuesday"})
        assert bad_time.status_code == 422
        assert "from" in bad_time.text
        naive = await get(to="2025-03-10T00:00:00")
        assert naive.status_code == 422
        backwards = await get(**{"from": at(20).isoformat(), "to": at(10).isoformat()})
        assert backwards.status_code == 422
        assert "`from` must be before `to`" in backwards.text
        assert (await get(cursor="not-a-cursor")).status_code == 400
        assert (await get(limit=5000)).status_code == 422
        assert (await get(granularity="week")).status_code == 422


async def test_a_backfill_split_across_evaluations_revises_the_days_it_reaches(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    events = small_account("ws_split", live=False)
    random.Random(7).shuffle(events)
    half = len(events) // 2
    first_usage = sum(1 for event in events[:half] if event.EVENT_TYPE.startswith("banso.usage"))
    async with running_scoring(settings, FixedClock(T0 + DAYS * DAY + 2 * 3_600)) as service:
        await publish(kafka_bootstrap, topic_prefix, events[:half])
        await applied(service, "ws_split", first_usage)
        partial = await days_of(service, "ws_split")
        await publish(kafka_bootstrap, topic_prefix, events[half:])
        health = await applied(service, "ws_split", EVENTS)
        whole = await days_of(service, "ws_split")
        metrics = (await service.client.get("/metrics")).text

    # Within the grace nothing is late: the second half counts, and each day it reached
    # is recorded again, saying so, in place of its first close.
    assert health["applied"]["dropped_late"] == 0
    assert [item["day"] for item in whole] == [item["day"] for item in partial]
    assert any(item["revised"] for item in whole if item["cause"] == "day")
    assert [item["score"] for item in whole] != [item["score"] for item in partial]
    assert "banso_scoring_history_days_revised_total" in metrics
    revised = next(
        line
        for line in metrics.splitlines()
        if line.startswith("banso_scoring_history_days_revised_total")
    )
    assert float(revised.split()[-1]) > 0
    # Every evaluation is counted by its cause; the events' are there.
    evaluated = {
        line.split('cause="')[1].split('"')[0]: float(line.split()[-1])
        for line in metrics.splitlines()
        if line.startswith("banso_scoring_evaluations_total{")
    }
    assert evaluated.get("events", 0) > 0


async def test_an_event_beyond_the_allowance_is_counted_and_final_days_do_not_move(
    settings: ScoringSettings, kafka_bootstrap: str, topic_prefix: str
) -> None:
    clock = FixedClock(T0)
    async with running_scoring(settings, clock) as service:
        await publish(kafka_bootstrap, topic_prefix, small_account("ws_late", live=True))
        await applied(service, "ws_late", EVENTS)
        clock.set(T0 + DAYS * DAY + 2 * 3_600)
        before = await days_of(service, "ws_late")
        # A week-old event for day 30, received on day 60: far beyond the 2-day allowance.
        late = usage("ws_late", "acme", "u99", "Page Viewed", at(30), at(DAYS, 3))
        await publish(kafka_bootstrap, topic_prefix, [late])
        headers = service.headers("ws_late")

        async def counted() -> bool:
            response = await service.client.get("/v1/accounts/acme/health", headers=headers)
            return bool(response.json()["applied"]["dropped_late"] == 1)

        await eventually(counted)
        health = (await service.client.get("/v1/accounts/acme/health", headers=headers)).json()
        after = await days_of(service, "ws_late")
        metrics = (await service.client.get("/metrics")).text

    assert health["applied"]["events"] == EVENTS
    assert health["applied"]["final_through"] >= at(30).date().isoformat()
    assert [(i["day"], i["score"], i["revised"]) for i in after if i["cause"] == "day"] == [
        (i["day"], i["score"], i["revised"]) for i in before if i["cause"] == "day"
    ]
    dropped = next(
        line
        for line in metrics.splitlines()
        if line.startswith("banso_scoring_events_dropped_late_total")
    )
    assert float(dropped.split()[-1]) == 1.0
