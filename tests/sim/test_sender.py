"""The sender: batches within ingest's limits, retries that honour Retry-After, honest counting."""

from __future__ import annotations

import asyncio
import base64
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import orjson
import pytest

from banso_sim.send.batching import batches
from banso_sim.send.sender import Sender, SendFailed, SendOptions, retry_after
from banso_sim.stream.messages import (
    FEEDBACK_TOPIC,
    USAGE_TOPIC,
    MessageFactory,
    SimMessage,
)

NOW = datetime(2025, 6, 30, 5, 0, tzinfo=UTC)


def messages(count: int, *, text: str = "") -> list[SimMessage]:
    factory = MessageFactory(random.Random(1), "acct_1")
    out = []
    for n in range(count):
        topic = FEEDBACK_TOPIC if n % 10 == 9 else USAGE_TOPIC
        out.append(
            factory.track(
                at=NOW - timedelta(minutes=count - n),
                event="Report Created",
                properties={"n": n, "text": text},
                locale="ja",
                timezone="Asia/Tokyo",
                user_id="usr_1",
                topic=topic,
            )
        )
    return out


class Recorder:
    """A fake ingest: answers from a script of statuses, records what it was sent."""

    def __init__(self, script: list[httpx.Response] | None = None) -> None:
        self.script = list(script or [])
        self.requests: list[httpx.Request] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0)  # let other requests in, as a real server would
        self.in_flight -= 1
        if self.script:
            return self.script.pop(0)
        body = orjson.loads(request.content)
        return httpx.Response(200, json={"success": True, "accepted": len(body["batch"]), "errors": [], "duplicates": []})  # fmt: skip


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def sender(recorder: Recorder, sleeps: Sleeps, **options: object) -> Sender:
    return Sender(
        "http://ingest.test",
        "wk_secret",
        SendOptions(**options),  # type: ignore[arg-type]
        transport=httpx.MockTransport(recorder),
        sleep=sleeps,
        clock=lambda: NOW,
    )


async def test_every_message_is_sent_once_and_counted_by_topic() -> None:
    recorder, sleeps = Recorder(), Sleeps()
    async with sender(recorder, sleeps, batch_events=7, keep_ids=True) as client:
        report = await client.send(messages(50))
    assert report.acknowledged == report.messages == 50
    assert report.by_topic == {USAGE_TOPIC: 45, FEEDBACK_TOPIC: 5}
    assert len(report.ids[FEEDBACK_TOPIC]) == 5
    sent = [m for r in recorder.requests for m in orjson.loads(r.content)["batch"]]
    assert sorted(m["properties"]["n"] for m in sent) == list(range(50))
    first = recorder.requests[0]
    assert first.url.path == "/v1/batch"
    assert first.headers["authorization"] == "Basic " + base64.b64encode(b"wk_secret:").decode()
    assert orjson.loads(first.content)["sentAt"] == "2025-06-30T05:00:00.000Z"
    assert sleeps.waits == []


async def test_429_and_503_are_waited_out_for_as_long_as_retry_after_says() -> None:
    later = format_datetime(NOW + timedelta(seconds=7), usegmt=True)
    recorder = Recorder(
        [
            httpx.Response(429, headers={"Retry-After": "3"}),
            httpx.Response(503, headers={"Retry-After": later}),
        ]
    )
    sleeps = Sleeps()
    async with sender(recorder, sleeps, concurrency=1) as client:
        report = await client.send(messages(5))
    assert sleeps.waits == [3.0, 7.0]
    assert report.retries == {"429": 1, "503": 1}
    assert report.acknowledged == 5
    assert len(recorder.requests) == 3


async def test_connection_errors_back_off_exponentially() -> None:
    failures = 3

    async def flaky(request: httpx.Request) -> httpx.Response:
        nonlocal failures
        if failures:
            failures -= 1
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"errors": [], "duplicates": []})

    sleeps = Sleeps()
    client = Sender(
        "http://ingest.test",
        "wk",
        SendOptions(concurrency=1, backoff_s=0.5),
        transport=httpx.MockTransport(flaky),
        sleep=sleeps,
    )
    async with client:
        report = await client.send(messages(3))
    assert sleeps.waits == [0.5, 1.0, 2.0]
    assert report.retries == {"connect": 3}
    assert report.acknowledged == 3


async def test_rejected_events_are_not_counted_as_acknowledged() -> None:
    sent = messages(4)
    answer = {
        "errors": [{"index": 2, "messageId": sent[2].message_id, "reason": "bad_timestamp"}],
        "duplicates": [{"index": 0, "messageId": sent[0].message_id}],
    }
    recorder, sleeps = Recorder([httpx.Response(200, json=answer)]), Sleeps()
    async with sender(recorder, sleeps, keep_ids=True) as client:
        report = await client.send(sent)
    assert report.acknowledged == 3
    assert report.duplicates == 1
    assert [error["reason"] for error in report.rejected] == ["bad_timestamp"]
    assert sent[2].message_id not in report.ids[USAGE_TOPIC]


async def test_a_refused_write_key_stops_the_run() -> None:
    recorder, sleeps = Recorder([httpx.Response(401, json={"error": "unauthorized"})]), Sleeps()
    async with sender(recorder, sleeps, concurrency=1) as client:
        with pytest.raises(SendFailed, match="write key"):
            await client.send(messages(3))


async def test_a_batch_that_keeps_failing_is_given_up() -> None:
    recorder = Recorder([httpx.Response(500)] * 5)
    async with sender(recorder, Sleeps(), concurrency=1, give_up_after_s=0.0) as client:
        with pytest.raises(SendFailed, match="still failing"):
            await client.send(messages(1))


async def test_requests_in_flight_never_exceed_the_concurrency() -> None:
    recorder, sleeps = Recorder(), Sleeps()
    async with sender(recorder, sleeps, batch_events=2, concurrency=3) as client:
        report = await client.send(messages(40))
    assert report.batches == 20
    assert 1 < recorder.most_in_flight <= 3


def test_batches_keep_order_and_stay_within_both_limits() -> None:
    big = messages(40, text="文字化け" * 200)  # about 2.5 KB per event
    cut = list(batches(big, max_events=15, max_bytes=20 * 1024))
    assert [m for b in cut for m in b.messages] == big
    assert all(len(b.messages) <= 15 for b in cut)
    assert all(len(b.body("2025-06-30T05:00:00.000Z")) <= 20 * 1024 for b in cut)
    body = orjson.loads(cut[0].body("2025-06-30T05:00:00.000Z"))
    assert [m["messageId"] for m in body["batch"]] == [m.message_id for m in cut[0].messages]
    with pytest.raises(ValueError, match="max_events"):
        list(batches(big, max_events=3000))


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after("5", NOW) == 5.0
    assert retry_after(format_datetime(NOW + timedelta(seconds=9), usegmt=True), NOW) == 9.0
    assert retry_after(format_datetime(NOW - timedelta(seconds=9), usegmt=True), NOW) == 0.0
    assert retry_after("soon", NOW) is None
    assert retry_after(None, NOW) is None


async def test_max_rate_spreads_batches_over_time() -> None:
    recorder, sleeps = Recorder(), Sleeps()
    async with sender(recorder, sleeps, batch_events=10, concurrency=1, max_rate=100.0) as client:
        report = await client.send(messages(40))
    assert report.acknowledged == 40
    # four batches of ten at 100 events/s start 0.1 s apart (the fake sleep does not move the
    # clock, so each wait is measured from the first batch's start)
    assert sleeps.waits == pytest.approx([0.1, 0.2, 0.3], abs=0.02)
