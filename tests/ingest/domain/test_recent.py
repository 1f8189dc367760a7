"""The live debugger's memory: a bounded ring per source, a bounded number of sources, newest
first, in request order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from banso_ingest.domain.feedback import parse_feedback_body
from banso_ingest.domain.plan import Duplicate, assign
from banso_ingest.domain.recent import RecentEvents
from banso_ingest.domain.rejections import Reason, Rejection
from banso_ingest.domain.routing import classify, feedback_intents
from tests.ingest.domain.builders import (
    LIMITS,
    RECEIVED_AT,
    batch,
    counter_ids,
    read_batch,
    track,
)

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def _rejected(index: int) -> Rejection:
    return Rejection(index, f"m-{index}", Reason.MISSING_EVENT, "track requires an event")


def test_each_source_keeps_its_latest_events_newest_first() -> None:
    recent = RecentEvents(per_source=3, sources=10)
    recent.record("ws", "web", T0, rejections=(_rejected(1),), duplicates=(Duplicate(0, "m-0"),))
    recent.record("ws", "web", T0 + timedelta(seconds=1), rejections=(_rejected(2), _rejected(3)))
    latest = recent.latest("ws", "web")
    assert [(e.message_id, e.outcome) for e in latest] == [
        ("m-3", "rejected"),
        ("m-2", "rejected"),
        ("m-1", "rejected"),
    ]
    assert latest[0].reason == "missing_event"
    assert recent.latest("other") == []


def test_a_large_batch_keeps_only_its_last_events() -> None:
    recent = RecentEvents(per_source=5, sources=10)
    recent.record("ws", "web", T0, rejections=tuple(_rejected(i) for i in range(2500)))
    assert [e.message_id for e in recent.latest("ws")] == [f"m-{i}" for i in range(2499, 2494, -1)]


def test_the_least_recently_written_source_is_forgotten_first() -> None:
    recent = RecentEvents(per_source=5, sources=2)
    recent.record("ws", "a", T0, rejections=(_rejected(1),))
    recent.record("ws", "b", T0, rejections=(_rejected(2),))
    recent.record("ws", "a", T0, rejections=(_rejected(3),))
    recent.record("ws", "c", T0, rejections=(_rejected(4),))
    assert {e.source_id for e in recent.latest("ws")} == {"a", "c"}
    assert recent.latest("ws", "b") == []


def test_accepted_events_and_feedback_items_are_shown_with_their_type_name_and_account() -> None:
    parsed = read_batch(
        batch(
            track(userId="u1", event="Report Exported", context={"groupId": "acme"}),
            {"type": "page", "anonymousId": "a1", "name": "Pricing"},
        )
    )
    intents, _ = classify(parsed.messages, feedback_events={})
    items, _ = parse_feedback_body(
        {"text": "Great", "kind": "nps_comment", "account": "acme", "user": "u1"},
        received_at=RECEIVED_AT,
        limits=LIMITS,
        body_bytes=100,
        new_message_id=counter_ids(),
    )
    intents += feedback_intents(items)
    records = assign(intents, workspace_id="ws", source_id="web", known_groups={}).records
    recent = RecentEvents(per_source=10, sources=10)
    recent.record("ws", "web", T0, published=tuple(records))
    shown = [(e.outcome, e.type, e.name, e.user_id, e.account_id) for e in recent.latest("ws")]
    assert sorted(shown, key=str) == sorted(
        [
            ("accepted", "track", "Report Exported", "u1", "acme"),
            ("accepted", "page", "Pricing", None, None),
            ("accepted", "feedback", "nps_comment", "u1", "acme"),
        ],
        key=str,
    )
