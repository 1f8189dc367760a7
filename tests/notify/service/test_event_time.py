"""Notify in event time: history sent through /v1/import nudges nobody, a trigger too old to act
on is suppressed as stale, and quiet hours are those of when the event happened — across a DST
change, on a stream clock that follows the events."""

from __future__ import annotations

import socket
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from banso_contracts.codec import encode
from banso_contracts.envelope import IMPORTED
from banso_contracts.events import AccountTraitsUpdated, Event, UserIdentified
from banso_kit.kafka.producer import OutgoingMessage, Producer
from banso_notify.config import NotifySettings
from banso_notify.main import create_app
from banso_notify.models import Timer
from tests.support.service import served
from tests.support.smtp import SmtpSink
from tests.support.waiting import eventually

from .support import (
    WS,
    Running,
    ShiftedClock,
    publish,
    put_yaml,
    running_notify,
    used,
    watch_nudges,
)

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

TIP = """
id: export-tip
name: Tip after an export
trigger: {type: usage_event, event: Report Exported}
steps:
  - send: {channel: email, template: tip}
caps:
  account_same_playbook_daily: null
templates:
  tip:
    en: {subject: "A tip", text: "Schedule your report."}
"""


def _identified(user: str, account: str, at: datetime, **traits: Any) -> UserIdentified:
    values: dict[str, Any] = {"email": f"{user}@customer.test", "timezone": "UTC", **traits}
    return UserIdentified(
        workspace_id=WS,
        source_id="src",
        user_id=user,
        account_id=account,
        traits=values,
        message_id=uuid.uuid4().hex,
        timestamp=at,
        received_at=at,
    )


def _account(account: str, at: datetime) -> AccountTraitsUpdated:
    return AccountTraitsUpdated(
        workspace_id=WS,
        source_id="src",
        account_id=account,
        traits={"name": account.title(), "plan": "pro", "arr": 12_000},
        message_id=uuid.uuid4().hex,
        timestamp=at,
        received_at=at,
    )


async def _an_export(
    bootstrap: str, prefix: str, user: str, timezone: str, at: datetime, runtime: Any
) -> None:
    """Account acme, its user in ``timezone``, and that user's export at ``at``. The user's time
    zone is known before the export (the identify and the event travel on two topics: an event
    that overtakes its identify waits for the person, which is not these tests' business)."""
    await publish(
        bootstrap, prefix, _account("acme", at), _identified(user, "acme", at, timezone=timezone)
    )
    await eventually(lambda: sum(c.applied_total for c in runtime.consumers) >= 2)
    await publish(bootstrap, prefix, used(user, "acme", at=at))


async def _publish_imported(bootstrap: str, prefix: str, events: list[Event]) -> None:
    """Produce events as ingest does for `/v1/import`: envelope marked `bansoorigin: import`."""
    messages = []
    for event in events:
        encoded = encode(event, source="/banso/ingest")
        messages.append(
            OutgoingMessage(
                topic=encoded.topic.physical_name(prefix),
                key=encoded.key,
                value=encoded.value,
                headers=(*encoded.headers, ("ce_bansoorigin", IMPORTED.encode())),
            )
        )
    async with Producer(bootstrap, client_id="notify-tests-import") as producer:
        await producer.send_many(messages, timeout_s=60)


def _applied(state: dict[str, Any]) -> int:
    return sum(consumer.applied_total for consumer in state["runtime"].consumers)


def _metric(text: str, name: str) -> float:
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name) and not line.startswith("#")
    )


async def test_a_sixty_day_backfill_through_import_nudges_nobody(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    clock = ShiftedClock()
    today = clock.now()
    signed_up = today - timedelta(days=60)
    # 10 people signed up 60 days ago, used the product daily until 21 days ago and never did
    # the onboarding key action: live, this would be onboarding and re-engagement e-mails, and a
    # tip after every export
    users = [f"early-{n}" for n in range(10)]
    history: list[Event] = [_account("smallco", signed_up)]
    history += [
        _identified(user, "smallco", signed_up, created_at=signed_up.isoformat()) for user in users
    ]
    history += [
        used(user, "smallco", at=signed_up + timedelta(days=day, hours=2))
        for day in range(40)
        for user in users
    ]
    async with (
        running_notify(settings, clock) as notify,
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        await put_yaml(notify, TIP, "export-tip")
        await _publish_imported(kafka_bootstrap, prefix, history)
        await eventually(lambda: _applied(notify.state) >= len(history))
        # the timers the history armed (overdue onboarding, 14 quiet days) come due at once
        await notify.tick()
        await notify.tick()
        admin = notify.token()

        async def timers_settled() -> bool:
            listed = await notify.client.get("/v1/nudges?limit=1000", headers=admin)
            return len(listed.json()) == 2 * len(users)

        await eventually(timers_settled)
        listed = (await notify.client.get("/v1/nudges?limit=1000", headers=admin)).json()
        metrics = (await notify.client.get("/metrics")).text
        await notify.tick()

    assert sink.received == []
    assert nudges.of("banso.nudge.sent.v1") == []
    assert {(n["playbook_id"], n["state"], n["reason"]) for n in listed} == {
        ("onboarding-first-key-action", "suppressed", "stale"),
        ("re-engagement-14d", "suppressed", "stale"),
    }
    # every export of the history would have triggered the tip: none did, and /metrics says so
    imported = 'banso_notify_triggers_not_acted_total{reason="imported"}'
    assert _metric(metrics, imported) >= 400
    assert _metric(metrics, 'banso_notify_triggers_not_acted_total{reason="stale"}') == 20


async def test_a_live_trigger_older_than_max_trigger_age_is_suppressed_as_stale(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    clock = ShiftedClock()
    now = clock.now()
    async with (
        running_notify(settings, clock) as notify,
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        await put_yaml(notify, TIP, "export-tip")
        await publish(
            kafka_bootstrap,
            prefix,
            _account("acme", now),
            _identified("late", "acme", now),
            _identified("prompt", "acme", now),
            # a mobile app that was offline for three days sends its queued export now
            used("late", "acme", at=now - timedelta(days=3)),
            used("prompt", "acme", at=now - timedelta(minutes=2)),
        )
        await sink.wait_for(1)
        admin = notify.token()

        async def suppressed() -> bool:
            return len(nudges.of("banso.nudge.suppressed.v1")) == 1

        await eventually(suppressed)
        listed = (await notify.client.get("/v1/nudges", headers=admin)).json()

    assert [r.rcpt_tos[0] for r in sink.received] == ["prompt@customer.test"]
    by_person = {n["recipient"]["id"]: n for n in listed}
    assert (by_person["late"]["state"], by_person["late"]["reason"]) == ("suppressed", "stale")
    (event,) = nudges.of("banso.nudge.suppressed.v1")
    assert (event["recipient"]["user_id"], event["detail"]) == ("late", "stale")


async def test_quiet_hours_across_a_dst_change_in_event_time_on_the_stream_clock(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    stream = settings.model_copy(update={"clock": "stream"})
    # Saturday 7 March 2026, 23:30 in New York (EST, UTC-5). Clocks go forward that night, so
    # the send window opens at 09:00 EDT on Sunday: 13:00 UTC, not 14:00.
    at = datetime(2026, 3, 8, 4, 30, tzinfo=UTC)
    opens = datetime(2026, 3, 8, 13, 0, tzinfo=UTC)
    lateness = timedelta(seconds=stream.event_lateness_s)
    async with (
        served(create_app(stream), "http://notify.test") as (client, state),
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        notify = Running(client, stream, ShiftedClock(), state)
        await put_yaml(notify, TIP, "export-tip")
        await _an_export(kafka_bootstrap, prefix, "nina", "America/New_York", at, state["runtime"])
        admin = notify.token()

        async def held() -> bool:
            listed = await client.get("/v1/nudges?state=held", headers=admin)
            return [n["reason"] for n in listed.json()] == ["quiet_hours"]

        await eventually(held)
        (nudge,) = (await client.get("/v1/nudges?state=held", headers=admin)).json()
        marks = state["runtime"].watermarks

        async def stream_reaches(moment: datetime) -> None:
            # other people's events move the stream on; they trigger nothing here
            await publish(kafka_bootstrap, prefix, used("otto", "globex", "Page Viewed", at=moment))
            await eventually(lambda: marks.watermark() == moment - lateness)

        await stream_reaches(opens - timedelta(minutes=5))  # the stream clock reads 08:50 EDT
        await notify.tick()
        still_held = (await client.get("/v1/nudges?state=held", headers=admin)).json()
        # 09:05 EDT: open (a zone read as still on EST would hold it until 14:00 UTC)
        await stream_reaches(opens + timedelta(minutes=10))
        await notify.tick()
        await sink.wait_for(1)
        await eventually(lambda: len(nudges.of("banso.nudge.sent.v1")) == 1)

    assert datetime.fromisoformat(nudge["due_at"]) == opens
    assert [n["id"] for n in still_held] == [nudge["id"]]
    assert [r.rcpt_tos[0] for r in sink.received] == ["nina@customer.test"]
    (sent,) = nudges.of("banso.nudge.sent.v1")
    assert datetime.fromisoformat(sent["occurred_at"]) == opens + timedelta(minutes=5)
    assert nudges.of("banso.nudge.suppressed.v1") == []


async def test_on_the_stream_clock_a_held_nudge_the_replay_ran_past_is_still_sent(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    """A replay moves the stream clock a batch at a time, days per second: the scheduler's pass
    reaching a held nudge three event-time days after it came due is how fast the replay ran,
    not a customer waiting. It is sent, at the moment the clock reached (on the wall clock the
    same lag means notify was down: the test below suppresses it as stale)."""
    sink, _ = smtp
    prefix = settings.topic_prefix
    stream = settings.model_copy(update={"clock": "stream"})
    at = datetime(2026, 3, 3, 11, 30, tzinfo=UTC)  # 20:30 in Tokyo: held until 09:00 there
    opens = datetime(2026, 3, 4, 0, 0, tzinfo=UTC)
    lateness = timedelta(seconds=stream.event_lateness_s)
    async with (
        served(create_app(stream), "http://notify.test") as (client, state),
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        notify = Running(client, stream, ShiftedClock(), state)
        await put_yaml(notify, TIP, "export-tip")
        await _an_export(kafka_bootstrap, prefix, "hanako", "Asia/Tokyo", at, state["runtime"])
        admin = notify.token()

        async def held() -> bool:
            listed = await client.get("/v1/nudges?state=held", headers=admin)
            return len(listed.json()) == 1

        await eventually(held)
        marks = state["runtime"].watermarks
        later = opens + timedelta(days=3, hours=2)  # 11:00 in Tokyo, three days on
        await publish(kafka_bootstrap, prefix, used("otto", "globex", "Page Viewed", at=later))
        await eventually(lambda: marks.watermark() == later - lateness)
        await notify.tick()
        tips = "/v1/nudges?playbook_id=export-tip"

        async def sent() -> bool:
            listed = (await client.get(tips, headers=admin)).json()
            return [n["state"] for n in listed] == ["sent"]

        await eventually(sent)
        (tip,) = (await client.get(tips, headers=admin)).json()
        await sink.wait_for(1)

    assert tip["reason"] is None
    assert datetime.fromisoformat(tip["sent_at"]) == later - lateness
    assert "hanako@customer.test" in [r.rcpt_tos[0] for r in sink.received]
    assert [
        n for n in nudges.of("banso.nudge.suppressed.v1") if n["playbook_id"] == "export-tip"
    ] == []


async def test_on_the_stream_clock_a_nudge_about_the_latest_event_goes_without_waiting_for_more(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    """The stream clock reads the latest event time minus the lateness allowance, so a nudge
    decided about the latest event is due "in the future" on it. It is sent at once all the
    same: nothing else may be coming (a ticket resolved at the end of a quiet afternoon must
    still reach its reporters)."""
    sink, _ = smtp
    prefix = settings.topic_prefix
    stream = settings.model_copy(update={"clock": "stream"})
    at = datetime(2026, 3, 3, 2, 30, tzinfo=UTC)  # 11:30 in Tokyo: inside the send window
    async with served(create_app(stream), "http://notify.test") as (client, state):
        notify = Running(client, stream, ShiftedClock(), state)
        await put_yaml(notify, TIP, "export-tip")
        await _an_export(kafka_bootstrap, prefix, "hanako", "Asia/Tokyo", at, state["runtime"])
        marks = state["runtime"].watermarks
        await eventually(
            lambda: marks.watermark() == at - timedelta(seconds=stream.event_lateness_s)
        )
        await sink.wait_for(1)
        admin = notify.token()

        async def sent() -> bool:
            listed = await client.get("/v1/nudges?playbook_id=export-tip", headers=admin)
            return [nudge["state"] for nudge in listed.json()] == ["sent"]

        await eventually(sent)

    assert [mail.rcpt_tos for mail in sink.received] == [["hanako@customer.test"]]


async def test_a_nudge_held_past_its_time_for_longer_than_max_trigger_age_is_never_sent(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    # 11:30 UTC: 20:30 in Tokyo, held until 09:00 there (00:00 UTC)
    clock = ShiftedClock(datetime(2026, 3, 3, 11, 30, tzinfo=UTC))
    async with (
        running_notify(settings, clock) as notify,
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        await put_yaml(notify, TIP, "export-tip")
        now = clock.now()
        await publish(
            kafka_bootstrap,
            prefix,
            _account("acme", now),
            _identified("hanako", "acme", now, timezone="Asia/Tokyo"),
            used("hanako", "acme", at=now),
        )
        admin = notify.token()

        async def held() -> bool:
            listed = await notify.client.get("/v1/nudges?state=held", headers=admin)
            return len(listed.json()) == 1

        await eventually(held)
        # the scheduler did not run for two days (notify was down): the morning is long gone
        clock.advance(timedelta(days=2))
        await notify.tick()
        await eventually(lambda: len(nudges.of("banso.nudge.suppressed.v1")) == 1)
        tips = "/v1/nudges?playbook_id=export-tip"
        (nudge,) = (await notify.client.get(tips, headers=admin)).json()

    assert sink.received == []
    assert (nudge["state"], nudge["reason"]) == ("suppressed", "stale")


async def test_a_ready_nudge_the_dispatcher_reaches_days_late_is_never_sent(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    with socket.socket() as probe:  # a port nothing listens on: the SMTP server is down
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    down = settings.model_copy(
        update={"smtp_port": closed_port, "retry_base_s": 600.0, "retry_max_s": 600.0}
    )
    clock = ShiftedClock()
    async with running_notify(down, clock) as notify:
        await put_yaml(notify, TIP, "export-tip")
        now = clock.now()
        await publish(
            kafka_bootstrap,
            prefix,
            _account("acme", now),
            _identified("ann", "acme", now),
            used("ann", "acme", at=now),
        )
        admin = notify.token()

        async def failed_once() -> bool:
            tips = "/v1/nudges?playbook_id=export-tip"
            listed = (await notify.client.get(tips, headers=admin)).json()
            return [(n["state"], n["attempts"]) for n in listed] == [("ready", 1)]

        await eventually(failed_once)
    # notify comes back two days later, the SMTP server too: the retry is far too late
    later = ShiftedClock(clock.now() + timedelta(days=2))
    async with (
        running_notify(settings, later) as notify,
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        await eventually(lambda: len(nudges.of("banso.nudge.suppressed.v1")) == 1)
        tips = "/v1/nudges?playbook_id=export-tip"
        (nudge,) = (await notify.client.get(tips, headers=notify.token())).json()

    assert sink.received == []
    assert (nudge["state"], nudge["reason"]) == ("suppressed", "stale")
    (event,) = nudges.of("banso.nudge.suppressed.v1")
    assert event["detail"] == "stale"


async def test_an_event_stamped_days_ahead_schedules_nothing_in_the_future(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    clock = ShiftedClock()
    now = clock.now()
    skew = timedelta(seconds=settings.max_clock_skew_s)
    async with running_notify(settings, clock) as notify:
        await put_yaml(notify, TIP, "export-tip")
        await publish(
            kafka_bootstrap,
            prefix,
            _account("acme", now),
            _identified("ann", "acme", now),
            # a phone whose clock runs two days fast
            used("ann", "acme", at=now + timedelta(days=2)),
        )
        await sink.wait_for(1)  # decided as of now: sent now, not held until the stamped day
        async with notify.state["runtime"].db.session() as session:
            rows = await session.exec(select(Timer).where(Timer.playbook_id == "re-engagement-14d"))
            (timer,) = rows.all()
        metrics = (await notify.client.get("/metrics")).text
        sent_at = clock.now()

    assert [r.rcpt_tos[0] for r in sink.received] == ["ann@customer.test"]
    # 14 quiet days count from no later than the wall clock plus the allowed skew
    assert timer.due_at <= sent_at + skew + timedelta(days=14)
    assert _metric(metrics, "banso_notify_event_times_ahead_of_clock_total") == 1
