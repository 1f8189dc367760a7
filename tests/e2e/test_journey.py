"""The whole customer journey, with the four services as separate processes on a real broker.

simulator → ingest → (usage, traits, feedback topics) → scoring → a red account → notify
e-mails its CSM; feedback → bridge → one ticket per theme in a Jira stand-in → its resolve
webhook → notify tells the people who reported the problem. Each test asserts one hop, in the
order the journey takes them.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import orjson
import pytest
import pytest_asyncio

from banso_contracts.events import HealthChanged, TicketCreated, TicketResolved
from banso_contracts.topics import ACCOUNT_TRAITS, FEEDBACK, HEALTH, TICKETS, USAGE, USER_TRAITS
from banso_ingest.domain.plan import event_id
from banso_sim.demo.loop import fixed_mails, jira_signature, jira_webhook_path
from banso_sim.platform.topics import delete_topics, read_topic
from banso_sim.world.model import Archetype
from tests.e2e.journey import Journey, journey, small_world
from tests.support.topics import unique_prefix

pytestmark = [
    pytest.mark.slow,
    pytest.mark.kafka,
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.timeout(900),
]
T = TypeVar("T")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def trip(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Journey]:
    prefix = unique_prefix("e2e")
    directory: Path = tmp_path_factory.mktemp("journey")
    try:
        async with journey(directory, kafka_bootstrap, prefix, small_world()) as state:
            yield state
    finally:
        await delete_topics(kafka_bootstrap, prefix)


async def eventually(check: Callable[[], Awaitable[T | None]], timeout_s: float = 180.0) -> T:
    """The first truthy answer of `check`, polled until `timeout_s` (then the test fails)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        found = await check()
        if found:
            return found
        if loop.time() > deadline:
            pytest.fail(f"nothing after {timeout_s:.0f} s")
        await asyncio.sleep(1.0)


async def test_every_acknowledged_event_is_on_its_topic_once(trip: Journey) -> None:
    sent = trip.sent
    assert sent.rejected == []
    assert sent.acknowledged == sent.messages > 5000
    prefix = trip.cluster.topic_prefix
    for topic in (USAGE, USER_TRAITS, ACCOUNT_TRAITS, FEEDBACK):
        records = await read_topic(trip.cluster.bootstrap, prefix, topic)
        ids = Counter(record.envelope.id for record in records)
        expected = {event_id(trip.tenant.source_id, mid) for mid in sent.ids[topic.name]}
        assert set(ids) == expected, topic.name
        assert max(ids.values()) == 1, f"{topic.name}: an event was published twice"
        assert all(r.key.startswith(trip.tenant.workspace_id + ":") for r in records)


async def test_scoring_turns_a_failing_account_red_and_says_why(trip: Journey) -> None:
    scoring = trip.api("scoring")
    listed = await scoring.get("/v1/accounts", limit=500)
    assert {a["account_id"] for a in listed["accounts"]} == {a.id for a in trip.world.accounts}
    red = {a["account_id"] for a in listed["accounts"] if a["band"] == "red"}
    stories = {a.id: a.archetype for a in trip.world.accounts}
    failing = [a for a in red if stories[a] in (Archetype.CHURNING, Archetype.DECLINING)]
    assert failing, f"no churning or declining account is red (red: {red})"
    for account_id in failing:
        health = (await scoring.get(f"/v1/accounts/{account_id}/health"))["health"]
        assert health["band"] == "red"
        assert health["drivers"], "a red account must say why"
        assert all(driver["text"] for driver in health["drivers"])
    changes = await read_topic(trip.cluster.bootstrap, trip.cluster.topic_prefix, HEALTH)
    turned_red = {
        r.event.account_id
        for r in changes
        if isinstance(r.event, HealthChanged) and r.event.band == "red"
    }
    assert set(failing) <= turned_red


async def test_notify_emails_the_csm_of_a_red_account(trip: Journey) -> None:
    listed = await trip.api("scoring").get("/v1/accounts", band="red", limit=500)
    red = {a["account_id"] for a in listed["accounts"]}
    accounts = {a.id: a for a in trip.world.accounts}

    async def csm_mails() -> list[tuple[str, str]]:
        return [
            (account_id, mail.subject)
            for account_id in red
            for mail in trip.smtp.to(accounts[account_id].csm.email)
            if accounts[account_id].name in mail.subject
        ]

    found = await eventually(csm_mails)
    account_id, subject = found[0]
    assert "red" in subject or "レッド" in subject


async def test_feedback_becomes_one_ticket_per_theme(trip: Journey) -> None:
    bridge = trip.api("bridge")
    assert await bridge.offers("/v1/themes"), "bridge: GET /v1/themes is not there"

    async def tickets() -> int:
        return len(trip.jira.issues)

    await eventually(tickets)
    assert trip.jira.refused == []
    labels = Counter(
        label
        for issue in trip.jira.issues.values()
        for label in issue.labels
        if label != "customer-feedback"
    )
    assert labels, "tickets carry the theme's key as a label"
    assert max(labels.values()) == 1, f"duplicate tickets: {labels}"
    records = await read_topic(trip.cluster.bootstrap, trip.cluster.topic_prefix, TICKETS)
    created = {r.event.external_key for r in records if isinstance(r.event, TicketCreated)}
    assert created == set(trip.jira.issues)


async def test_resolving_a_ticket_tells_the_people_who_reported_it(trip: Journey) -> None:
    bridge = trip.api("bridge")
    path = await jira_webhook_path(bridge, trip.tenant.workspace_id)
    assert path is not None, "bridge: no Jira resolve webhook route"
    key = next(iter(trip.jira.issues))
    body = orjson.dumps(trip.jira.resolve(key))
    refused = await bridge.send(
        "POST",
        path,
        content=body,
        content_type="application/json",
        headers={"X-Hub-Signature": jira_signature("not-the-secret", body)},
        bearer=False,
    )
    assert refused.status_code in (401, 403), "a webhook with a bad signature is refused"
    accepted = await bridge.send(
        "POST",
        path,
        content=body,
        content_type="application/json",
        headers={"X-Hub-Signature": jira_signature(trip.jira_webhook_secret, body)},
        bearer=False,
    )
    assert accepted.status_code < 300, accepted.text

    async def resolved() -> TicketResolved | None:
        records = await read_topic(trip.cluster.bootstrap, trip.cluster.topic_prefix, TICKETS)
        return next(
            (
                r.event
                for r in records
                if isinstance(r.event, TicketResolved) and r.event.external_key == key
            ),
            None,
        )

    event = await eventually(resolved)
    users = {u.id: u for u in trip.world.users}
    reporters = {r.user_id for r in event.reporters if r.user_id is not None}
    assert reporters, "the resolved event names who reported it"
    addresses = {users[user_id].email for user_id in reporters if user_id in users}

    async def told() -> set[str]:
        return {a for mail in fixed_mails(trip.smtp.mails) for a in mail.rcpt_tos} & addresses

    reached = await eventually(told)
    assert reached <= addresses
