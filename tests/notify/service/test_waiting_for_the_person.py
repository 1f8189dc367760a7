"""A nudge waits for its person's identify: their first event may overtake it (another topic)."""

from __future__ import annotations

import time

import orjson
import pytest

from banso_notify.config import NotifySettings
from tests.support.http import HttpSink, serve_http
from tests.support.waiting import eventually

from .support import (
    TO_CRM,
    Running,
    account_traits,
    identified,
    identified_without_traits,
    publish,
    put_yaml,
    running_notify,
    used,
    watch_nudges,
)

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


async def identifying_workspace(
    notify: Running, kafka_bootstrap: str, hook: str, **policy: object
) -> dict[str, str]:
    """The hand-over playbook, sent at any hour to `hook`, in a workspace that has identified
    someone already (Ben); returns the admin's headers."""
    admin = notify.token()
    await put_yaml(notify, TO_CRM, "to-crm")
    settings = {"delivery_hours": {}, "webhook_url": hook, **policy}
    await notify.client.put("/v1/policy", json=settings, headers=admin)
    prefix = notify.settings.topic_prefix
    await publish(kafka_bootstrap, prefix, account_traits("acme"), identified("ben", "acme"))
    runtime = notify.state["runtime"]
    await eventually(lambda: sum(c.applied_total for c in runtime.consumers) >= 2)
    return admin


async def held_gauge(notify: Running, reason: str) -> list[str]:
    """The lines of `/metrics` giving `banso_notify_held_nudges` for `reason`."""
    metrics = (await notify.client.get("/metrics")).text
    prefix = f'banso_notify_held_nudges{{reason="{reason}"}} '
    return [line for line in metrics.splitlines() if line.startswith(prefix)]


async def test_an_event_that_overtakes_the_identify_waits_and_speaks_the_persons_language(
    settings: NotifySettings, kafka_bootstrap: str
) -> None:
    prefix = settings.topic_prefix
    hook = HttpSink()
    settings = settings.model_copy(update={"held_gauge_s": 0.2})
    async with (
        serve_http(hook) as base,
        running_notify(settings) as notify,
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        admin = await identifying_workspace(notify, kafka_bootstrap, f"{base}/banso")
        await publish(kafka_bootstrap, prefix, used("ana", "acme", event="Trial Extended"))

        async def waiting() -> bool:
            held = await notify.client.get("/v1/nudges?state=held", headers=admin)
            return [n["reason"] for n in held.json()] == ["awaiting_person"]

        await eventually(waiting)
        assert hook.received == []

        async def counted_as_held(reason: str, count: int) -> bool:
            return f'banso_notify_held_nudges{{reason="{reason}"}} {count:.1f}' in (
                await held_gauge(notify, reason)
            )

        # an operator sees it waiting for the person on /metrics
        await eventually(lambda: counted_as_held("awaiting_person", 1))
        await publish(kafka_bootstrap, prefix, identified("ana", "acme", locale="ja"))
        await eventually(lambda: len(hook.received) == 1)
        await eventually(lambda: len(nudges.of("banso.nudge.sent.v1")) == 1)
        await eventually(lambda: counted_as_held("awaiting_person", 0))
        # a CSM reading the account's nudges sees whom it went to by name
        listed = await notify.client.get("/v1/nudges?account_id=acme", headers=admin)

    assert [n["recipient"] for n in listed.json()] == [{"kind": "user", "id": "ana", "name": "Ana"}]
    body = orjson.loads(hook.received[0].body)
    assert body["message"]["text"] == "Ana 様がトライアルを延長しました。"
    assert body["locale"] == "ja"
    assert body["recipient"] == {"kind": "user", "id": "ana"}
    assert nudges.of("banso.nudge.suppressed.v1") == []


async def test_a_person_never_identified_is_decided_on_what_is_known_after_the_wait(
    settings: NotifySettings, kafka_bootstrap: str
) -> None:
    prefix = settings.topic_prefix
    hook = HttpSink()
    async with serve_http(hook) as base, running_notify(settings) as notify:
        admin = await identifying_workspace(
            notify, kafka_bootstrap, f"{base}/banso", address_wait_s=1
        )
        started = time.monotonic()
        await publish(kafka_bootstrap, prefix, used("cy", "acme", event="Trial Extended"))
        await eventually(lambda: len(hook.received) == 1)
        waited = time.monotonic() - started
        listed = await notify.client.get("/v1/nudges?account_id=acme", headers=admin)

    # nobody told their name: the list shows the id alone
    assert [n["recipient"] for n in listed.json()] == [{"kind": "user", "id": "cy", "name": None}]

    body = orjson.loads(hook.received[0].body)
    assert waited >= 1.0  # it waited address_wait_s for the identify
    assert body["message"]["text"] == " extended the trial."  # no name known, and no "None"
    assert body["locale"] == "en"  # the workspace's language
    assert body["recipient"] == {"kind": "user", "id": "cy"}


async def test_a_person_identified_without_traits_is_not_waited_for(
    settings: NotifySettings, kafka_bootstrap: str
) -> None:
    prefix = settings.topic_prefix
    hook = HttpSink()
    settings = settings.model_copy(update={"held_gauge_s": 0.2})
    async with (
        serve_http(hook) as base,
        running_notify(settings) as notify,
        watch_nudges(kafka_bootstrap, prefix) as nudges,
    ):
        # a wait long enough that a nudge held for the person could not go out in this test
        await identifying_workspace(notify, kafka_bootstrap, f"{base}/banso", address_wait_s=300)
        await publish(kafka_bootstrap, prefix, identified_without_traits("dee", "acme"))
        runtime = notify.state["runtime"]
        await eventually(lambda: sum(c.applied_total for c in runtime.consumers) >= 3)
        counted: list[str] = []

        async def sent_and_never_counted_as_held() -> bool:
            counted.extend(await held_gauge(notify, "awaiting_person"))
            return len(hook.received) == 1

        started = time.monotonic()
        await publish(kafka_bootstrap, prefix, used("dee", "acme", event="Trial Extended"))
        await eventually(sent_and_never_counted_as_held, within_s=30)
        waited = time.monotonic() - started
        await eventually(lambda: len(nudges.of("banso.nudge.sent.v1")) == 1)

    assert waited < 30  # sent as soon as decided, not after address_wait_s
    assert counted  # the gauge was read while the nudge was decided and sent ...
    assert set(counted) == {'banso_notify_held_nudges{reason="awaiting_person"} 0.0'}  # ... at 0
    body = orjson.loads(hook.received[0].body)
    assert body["message"]["text"] == " extended the trial."  # no name was given
    assert body["locale"] == "en"  # nor a language: the workspace's
    assert body["recipient"] == {"kind": "user", "id": "dee"}
    assert nudges.of("banso.nudge.suppressed.v1") == []
