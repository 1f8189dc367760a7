"""Topics, accounts and Kafka keys: each account's events share a key, in request order."""

from __future__ import annotations

from typing import Any

from banso_ingest.domain.accounts import AccountSource
from banso_ingest.domain.feedback import FeedbackItem, FeedbackKind
from banso_ingest.domain.plan import (
    Outgoing,
    assign,
    event_id,
    identities_to_look_up,
    split_repeats,
)
from banso_ingest.domain.rejections import Reason
from banso_ingest.domain.routing import Route, classify, usage_name
from tests.ingest.domain.builders import batch, read_batch, track

FEEDBACK_EVENTS = {"Support Ticket Created": FeedbackKind.SUPPORT_TICKET}


def plan(*messages: dict[str, Any], known: dict[str, str] | None = None) -> list[Outgoing]:
    intents, rejections = classify(
        read_batch(batch(*messages)).messages, feedback_events=FEEDBACK_EVENTS
    )
    assert rejections == []
    assignment = assign(intents, workspace_id="ws1", source_id="src1", known_groups=known or {})
    assert assignment.rejections == []
    return assignment.records


def test_each_type_goes_to_its_topic() -> None:
    records = plan(
        track(),
        {"type": "page", "userId": "u1"},
        {"type": "screen", "userId": "u1"},
        {"type": "identify", "userId": "u1"},
        {"type": "alias", "userId": "u1", "previousId": "a1"},
        {"type": "group", "userId": "u1", "groupId": "acme"},
        track(event="Support Ticket Created", properties={"text": "SSO loop"}),
    )
    assert [r.route for r in records] == [
        Route.USAGE,
        Route.USAGE,
        Route.USAGE,
        Route.USER_TRAITS,
        Route.USER_TRAITS,
        Route.ACCOUNT_TRAITS,
        Route.FEEDBACK,
    ]
    assert isinstance(records[-1].payload, FeedbackItem)


def test_the_account_is_the_group_id_then_context_then_the_last_group_then_none() -> None:
    records = plan(
        track(groupId="g-event", context={"groupId": "g-context"}),
        track(context={"groupId": "g-context"}),
        track(userId="u-known"),
        track(userId="u-new"),
        known={"u-known": "g-last"},
    )
    assert [(r.account.account_id, r.account.source, r.key) for r in records] == [
        ("g-event", AccountSource.EVENT, "ws1:g-event"),
        ("g-context", AccountSource.CONTEXT, "ws1:g-context"),
        ("g-last", AccountSource.LAST_GROUP, "ws1:g-last"),
        (None, AccountSource.NONE, "ws1:user:u-new"),
    ]


def test_anonymous_events_without_account_are_keyed_by_their_anonymous_id() -> None:
    (record,) = plan({"type": "page", "anonymousId": "a-7"})
    assert record.key == "ws1:anonymous:a-7"


def test_a_group_call_applies_to_the_events_after_it_in_the_same_batch() -> None:
    before, group, after, identify = plan(
        track(userId="u1"),
        {"type": "group", "userId": "u1", "groupId": "acme"},
        track(userId="u1"),
        {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}},
    )
    assert before.key == "ws1:user:u1"
    assert (group.key, group.account.account_id) == ("ws1:acme", "acme")
    assert (after.key, after.account.source) == ("ws1:acme", AccountSource.LAST_GROUP)
    # user traits are compacted per user, and still say which account the user belongs to
    assert (identify.key, identify.account.account_id) == ("ws1:u1", "acme")


def test_group_calls_and_aliases_produce_the_memberships_to_remember() -> None:
    intents, _ = classify(
        read_batch(
            batch(
                {"type": "group", "anonymousId": "a1", "groupId": "acme"},
                {"type": "alias", "userId": "u1", "previousId": "a1"},
                {"type": "group", "userId": "u2", "groupId": "same"},
            )
        ).messages,
        feedback_events={},
    )
    assignment = assign(intents, workspace_id="ws1", source_id="s", known_groups={"u2": "same"})
    assert assignment.changes == {"anonymous:a1": "acme", "u1": "acme"}
    assert assignment.records[1].account.account_id == "acme"


def test_only_events_that_name_no_account_need_a_lookup() -> None:
    intents, _ = classify(
        read_batch(
            batch(
                track(userId="u1", groupId="g"),
                track(userId="u2", anonymousId="a2"),
                {"type": "group", "userId": "u3", "groupId": "g"},
                {"type": "alias", "userId": "u4", "previousId": "p4"},
                track(userId="u5", context={"groupId": "acme"}),
            )
        ).messages,
        feedback_events={},
    )
    assert identities_to_look_up(intents) == {"u2", "anonymous:a2", "u4", "p4", "anonymous:p4"}


def test_repeats_within_a_request_are_duplicates_of_the_first() -> None:
    intents, _ = classify(
        read_batch(
            batch(
                track(messageId="m1"),
                track(messageId="m2"),
                track(messageId="m1", event="Other"),
            )
        ).messages,
        feedback_events={},
    )
    first, repeats = split_repeats(intents)
    assert [i.index for i in first] == [0, 1]
    assert [(d.index, d.message_id) for d in repeats] == [(2, "m1")]


def test_event_ids_are_stable_per_source_and_message_id() -> None:
    assert event_id("src1", "m1") == event_id("src1", "m1")
    assert event_id("src1", "m1") != event_id("src2", "m1")
    (record,) = plan(track(messageId="m1"))
    assert record.event_id == event_id("src1", "m1")


def test_a_feedback_track_without_text_stays_usage_and_one_with_a_bad_score_is_rejected() -> None:
    intents, rejections = classify(
        read_batch(
            batch(
                track(event="Support Ticket Created", properties={"score": 2}),
                track(
                    event="Support Ticket Created",
                    messageId="bad",
                    properties={"text": "x", "score": 99},
                ),
            )
        ).messages,
        feedback_events=FEEDBACK_EVENTS,
    )
    assert [i.route for i in intents] == [Route.USAGE]
    assert [(r.index, r.message_id, r.reason) for r in rejections] == [(1, "bad", Reason.BAD_SCORE)]


def test_user_traits_are_keyed_by_user_and_an_alias_by_its_previous_id() -> None:
    identify, alias = plan(
        {"type": "identify", "userId": "u1", "traits": {}},
        {"type": "alias", "userId": "u1", "previousId": "a1"},
    )
    assert (identify.key, alias.key) == ("ws1:u1", "ws1:a1")


def test_a_feedback_track_whose_account_is_unknown_is_published_as_usage() -> None:
    (record,) = plan(track(event="Support Ticket Created", properties={"text": "SSO loop"}))
    assert (record.route, record.key) == (Route.USAGE, "ws1:user:u1")
    assert not isinstance(record.payload, FeedbackItem)


def test_a_feedback_track_of_a_grouped_user_is_feedback_of_their_account() -> None:
    (record,) = plan(
        track(event="Support Ticket Created", properties={"text": "SSO loop"}),
        known={"u1": "acme"},
    )
    assert (record.route, record.key) == (Route.FEEDBACK, "ws1:acme")


def test_usage_events_are_named_by_event_then_name_then_title_or_path_then_type() -> None:
    named = read_batch(
        batch(
            track(event="Exported"),
            {"type": "page", "userId": "u", "name": "Pricing"},
            {"type": "page", "userId": "u", "properties": {"path": "/billing"}},
            {"type": "screen", "userId": "u"},
        )
    ).messages
    assert [usage_name(m) for m in named] == ["Exported", "Pricing", "/billing", "screen"]


def test_event_ids_are_rfc_4122_name_based_uuids() -> None:
    from uuid import uuid5

    from banso_ingest.domain.plan import EVENT_ID_NAMESPACE

    for source, message in (("src1", "m1"), ("s", "日本語"), ("x" * 300, "")):
        assert event_id(source, message) == str(uuid5(EVENT_ID_NAMESPACE, f"{source}\n{message}"))
