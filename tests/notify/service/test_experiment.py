"""Did it work? Holdout by account, conversions within the goal window, report with uplift."""

from __future__ import annotations

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
            *[used(f"user-{a}", a) for a in ACCOUNTS],
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
    }
    assert report["holdout"]["accounts"] == len(control)
    assert report["holdout"]["converted"] == 1
    expected = newcombe_interval(len(treated) - 1, len(treated), 1, len(control))
    assert report["uplift"]["ci95"] == {"low": expected.low, "high": expected.high}
    assert report["uplift"]["difference"] == pytest.approx(
        (len(treated) - 1) / len(treated) - 1 / len(control)
    )


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
