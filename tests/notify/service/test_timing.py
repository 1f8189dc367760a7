"""Timing: quiet hours in each recipient's zone (held, then sent), inactivity and overdue milestones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from banso_notify.config import NotifySettings
from banso_notify.models import Timer
from tests.support.smtp import SmtpSink
from tests.support.waiting import eventually

from .support import (
    Running,
    ShiftedClock,
    account_traits,
    identified,
    publish,
    put_yaml,
    running_notify,
    treated_accounts,
    used,
    watch_nudges,
)

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

NUDGE = """
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


async def test_quiet_hours_hold_each_person_until_their_own_morning(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    # 11:30 UTC on Tuesday 3 March 2026: 20:30 in Tokyo (closed), 06:30 in New York (closed)
    clock = ShiftedClock(datetime(2026, 3, 3, 11, 30, tzinfo=UTC))
    async with (
        running_notify(settings, clock) as notify,
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        await put_yaml(notify, NUDGE, "export-tip")
        await publish(
            kafka_bootstrap,
            prefix,
            account_traits("acme"),
            identified("hanako", "acme", timezone="Asia/Tokyo"),
            identified("joe", "acme", timezone="America/New_York"),
            used("hanako", "acme"),
            used("joe", "acme"),
        )
        admin = notify.token()

        async def held() -> bool:
            listed = await notify.client.get("/v1/nudges?state=held", headers=admin)
            return [n["reason"] for n in listed.json()] == ["quiet_hours"] * 2

        await eventually(held)
        listed = await notify.client.get("/v1/nudges?state=held", headers=admin)
        due = {n["recipient"]["id"]: n["due_at"] for n in listed.json()}
        clock.advance(timedelta(hours=2, minutes=31))  # 09:01 in New York, 23:01 in Tokyo
        await notify.tick()
        await sink.wait_for(1)
        after_new_york_morning = [r.rcpt_tos[0] for r in sink.received]
        clock.advance(timedelta(hours=10))  # 09:01 Wednesday in Tokyo
        await notify.tick()
        await sink.wait_for(2)

    assert datetime.fromisoformat(due["hanako"]) == datetime(2026, 3, 4, 0, 0, tzinfo=UTC)
    assert datetime.fromisoformat(due["joe"]) == datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
    assert after_new_york_morning == ["joe@customer.test"]
    assert sorted(r.rcpt_tos[0] for r in sink.received) == [
        "hanako@customer.test",
        "joe@customer.test",
    ]
    assert nudges.of("banso.nudge.suppressed.v1") == []  # held, never dropped


async def test_fourteen_quiet_days_bring_one_re_engagement_email(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    clock = ShiftedClock()
    quiet, busy = treated_accounts("re-engagement-14d", 2, percent=10)
    async with running_notify(settings, clock) as notify:
        start = clock.now()
        await publish(
            kafka_bootstrap,
            prefix,
            account_traits(quiet),
            account_traits(busy),
            # long-standing users (signed up a month before): no onboarding is due
            identified("sleepy", quiet, created_at=(start - timedelta(days=30)).isoformat()),
            identified("active", busy, created_at=(start - timedelta(days=30)).isoformat()),
            used("sleepy", quiet, at=start),
            used("active", busy, at=start),
        )

        async def armed() -> bool:
            listed = await notify.client.get("/v1/nudges", headers=notify.token())
            return listed.status_code == 200 and await _timers(notify, "re-engagement-14d") == 2

        await eventually(armed)
        clock.advance(timedelta(days=10))
        await publish(kafka_bootstrap, prefix, used("active", busy, at=clock.now()))

        async def active_again() -> bool:
            async with notify.state["runtime"].db.session() as session:
                rows = await session.exec(select(Timer).where(Timer.user_id == "active"))
                return any(t.due_at > start + timedelta(days=20) for t in rows.all())

        await eventually(active_again)
        clock.advance(timedelta(days=4, minutes=1))
        await notify.tick()
        await notify.tick()
        await sink.wait_for(1)
        clock.advance(timedelta(days=1))
        await notify.tick()  # firing again must not send again
        await notify.tick()

    assert [r.rcpt_tos[0] for r in sink.received] == ["sleepy@customer.test"]
    assert "Picking up where you left off" in str(sink.received[0].message["Subject"])


async def test_first_key_action_overdue_brings_the_onboarding_guide(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    clock = ShiftedClock()
    lagging, keen = treated_accounts("onboarding-first-key-action", 2, percent=10, prefix="new")
    async with running_notify(settings, clock) as notify:
        signup = clock.now().isoformat()
        await publish(
            kafka_bootstrap,
            prefix,
            account_traits(lagging),
            account_traits(keen),
            identified("slow", lagging, created_at=signup, locale="ja"),
            identified("fast", keen, created_at=signup),
        )

        async def two_timers() -> bool:
            return await _timers(notify, "onboarding-first-key-action") == 2

        await eventually(two_timers)
        await publish(
            kafka_bootstrap,
            prefix,
            used("fast", keen, event="Key Action Completed", at=clock.now()),
        )

        async def one_timer_left() -> bool:
            return await _timers(notify, "onboarding-first-key-action") == 1

        await eventually(one_timer_left)
        clock.advance(timedelta(days=3, minutes=1))
        await notify.tick()
        await notify.tick()
        await sink.wait_for(1)

    assert [r.rcpt_tos[0] for r in sink.received] == ["slow@customer.test"]
    assert "最初の一歩" in str(sink.received[0].message["Subject"])


async def _timers(notify: Running, playbook_id: str) -> int:
    runtime = notify.state["runtime"]
    async with runtime.db.session() as session:
        rows = await session.exec(select(Timer).where(Timer.playbook_id == playbook_id))
        return len(rows.all())


JOURNEY = """
id: two-step
name: E-mail, then an in-app reminder two days later
trigger: {type: usage_event, event: Trial Started}
steps:
  - send: {channel: email, template: hello}
  - wait: 2d
  - send: {channel: inapp, template: reminder}
goal: {event: Project Created, within: 7d}
caps: {account_same_playbook_daily: null, user_same_playbook_weekly: null}
templates:
  hello:
    en: {subject: "Welcome", text: "Create your first project."}
  reminder:
    en: {subject: "Still there?", text: "Your first project takes two minutes."}
"""


async def test_a_journey_sends_its_next_step_after_the_wait_unless_the_goal_was_reached(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    clock = ShiftedClock()
    async with running_notify(settings, clock) as notify:
        admin = notify.token()
        await put_yaml(notify, JOURNEY, "two-step")
        await notify.client.put("/v1/policy", json={"delivery_hours": {}}, headers=admin)
        await publish(
            kafka_bootstrap,
            prefix,
            account_traits("acme"),
            account_traits("globex"),
            identified("ana", "acme"),
            identified("ben", "globex"),
            used("ana", "acme", event="Trial Started", at=clock.now()),
            used("ben", "globex", event="Trial Started", at=clock.now()),
        )
        await sink.wait_for(2)

        async def both_planned() -> bool:
            held = await notify.client.get("/v1/nudges?state=held", headers=admin)
            return len(held.json()) == 2

        await eventually(both_planned)
        # ben reaches the goal before the reminder is due
        await publish(
            kafka_bootstrap,
            prefix,
            used("ben", "globex", event="Project Created", at=clock.now()),
        )

        async def converted() -> bool:
            report = await notify.client.get("/v1/playbooks/two-step/report", headers=admin)
            return bool(report.json()["converted"] == 1)

        await eventually(converted)
        clock.advance(timedelta(days=2, minutes=1))
        await notify.tick()
        ana_inbox = await notify.client.get("/v1/inapp/ana", headers=admin)

        async def reminded() -> bool:
            inbox = await notify.client.get("/v1/inapp/ana", headers=admin)
            return len(inbox.json()) == 1

        await eventually(reminded)
        ben_inbox = await notify.client.get("/v1/inapp/ben", headers=admin)
        listed = await notify.client.get("/v1/nudges?playbook_id=two-step", headers=admin)

    assert ana_inbox.status_code == 200
    assert ben_inbox.json() == []
    states = sorted((n["recipient"]["id"], n["channel"], n["state"]) for n in listed.json())
    assert states == [
        ("ana", "email", "sent"),
        ("ana", "inapp", "sent"),
        ("ben", "email", "sent"),
        ("ben", "inapp", "suppressed"),
    ]
