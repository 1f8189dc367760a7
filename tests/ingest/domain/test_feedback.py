"""Feedback items from `POST /v1/feedback` and from feedback-configured tracks."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from banso_ingest.domain.feedback import (
    FeedbackItem,
    FeedbackKind,
    feedback_from_track,
    parse_feedback_body,
    parse_kind_map,
)
from banso_ingest.domain.rejections import InvalidRequest, Reason, Rejection
from tests.ingest.domain.builders import LIMITS, RECEIVED_AT, batch, counter_ids, read_batch, track


def read(body: Any) -> tuple[list[FeedbackItem], list[Rejection]]:
    return parse_feedback_body(
        body,
        received_at=RECEIVED_AT,
        limits=LIMITS,
        body_bytes=len(orjson.dumps(body)),
        new_message_id=counter_ids(),
    )


def item(**fields: Any) -> dict[str, Any]:
    return {
        "text": "CSV export breaks Japanese characters",
        "kind": "support_ticket",
        "account": "acme",
        **fields,
    }


def test_a_complete_item_is_read_with_every_field() -> None:
    (found,), rejections = read(
        item(
            user=17,
            score=3,
            language="ja",
            external_id="ZD-4411",
            url="https://help.example.com/tickets/4411",
            timestamp="2025-03-01T10:00:00Z",
        )
    )
    assert rejections == []
    assert (found.kind, found.account_id, found.user_id, found.score) == (
        FeedbackKind.SUPPORT_TICKET,
        "acme",
        "17",
        3.0,
    )
    assert (found.language, found.external_id, found.url) == (
        "ja",
        "ZD-4411",
        "https://help.example.com/tickets/4411",
    )
    assert found.timestamp.hour == 10
    assert found.source_event is None


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"text": ""}, Reason.MISSING_TEXT),
        ({"text": None}, Reason.MISSING_TEXT),
        ({"text": 12}, Reason.INVALID_FIELD),
        ({"kind": "complaint"}, Reason.UNKNOWN_KIND),
        ({"kind": None}, Reason.UNKNOWN_KIND),
        ({"kind": ["support_ticket"]}, Reason.UNKNOWN_KIND),  # a list: a 500 once (fuzzing)
        ({"kind": {"a": 1}}, Reason.UNKNOWN_KIND),
        ({"score": 11}, Reason.BAD_SCORE),
        ({"score": -1}, Reason.BAD_SCORE),
        ({"score": "great"}, Reason.BAD_SCORE),
        ({"score": True}, Reason.BAD_SCORE),
        ({"account": None}, Reason.MISSING_ACCOUNT),
        ({"language": "日本語"}, Reason.INVALID_FIELD),
        ({"url": "javascript:alert(1)"}, Reason.INVALID_FIELD),
        ({"timestamp": "soon"}, Reason.BAD_TIMESTAMP),
    ],
)
def test_each_bad_item_has_its_reason(fields: dict[str, Any], reason: Reason) -> None:
    items, (rejection,) = read(item(**fields))
    assert items == []
    assert rejection.reason is reason


def test_a_user_alone_is_enough_because_ingest_may_know_their_account() -> None:
    (found,), _ = read({"text": "SSO loops", "kind": "csm_note", "user": "u9"})
    assert (found.account_id, found.identity) == (None, "u9")


def test_many_items_are_accepted_partially_by_index() -> None:
    items, rejections = read({"items": [item(), item(kind="rant"), item(id="fb-3")]})
    assert [i.index for i in items] == [0, 2]
    assert items[1].message_id == "fb-3"
    assert [(r.index, r.reason) for r in rejections] == [(1, Reason.UNKNOWN_KIND)]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ([item()], Reason.NOT_AN_OBJECT),
        ({"items": item()}, Reason.INVALID_BATCH),
        ({"items": []}, Reason.EMPTY_BATCH),
        ({"items": [item()] * 2501}, Reason.BATCH_TOO_LARGE),
    ],
)
def test_a_malformed_feedback_request_is_refused_whole(body: Any, reason: Reason) -> None:
    with pytest.raises(InvalidRequest) as caught:
        read(body)
    assert caught.value.reason is reason


def test_a_resent_help_desk_ticket_gets_the_same_id_so_it_is_deduplicated() -> None:
    (first,), _ = read(item(external_id="ZD-1"))
    (again,), _ = read(item(external_id="ZD-1", text="edited"))
    (other,), _ = read(item())
    assert first.message_id == again.message_id == "support_ticket:ZD-1"
    assert other.message_id == "generated-1"


def test_a_feedback_track_maps_its_properties() -> None:
    (message,) = read_batch(
        batch(
            track(
                event="NPS Submitted",
                groupId="acme",
                properties={"comment": "Dashboards are slow", "score": "4", "ticket_id": 99},
                context={"locale": "ja-JP"},
            )
        )
    ).messages
    found = feedback_from_track(message, default_kind=FeedbackKind.NPS_COMMENT)

    assert found is not None
    assert (found.kind, found.text, found.score, found.external_id) == (
        FeedbackKind.NPS_COMMENT,
        "Dashboards are slow",
        4.0,
        "99",
    )
    assert (found.account_id, found.language, found.source_event) == (
        "acme",
        "ja-JP",
        "NPS Submitted",
    )
    assert found.message_id == message.message_id


def test_a_feedback_track_may_name_its_own_kind() -> None:
    (message,) = read_batch(
        batch(track(properties={"text": "Need Slack", "kind": "feature_request"}))
    ).messages
    found = feedback_from_track(message, default_kind=FeedbackKind.SUPPORT_TICKET)
    assert found is not None
    assert found.kind is FeedbackKind.FEATURE_REQUEST


def test_a_feedback_track_without_words_is_no_feedback_item() -> None:
    (message,) = read_batch(batch(track(properties={"score": 9}))).messages
    assert feedback_from_track(message, default_kind=FeedbackKind.NPS_COMMENT) is None


def test_free_form_properties_a_track_cannot_map_are_left_out_not_refused() -> None:
    (message,) = read_batch(
        batch(track(properties={"text": "slow", "url": "/t/1", "language": 5}))
    ).messages
    found = feedback_from_track(message, default_kind=FeedbackKind.SUPPORT_TICKET)
    assert found is not None
    assert (found.url, found.language) == (None, None)


def test_the_configured_kind_map_is_checked() -> None:
    assert parse_kind_map({"NPS Submitted": "nps_comment"}) == {
        "NPS Submitted": FeedbackKind.NPS_COMMENT
    }
    with pytest.raises(ValueError, match="unknown kind"):
        parse_kind_map({"NPS Submitted": "nps"})
