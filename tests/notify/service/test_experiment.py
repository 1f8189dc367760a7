"""Did it work? Holdout by account, conversions within the goal window, report with uplift."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from banso_notify.config import NotifySettings
from banso_notify.domain.holdout import in_holdout
from banso_notify.domain.policy import WorkspacePolicy
from banso_notify.domain.uplift import newcombe_interval
from tests.support.smtp import SmtpSink
from tests.support.waiting import eventually

from .support import (
    WS,
    account_traits,
    identified,
    publish,
    put_yaml,
    running_notify,
    used,
    watch_nudges,
)

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

EXPERIMENT = """
id: schedule-nudge
name: Suggest scheduling after an export
trigger: {type: usage_event, event: Report Exported}
steps:
  - send: {channel: email, template: tip}
goal: {event: Report Scheduled, within: 7d}
holdout_percent: 50
templates:
  tip:
    en: {subject: "Schedule it", text: "Reports can go out every Monday."}
"""
ACCOUNTS = [f"acct-{n}" for n in range(16)]


def held_out(account: str) -> bool:
    salt = WorkspacePolicy().holdout_salt
    return in_holdout(
        50, salt=salt, workspace_id=WS, playbook_id="schedule-nudge", account_id=account
    )


async def test_holdout_conversions_and_uplift_report(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    sink, _ = smtp
    prefix = settings.topic_prefix
    treated = [a for a in ACCOUNTS if not held_out(a)]
    control = [a for a in ACCOUNTS if held_out(a)]
    # every treated account converts but one; one held-out account converts anyway
    converting = treated[1:] + control[:1]
    async with (
        running_notify(settings) as notify,
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        admin = notify.token()
        await put_yaml(notify, EXPERIMENT, "schedule-nudge")
        await notify.client.put("/v1/policy", json={"delivery_hours": {}}, headers=admin)
        await publish(
            kafka_bootstrap,
            prefix,
            *[account_traits(a) for a in ACCOUNTS],
            *[identified(f"user-{a}", a) for a in ACCOUNTS],
            *[used(f"user-{a}", a, at=notify.clock.now()) for a in ACCOUNTS],
        )
        await sink.wait_for(len(treated))
        # conversions count only after the nudge (or its holdout) is on record
        await eventually(lambda: len(nudges.of("banso.nudge.sent.v1")) == len(treated))
        await eventually(lambda: len(nudges.of("banso.nudge.suppressed.v1")) == len(control))
        await publish(
            kafka_bootstrap,
            prefix,
            *[
                used(f"user-{a}", a, event="Report Scheduled", at=notify.clock.now())
                for a in converting
            ],
            used("user-acct-0", "acct-0", event="Something Else", at=notify.clock.now()),
        )
        await eventually(lambda: len(nudges.of("banso.nudge.converted.v1")) == len(converting))
        report = (
            await notify.client.get("/v1/playbooks/schedule-nudge/report", headers=admin)
        ).json()

    assert 0 < len(control) < len(ACCOUNTS)  # the holdout really splits these accounts
    assert {p["reason"] for p in nudges.of("banso.nudge.suppressed.v1")} == {"holdout"}
    assert {p["variant"] for p in nudges.of("banso.nudge.suppressed.v1")} == {"holdout"}
    converted = {p["account_id"]: p["variant"] for p in nudges.of("banso.nudge.converted.v1")}
    assert converted == {a: ("holdout" if a in control else "treatment") for a in converting}
    assert report["sent"] == len(treated)
    assert report["suppressed"] == {"holdout": len(control)}
    assert report["treatment"] == {
        "accounts": len(treated),
        "converted": len(treated) - 1,
        "rate": (len(treated) - 1) / len(treated),
        "enrolments": len(treated),
    }
    assert report["holdout"]["accounts"] == len(control)
    assert report["holdout"]["converted"] == 1
    expected = newcombe_interval(len(treated) - 1, len(treated), 1, len(control))
    assert report["uplift"]["ci95"] == {"low": expected.low, "high": expected.high}
    assert report["uplift"]["difference"] == pytest.approx(
        (len(treated) - 1) / len(treated) - 1 / len(control)
    )
    assert report["unit"] == "account"
    assert report["uplift"]["n"] == {"treatment": len(treated), "holdout": len(control)}
    assert report["uplift"]["converted"] == {"treatment": len(treated) - 1, "holdout": 1}
    assert report["attribution"] == {
        "clock": "event_time",
        "window_opens_at": "trigger",
        "goal_event": "Report Scheduled",
        "goal_scope": "user",
        "window_seconds": 7 * 86400,
    }


async def test_a_replay_compressed_in_wall_time_is_attributed_by_event_time(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    # The exports happened 20 hours before notify decides, and a week of later events arrives
    # in one burst, seconds after the decisions: only the events' own times may decide what
    # converted. Each account does the goal once: an hour after its export (inside the 7-day
    # window that opens at the export) or 7 days and 1 hour after it (outside, although it is
    # inside 7 days of the moment notify decided). Held-out accounts are judged the same way.
    sink, _ = smtp
    prefix = settings.topic_prefix
    treated = [a for a in ACCOUNTS if not held_out(a)]
    control = [a for a in ACCOUNTS if held_out(a)]
    inside = set(treated[: len(treated) // 2] + control[: len(control) // 2])
    async with (
        running_notify(settings) as notify,
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        admin = notify.token()
        await put_yaml(notify, EXPERIMENT, "schedule-nudge")
        await notify.client.put("/v1/policy", json={"delivery_hours": {}}, headers=admin)
        exported_at = notify.clock.now() - timedelta(hours=20)
        await publish(
            kafka_bootstrap,
            prefix,
            *[account_traits(a) for a in ACCOUNTS],
            *[identified(f"user-{a}", a) for a in ACCOUNTS],
            *[used(f"user-{a}", a, at=exported_at) for a in ACCOUNTS],
        )
        await sink.wait_for(len(treated))
        await eventually(lambda: len(nudges.of("banso.nudge.sent.v1")) == len(treated))
        await eventually(lambda: len(nudges.of("banso.nudge.suppressed.v1")) == len(control))
        notify.clock.advance(timedelta(days=8))  # the week has passed when its events arrive
        goals = sorted(
            (exported_at + (timedelta(hours=1) if a in inside else timedelta(days=7, hours=1)), a)
            for a in ACCOUNTS
        )
        await publish(
            kafka_bootstrap,
            prefix,
            *[used(f"user-{a}", a, event="Report Scheduled", at=at) for at, a in goals],
        )
        await eventually(lambda: len(nudges.of("banso.nudge.converted.v1")) == len(inside))
        report = (
            await notify.client.get("/v1/playbooks/schedule-nudge/report", headers=admin)
        ).json()
        enrolled = (
            await notify.client.get(
                "/v1/playbooks/schedule-nudge/enrolments", params={"limit": 100}, headers=admin
            )
        ).json()
        unknown = await notify.client.get("/v1/playbooks/nope/enrolments", headers=admin)
        bad = await notify.client.get(
            "/v1/playbooks/schedule-nudge/enrolments", params={"variant": "both"}, headers=admin
        )

    converted = {p["account_id"]: p["variant"] for p in nudges.of("banso.nudge.converted.v1")}
    assert converted == {a: ("holdout" if a in control else "treatment") for a in inside}
    treated_in = len([a for a in treated if a in inside])
    control_in = len([a for a in control if a in inside])
    assert report["uplift"]["n"] == {"treatment": len(treated), "holdout": len(control)}
    assert report["uplift"]["converted"] == {"treatment": treated_in, "holdout": control_in}
    # every window opens at the export's event time, for both arms
    assert {e["variant"] for e in enrolled} == {"treatment", "holdout"}
    assert len(enrolled) == len(ACCOUNTS)
    opened = {e["window_starts_at"] for e in enrolled}
    assert len(opened) == 1
    assert datetime.fromisoformat(opened.pop()) == exported_at
    assert {e["account_id"] for e in enrolled if e["converted_at"] is not None} == inside
    assert unknown.status_code == 404
    assert "nope" in unknown.text
    assert bad.status_code == 422
    assert "variant" in bad.text


async def test_a_held_out_person_is_capped_like_a_treated_one(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    # Without this the holdout would be enrolled on every trigger while the treatment is capped
    # to one send a day: the held-out accounts would get more chances to "convert" and the
    # uplift would be biased against the playbook.
    sink, _ = smtp
    prefix = settings.topic_prefix
    treated = [a for a in ACCOUNTS if not held_out(a)]
    control = [a for a in ACCOUNTS if held_out(a)]
    async with (
        running_notify(settings) as notify,
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        admin = notify.token()
        await put_yaml(notify, EXPERIMENT, "schedule-nudge")  # default caps: once a day
        await notify.client.put("/v1/policy", json={"delivery_hours": {}}, headers=admin)
        await publish(
            kafka_bootstrap,
            prefix,
            *[account_traits(a) for a in ACCOUNTS],
            *[identified(f"user-{a}", a) for a in ACCOUNTS],
            *[used(f"user-{a}", a) for a in ACCOUNTS],
        )
        await sink.wait_for(len(treated))
        await eventually(lambda: len(nudges.of("banso.nudge.suppressed.v1")) == len(control))
        # everybody exports again the same day
        await publish(kafka_bootstrap, prefix, *[used(f"user-{a}", a) for a in ACCOUNTS])
        await eventually(
            lambda: len(nudges.of("banso.nudge.suppressed.v1")) == len(control) + len(ACCOUNTS)
        )
        report = (
            await notify.client.get("/v1/playbooks/schedule-nudge/report", headers=admin)
        ).json()

    suppressed = nudges.of("banso.nudge.suppressed.v1")
    capped = [p["account_id"] for p in suppressed if p["reason"].startswith("cap_")]
    assert sorted(capped) == sorted(ACCOUNTS)  # held-out accounts too, not held out again
    assert sorted(p["account_id"] for p in suppressed if p["reason"] == "holdout") == sorted(
        control
    )
    assert report["sent"] == len(treated)
    assert report["suppressed"]["holdout"] == len(control)
    assert sum(report["suppressed"].values()) == len(control) + len(ACCOUNTS)


async def test_a_goal_event_processed_before_the_decision_still_converts(
    settings: NotifySettings, smtp: tuple[SmtpSink, int], kafka_bootstrap: str
) -> None:
    # A replay can bring a goal event before notify decided about its trigger (the decision
    # waits for its timer, its batch, or the watermark). Each account's goal arrives first; in
    # event time it is a second after the export for all but one account, whose goal is a
    # second before it: only the event times decide, in both arms.
    sink, _ = smtp
    prefix = settings.topic_prefix
    treated = [a for a in ACCOUNTS if not held_out(a)]
    control = [a for a in ACCOUNTS if held_out(a)]
    early = ACCOUNTS[0]
    async with (
        running_notify(settings) as notify,
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        admin = notify.token()
        await put_yaml(notify, EXPERIMENT, "schedule-nudge")
        await notify.client.put("/v1/policy", json={"delivery_hours": {}}, headers=admin)
        exported_at = notify.clock.now() - timedelta(minutes=5)
        await publish(
            kafka_bootstrap,
            prefix,
            *[account_traits(a) for a in ACCOUNTS],
            *[identified(f"user-{a}", a) for a in ACCOUNTS],
        )
        step = timedelta(seconds=1)
        await publish(
            kafka_bootstrap,
            prefix,
            *[
                used(
                    f"user-{a}",
                    a,
                    event="Report Scheduled",
                    at=exported_at + (-step if a == early else step),
                )
                for a in ACCOUNTS
            ],
            *[used(f"user-{a}", a, at=exported_at) for a in ACCOUNTS],
        )
        await sink.wait_for(len(treated))
        await eventually(lambda: len(nudges.of("banso.nudge.suppressed.v1")) == len(control))
        await eventually(lambda: len(nudges.of("banso.nudge.converted.v1")) == len(ACCOUNTS) - 1)
        report = (
            await notify.client.get("/v1/playbooks/schedule-nudge/report", headers=admin)
        ).json()

    converted = {p["account_id"]: p["variant"] for p in nudges.of("banso.nudge.converted.v1")}
    assert converted == {
        a: ("holdout" if a in control else "treatment") for a in ACCOUNTS if a != early
    }
    assert report["uplift"]["converted"] == {
        "treatment": len([a for a in treated if a != early]),
        "holdout": len([a for a in control if a != early]),
    }
