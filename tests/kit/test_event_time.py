"""Event time and watermarks: the pure bookkeeping, the clock selection, and a real consumer's
`StreamClock` following the event times it applied."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pydantic import ValidationError

from banso_contracts.codec import encode
from banso_contracts.events import UsageRecorded
from banso_kit.clock import FixedClock, SystemClock
from banso_kit.db import Database
from banso_kit.event_time import (
    StreamClock,
    Watermarks,
    arrival,
    has_event_time,
    service_clock,
    service_watermarks,
    wall_clock,
)
from banso_kit.kafka.consumer import TransactionalConsumer
from banso_kit.kafka.dead_letters import DeadLetterWriter
from banso_kit.kafka.producer import OutgoingMessage, Producer
from banso_kit.outbox import Outbox
from banso_kit.settings import ServiceSettings
from tests.kit.support import KIT, WORKSPACE, create_schema, make_handler

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def test_the_watermark_trails_the_latest_event_by_the_lateness_allowance() -> None:
    marks = Watermarks(dt.timedelta(minutes=5))
    marks.assigned(["p0"])
    assert marks.watermark() is None
    marks.observe("p0", T0)
    assert marks.watermark() == T0 - 5 * MINUTE
    marks.observe("p0", T0 + 30 * MINUTE)
    assert marks.watermark() == T0 + 25 * MINUTE


def test_the_watermark_never_goes_backwards_and_an_old_event_is_late() -> None:
    marks = Watermarks(dt.timedelta(minutes=5))
    marks.observe("p0", T0 + 60 * MINUTE)
    assert not marks.observe("p0", T0 + 58 * MINUTE)  # within the allowance
    assert marks.observe("p0", T0)  # an hour behind: late, but recorded
    assert marks.watermark() == T0 + 55 * MINUTE
    assert marks.late_total == 1


def test_the_service_watermark_is_the_lowest_partition_with_records_waiting() -> None:
    marks = Watermarks(dt.timedelta(0))
    marks.assigned(["p0", "p1"])
    marks.observe("p0", T0 + 60 * MINUTE)
    assert marks.watermark() is None  # p1 has records waiting and has not spoken yet
    marks.observe("p1", T0 + 10 * MINUTE)
    assert marks.watermark() == T0 + 10 * MINUTE
    marks.observe("p1", T0 + 20 * MINUTE)
    assert marks.watermark() == T0 + 20 * MINUTE


def test_a_caught_up_partition_holds_nobody_back() -> None:
    marks = Watermarks(dt.timedelta(0))
    marks.assigned(["busy", "quiet", "empty"])
    marks.set_idle("empty", True)
    marks.observe("quiet", T0)
    marks.set_idle("quiet", True)
    marks.observe("busy", T0 + 3 * MINUTE)
    assert marks.watermark() == T0 + 3 * MINUTE
    marks.set_idle("busy", True)
    assert marks.watermark() == T0 + 3 * MINUTE  # every partition caught up: the most advanced


def test_a_released_partition_leaves_the_minimum_but_the_watermark_stays() -> None:
    marks = Watermarks(dt.timedelta(0))
    marks.observe("p0", T0 + 10 * MINUTE)
    marks.observe("p1", T0 + 40 * MINUTE)
    assert marks.watermark() == T0 + 10 * MINUTE
    marks.released(["p0"])
    marks.observe("p1", T0 + 41 * MINUTE)
    assert marks.watermark() == T0 + 41 * MINUTE
    marks.assigned(["p0"])  # back, not yet read: the watermark holds, never goes back
    marks.observe("p1", T0 + 50 * MINUTE)
    assert marks.watermark() == T0 + 41 * MINUTE


def test_a_stream_clock_reads_the_watermark_and_the_wall_clock_before_any_event() -> None:
    wall = FixedClock(dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    marks = Watermarks(dt.timedelta(0))
    clock = StreamClock(marks, before_first_event=wall)
    assert clock.now() == wall.now()
    assert not has_event_time(clock)
    marks.observe("p0", T0)
    assert clock.now() == T0
    assert has_event_time(clock)
    assert wall_clock(clock) is wall
    assert has_event_time(wall)
    # an event stamped two days ahead of the wall clock does not carry the clock past it
    marks.observe("p0", wall.now() + dt.timedelta(days=2))
    assert clock.now() == wall.now()


def test_a_record_arrives_at_the_wall_clock_or_at_its_partitions_stream_time() -> None:
    wall = FixedClock(dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    stream = StreamClock(Watermarks(dt.timedelta(0)), before_first_event=wall)
    # a record that came a week behind the latest event of its partition
    assert arrival(stream, T0 + dt.timedelta(days=7)) == T0 + dt.timedelta(days=7)
    assert arrival(wall, T0 + dt.timedelta(days=7)) == wall.now()


def test_banso_clock_selects_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANSO_EVENT_LATENESS_S", "90")
    settings = ServiceSettings()
    assert isinstance(service_clock(settings, service_watermarks(settings)), SystemClock)
    monkeypatch.setenv("BANSO_CLOCK", "stream")
    settings = ServiceSettings()
    marks = service_watermarks(settings)
    assert marks.lateness == dt.timedelta(seconds=90)
    clock = service_clock(settings, marks)
    assert isinstance(clock, StreamClock)
    assert clock.watermarks is marks


def test_the_stream_clock_is_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANSO_ENV", "production")
    monkeypatch.setenv("BANSO_SECRET", "s" * 40)
    monkeypatch.setenv("BANSO_ADMIN_TOKEN", "a" * 40)
    monkeypatch.setenv("BANSO_CLOCK", "stream")
    with pytest.raises(ValidationError, match="BANSO_CLOCK=stream is for demos and replays"):
        ServiceSettings()
    monkeypatch.setenv("BANSO_CLOCK", "system")
    assert ServiceSettings().clock == "system"


def _usage_at(account: str, at: dt.datetime) -> UsageRecorded:
    return UsageRecorded(
        workspace_id=WORKSPACE,
        source_id="src_test",
        account_id=account,
        user_id="u1",
        kind="track",
        event="Report Exported",
        properties={"value": 1},
        context={},
        message_id=uuid.uuid4().hex,
        timestamp=at,
        received_at=at,
    )


@pytest.mark.kafka
async def test_a_consumers_stream_clock_follows_the_event_times_it_applied(
    kafka_bootstrap: str, kafka_admin: AIOKafkaAdminClient, topic_prefix: str, database_url: str
) -> None:
    topic = topic_prefix + "event-time"
    await kafka_admin.create_topics([NewTopic(topic, 2, 1)])
    wall = FixedClock(dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    marks = Watermarks(dt.timedelta(minutes=5))
    clock = StreamClock(marks, before_first_event=wall)
    # 60 days of one event a day per account, the newest last on each partition; one event
    # that arrives a week late at the end
    days = [T0 + dt.timedelta(days=d) for d in range(60)]
    events = [_usage_at(account, at) for at in days for account in ("acme", "globex", "initech")]
    events.append(_usage_at("acme", days[50]))
    async with Producer(kafka_bootstrap, client_id="test") as producer:
        await producer.send_many(
            [
                OutgoingMessage(topic, e.value, e.key, tuple(e.headers))
                for e in (encode(event, source="banso/test") for event in events)
            ]
        )
    db = Database(database_url)
    await create_schema(db)
    consumer = TransactionalConsumer(
        db=db,
        tables=KIT,
        bootstrap_servers=kafka_bootstrap,
        group_id=topic_prefix + "g-event-time",
        topics=[topic],
        handler=make_handler(),
        dead_letters=DeadLetterWriter(Outbox(KIT, source="banso/test"), service="test"),
        watermarks=marks,
        max_batch=20,
    )
    assert clock.now() == wall.now()  # nothing consumed yet
    task = asyncio.create_task(consumer.run())
    try:
        for _ in range(600):
            if consumer.applied_total == len(events) and marks.watermark() == days[-1] - 5 * MINUTE:
                break
            await asyncio.sleep(0.1)
    finally:
        consumer.request_stop()
        await task
        await db.dispose()
    # caught up: now() is the newest event time applied, minus the allowance, not the wall clock
    assert clock.now() == days[-1] - 5 * MINUTE
    assert marks.late_total == 1
