"""The intake's durability contract, with in-memory ports: publish, dedupe, release, remember."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

import orjson
import pytest

from banso_ingest.domain.feedback import FeedbackKind, parse_feedback_body
from banso_ingest.domain.plan import Outgoing
from banso_ingest.domain.ports import PublishFailed, SourceRef
from banso_ingest.domain.routing import Route
from banso_ingest.service.intake import DuplicateInFlight, Intake
from tests.ingest.domain.builders import LIMITS, RECEIVED_AT, batch, counter_ids, read_batch, track
from tests.ingest.domain.fakes import FakeDirectory, FakeLedger, FakePublisher
from tests.support.clocks import FixedClock

SOURCE = SourceRef(workspace_id="ws1", source_id="src1")


class World:
    def __init__(self, publisher: Any = None, ledger: Any = None) -> None:
        self.clock = FixedClock(RECEIVED_AT)
        self.ledger = ledger or FakeLedger()
        self.directory = FakeDirectory()
        self.publisher = publisher or FakePublisher()
        self.intake = Intake(
            ledger=self.ledger,
            directory=self.directory,
            publisher=self.publisher,
            clock=self.clock,
            feedback_events={"Support Ticket Created": FeedbackKind.SUPPORT_TICKET},
            publish_timeout=5.0,
        )

    async def send(self, *messages: dict[str, Any], source: SourceRef = SOURCE) -> Any:
        return await self.intake.track(read_batch(batch(*messages)), source)


async def test_a_batch_is_published_and_the_answer_counts_everything() -> None:
    world = World()
    result = await world.send(
        track(messageId="m1"),
        {"type": "track", "messageId": "m2"},
        track(messageId="m3", groupId="acme"),
    )

    assert [r.message_id for r in world.publisher.acknowledged] == ["m1", "m3"]
    assert result.as_json() == {
        "success": False,
        "received": 3,
        "accepted": 2,
        "rejected": 1,
        "duplicates": [],
        "unassigned": 1,
        "errors": [
            {
                "index": 1,
                "messageId": "m2",
                "reason": "missing_identity",
                "message": "track requires `userId` or `anonymousId`",
            }
        ],
    }


async def test_a_message_id_seen_within_24_hours_is_accepted_as_a_duplicate_not_republished() -> (
    None
):
    world = World()
    await world.send(track(messageId="m1"))
    world.clock.advance(timedelta(hours=23))
    again = await world.send(track(messageId="m1"), track(messageId="m2"))

    assert [r.message_id for r in world.publisher.acknowledged] == ["m1", "m2"]
    assert again.accepted == 2
    assert [d.as_json() for d in again.duplicates] == [{"index": 0, "messageId": "m1"}]


async def test_after_24_hours_the_same_message_id_is_new_again() -> None:
    world = World()
    await world.send(track(messageId="m1"))
    world.clock.advance(timedelta(hours=24, seconds=1))
    result = await world.send(track(messageId="m1"))
    assert result.duplicates == ()
    assert len(world.publisher.acknowledged) == 2


async def test_dedupe_is_per_source() -> None:
    world = World()
    await world.send(track(messageId="m1"))
    result = await world.send(track(messageId="m1"), source=SourceRef("ws1", "src2"))
    assert result.duplicates == ()
    assert len(world.publisher.acknowledged) == 2


async def test_repeats_inside_one_batch_are_published_once() -> None:
    world = World()
    result = await world.send(track(messageId="m1"), track(messageId="m1"))
    assert len(world.publisher.acknowledged) == 1
    assert [d.index for d in result.duplicates] == [1]


async def test_when_kafka_fails_nothing_is_claimed_so_the_retry_is_published() -> None:
    world = World()
    world.publisher.fail = True
    with pytest.raises(PublishFailed):
        await world.send(track(messageId="m1"))
    assert world.ledger.pending == set()

    world.publisher.fail = False
    result = await world.send(track(messageId="m1"))
    assert result.duplicates == ()
    assert [r.message_id for r in world.publisher.acknowledged] == ["m1"]


class StuckPublisher:
    async def publish(
        self,
        records: Sequence[Outgoing],
        *,
        workspace_id: str,
        source_id: str,
        origin: str | None = None,
    ) -> None:
        await asyncio.Event().wait()


async def test_a_broker_slower_than_the_deadline_is_a_publish_failure() -> None:
    world = World(publisher=StuckPublisher())
    world.intake._publish_timeout = 0.01
    with pytest.raises(PublishFailed, match="did not acknowledge"):
        await world.send(track(messageId="m1"))
    assert world.ledger.pending == set()


async def test_a_message_id_being_published_by_another_request_asks_for_a_retry() -> None:
    world = World()
    world.ledger.pending.add(("src1", "m1"))
    with pytest.raises(DuplicateInFlight):
        await world.send(track(messageId="m2"), track(messageId="m1"))
    # its own claim (m2) was given back
    assert world.ledger.pending == {("src1", "m1")}
    assert world.publisher.acknowledged == []


async def test_group_memberships_are_remembered_only_once_published() -> None:
    world = World()
    world.publisher.fail = True
    with pytest.raises(PublishFailed):
        await world.send({"type": "group", "userId": "u1", "groupId": "acme"})
    assert world.directory.groups == {}

    world.publisher.fail = False
    await world.send({"type": "group", "userId": "u1", "groupId": "acme"})
    later = await world.send(track(userId="u1", messageId="later"))
    assert world.directory.groups == {("ws1", "u1"): "acme"}
    (record,) = later.published
    assert record.key == "ws1:acme"


async def test_the_group_store_is_not_asked_when_every_event_names_its_account() -> None:
    world = World()
    await world.send(track(groupId="acme"), track(context={"groupId": "acme"}))
    assert world.directory.lookups == []


class ForgetfulLedger(FakeLedger):
    async def confirm(
        self,
        *,
        source_id: str,
        token: int,
        now: datetime,
        unpublished: Collection[str] = (),
    ) -> None:
        raise OSError("database is locked")


async def test_events_acknowledged_by_kafka_are_answered_accepted_even_if_bookkeeping_fails() -> (
    None
):
    world = World(ledger=ForgetfulLedger())
    result = await world.send(track(messageId="m1"))
    assert result.accepted == 1
    assert [r.message_id for r in world.publisher.acknowledged] == ["m1"]


async def test_feedback_items_are_published_to_the_feedback_topic_keyed_by_account() -> None:
    world = World()
    body = {
        "items": [
            {"text": "SSO loop", "kind": "support_ticket", "account": "acme"},
            {"text": "", "kind": "support_ticket", "account": "acme"},
        ]
    }
    items, rejections = parse_feedback_body(
        body,
        received_at=RECEIVED_AT,
        limits=LIMITS,
        body_bytes=len(orjson.dumps(body)),
        new_message_id=counter_ids(),
    )
    result = await world.intake.feedback(items, rejections, SOURCE)

    (record,) = world.publisher.acknowledged
    assert (record.route, record.key) == (Route.FEEDBACK, "ws1:acme")
    assert (result.accepted, result.received, len(result.rejections)) == (1, 2, 1)


async def test_a_configured_track_is_published_as_feedback_only() -> None:
    world = World()
    await world.send(
        track(event="Support Ticket Created", groupId="acme", properties={"text": "CSV broken"})
    )
    (record,) = world.publisher.acknowledged
    assert record.route is Route.FEEDBACK


async def test_a_feedback_item_whose_account_cannot_be_found_is_rejected_and_not_claimed() -> None:
    world = World()
    body = {"text": "SSO loop", "kind": "support_ticket", "user": "stranger", "id": "fb-1"}
    items, rejections = parse_feedback_body(
        body,
        received_at=RECEIVED_AT,
        limits=LIMITS,
        body_bytes=len(orjson.dumps(body)),
        new_message_id=counter_ids(),
    )
    result = await world.intake.feedback(items, rejections, SOURCE)

    assert world.publisher.acknowledged == []
    assert [(r.message_id, r.reason.value) for r in result.rejections] == [
        ("fb-1", "missing_account")
    ]
    assert world.ledger.pending == set()
    assert world.ledger.confirmed == {}


async def test_an_item_not_published_beside_published_ones_can_be_sent_again() -> None:
    world = World()
    body = {
        "items": [
            {"text": "SSO loop", "kind": "support_ticket", "account": "acme", "id": "fb-1"},
            {"text": "CSV broken", "kind": "support_ticket", "user": "stranger", "id": "fb-2"},
        ]
    }
    items, rejections = parse_feedback_body(
        body,
        received_at=RECEIVED_AT,
        limits=LIMITS,
        body_bytes=len(orjson.dumps(body)),
        new_message_id=counter_ids(),
    )
    first = await world.intake.feedback(items, rejections, SOURCE)
    again = await world.intake.feedback(items, rejections, SOURCE)

    assert [r.message_id for r in first.rejections] == ["fb-2"]
    assert [d.message_id for d in again.duplicates] == ["fb-1"]
    assert [r.message_id for r in again.rejections] == ["fb-2"]
    assert world.ledger.pending == set()
