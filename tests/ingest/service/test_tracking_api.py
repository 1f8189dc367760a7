"""The Segment-compatible tracking API, end to end: HTTP in, Kafka records out.

Every test posts to a real `banso-ingest serve` process and reads the topics it published to.
"""

from __future__ import annotations

import gzip
import uuid
from typing import Any

import httpx
import orjson
import pytest

from tests.ingest.service.support import (
    ACCOUNT_TRAITS,
    FEEDBACK,
    USAGE,
    USER_TRAITS,
    IngestServer,
    Published,
    read_topic,
)

pytestmark = pytest.mark.kafka


def client(ingest: IngestServer, *, auth: bool = True) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=ingest.url, auth=(ingest.write_key, "") if auth else None, timeout=30
    )


def mid() -> str:
    return uuid.uuid4().hex


async def records_with(ingest: IngestServer, topic: str, message_ids: set[str]) -> list[Published]:
    found = await read_topic(ingest.bootstrap, ingest.topic(topic), at_least=1)
    return [r for r in found if r.value.get("message_id") in message_ids]


async def test_each_call_type_lands_in_its_topic_keyed_by_account_or_user(
    ingest: IngestServer,
) -> None:
    ws = ingest.workspace_id
    ids = {name: mid() for name in ("track", "page", "screen", "identify", "group", "alias")}
    async with client(ingest) as http:
        calls: list[tuple[str, dict[str, Any]]] = [
            ("/v1/group", {"userId": "u-1", "groupId": "acme", "traits": {"plan": "pro"}}),
            ("/v1/track", {"userId": "u-1", "event": "Report Exported"}),
            ("/v1/page", {"userId": "u-1", "name": "Pricing", "context": {"groupId": "beta"}}),
            ("/v1/screen", {"anonymousId": "a-9", "name": "Home"}),
            ("/v1/identify", {"userId": "u-1", "traits": {"email": "u1@acme.example"}}),
            ("/v1/alias", {"userId": "u-1", "previousId": "a-9"}),
        ]
        for path, body in calls:
            kind = path.rsplit("/", 1)[1]
            answer = await http.post(path, json={**body, "messageId": ids[kind]})
            assert answer.status_code == 200, answer.text
            assert answer.json()["accepted"] == 1

    usage = {r.value["message_id"]: r for r in await records_with(ingest, USAGE, set(ids.values()))}
    assert usage[ids["track"]].key == f"{ws}:acme"  # the account the user was last grouped with
    assert usage[ids["track"]].value["account_id"] == "acme"
    assert usage[ids["page"]].key == f"{ws}:beta"  # context.groupId
    assert usage[ids["page"]].value["event"] == "Pricing"
    assert usage[ids["screen"]].key == f"{ws}:anonymous:a-9"  # no account known
    assert usage[ids["screen"]].value["account_id"] is None
    (group,) = await records_with(ingest, ACCOUNT_TRAITS, {ids["group"]})
    assert (group.key, group.value["traits"]) == (f"{ws}:acme", {"plan": "pro"})
    traits = {
        r.value["message_id"]: r for r in await records_with(ingest, USER_TRAITS, set(ids.values()))
    }
    assert traits[ids["identify"]].key == f"{ws}:u-1"
    assert traits[ids["identify"]].headers["ce_type"] == "banso.user.identified.v1"
    assert traits[ids["alias"]].key == f"{ws}:a-9"
    for record in [*usage.values(), group, *traits.values()]:
        assert record.value["workspace_id"] == ws
        assert record.headers["ce_workspace"] == ws


async def test_a_batch_accepts_the_valid_events_and_reports_each_invalid_one(
    ingest: IngestServer,
) -> None:
    good, bad_type, bad_time, no_user = mid(), mid(), mid(), mid()
    body = {
        "batch": [
            {"type": "track", "messageId": good, "userId": "u-2", "event": "Login"},
            {"type": "purchase", "messageId": bad_type, "userId": "u-2"},
            {
                "type": "track",
                "messageId": bad_time,
                "userId": "u-2",
                "event": "x",
                "timestamp": "last tuesday",
            },
            {"type": "page", "messageId": no_user, "name": "Home"},
        ],
        "context": {"groupId": "acme"},
    }
    async with client(ingest) as http:
        answer = await http.post("/v1/batch", json=body)

    assert answer.status_code == 200
    result = answer.json()
    assert (result["accepted"], result["rejected"], result["success"]) == (1, 3, False)
    assert [(e["index"], e["messageId"], e["reason"]) for e in result["errors"]] == [
        (1, bad_type, "unknown_type"),
        (2, bad_time, "bad_timestamp"),
        (3, no_user, "missing_identity"),
    ]
    (published,) = await records_with(ingest, USAGE, {good, bad_type, bad_time, no_user})
    assert published.key == f"{ingest.workspace_id}:acme"


def nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(levels - 1):
        value = {"deeper": value}
    return value


async def test_an_event_nested_deeper_than_a_record_allows_is_refused_alone(
    ingest: IngestServer,
) -> None:
    """JSON read 1,024 levels deep cannot be written back as a record (orjson writes 254): the
    event is refused with its field named, the rest of the batch published, and a corrected
    retry of the same messageId is accepted (its claim was given back)."""
    good, deep_props, deep_traits = mid(), mid(), mid()
    body = {
        "batch": [
            {"type": "track", "messageId": good, "userId": "u-3", "event": "Login"},
            {
                "type": "track",
                "messageId": deep_props,
                "userId": "u-3",
                "event": "Deep",
                "properties": nested(400),
            },
            {
                "type": "group",
                "messageId": deep_traits,
                "userId": "u-3",
                "groupId": "deep-co",
                "traits": nested(300),
            },
        ],
        "context": {"groupId": "acme"},
    }
    async with client(ingest) as http:
        answer = await http.post("/v1/batch", json=body)
        assert answer.status_code == 200, answer.text
        result = answer.json()
        assert (result["accepted"], result["rejected"]) == (1, 2)
        assert [(e["index"], e["messageId"], e["reason"]) for e in result["errors"]] == [
            (1, deep_props, "invalid_field"),
            (2, deep_traits, "invalid_field"),
        ]
        assert "`properties` is nested too deeply" in result["errors"][0]["message"]
        assert "`traits` is nested too deeply" in result["errors"][1]["message"]

        fixed = {**body["batch"][1], "properties": nested(20)}  # type: ignore[index]
        retry = await http.post("/v1/batch", json={"batch": [fixed]})
        assert retry.status_code == 200, retry.text
        assert retry.json()["accepted"] == 1

    (published,) = await records_with(ingest, USAGE, {good})
    assert published.key == f"{ingest.workspace_id}:acme"
    (retried,) = await records_with(ingest, USAGE, {deep_props})
    assert retried.value["properties"] == nested(20)
    # The refused group call moved nobody: u-3 still has no last group, so the retried track
    # (which names no account) is keyed by its user, not by deep-co; no traits were published.
    assert retried.key == f"{ingest.workspace_id}:user:u-3"
    assert not await records_with(ingest, ACCOUNT_TRAITS, {deep_traits})


async def test_import_is_an_alias_of_batch_and_gzip_bodies_are_read(ingest: IngestServer) -> None:
    message_id = mid()
    raw = orjson.dumps(
        {"batch": [{"type": "track", "messageId": message_id, "userId": "u-3", "event": "Zip"}]}
    )
    async with client(ingest) as http:
        answer = await http.post(
            "/v1/import",
            content=gzip.compress(raw),
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )
    assert answer.status_code == 200, answer.text
    assert len(await records_with(ingest, USAGE, {message_id})) == 1


async def test_imported_events_are_marked_as_history_and_live_ones_are_not(
    ingest: IngestServer,
) -> None:
    imported, live = mid(), mid()
    sixty_days_ago = "2026-01-01T09:00:00Z"
    async with client(ingest) as http:
        backfill = await http.post(
            "/v1/import",
            json={
                "batch": [
                    {
                        "type": "track",
                        "userId": "u-9",
                        "event": "Report Exported",
                        "messageId": imported,
                        "timestamp": sixty_days_ago,
                    }
                ]
            },
        )
        now = await http.post(
            "/v1/track", json={"userId": "u-9", "event": "Report Exported", "messageId": live}
        )
    assert (backfill.status_code, now.status_code) == (200, 200), backfill.text
    records = {
        r.value["message_id"]: r for r in await records_with(ingest, USAGE, {imported, live})
    }
    assert records[imported].headers["ce_bansoorigin"] == "import"
    assert records[imported].headers["ce_time"] == sixty_days_ago
    assert "ce_bansoorigin" not in records[live].headers


async def test_the_write_key_may_come_in_the_body(ingest: IngestServer) -> None:
    message_id = mid()
    async with client(ingest, auth=False) as http:
        single = await http.post(
            "/v1/track",
            json={
                "writeKey": ingest.write_key,
                "userId": "u-4",
                "event": "E",
                "messageId": message_id,
            },
        )
        batch = await http.post(
            "/v1/batch",
            json={"writeKey": ingest.write_key, "batch": [{"type": "page", "userId": "u-4"}]},
        )
    assert (single.status_code, batch.status_code) == (200, 200)


@pytest.mark.parametrize(
    ("auth", "body_key", "expected_message"),
    [
        (None, None, "no write key"),
        (("wk_not-a-key", ""), None, "unknown or revoked"),
        (None, "wk_not-a-key", "unknown or revoked"),
    ],
)
async def test_a_missing_or_wrong_write_key_is_401(
    ingest: IngestServer, auth: tuple[str, str] | None, body_key: str | None, expected_message: str
) -> None:
    body: dict[str, Any] = {"userId": "u", "event": "E"}
    if body_key:
        body["writeKey"] = body_key
    async with httpx.AsyncClient(base_url=ingest.url, auth=auth) as http:
        answer = await http.post("/v1/track", json=body)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Basic")
    assert expected_message in answer.json()["message"]


async def test_two_different_write_keys_in_one_request_are_refused(ingest: IngestServer) -> None:
    _, other_key = ingest.new_source()
    async with client(ingest) as http:
        answer = await http.post(
            "/v1/track", json={"writeKey": other_key, "userId": "u", "event": "E"}
        )
    assert answer.status_code == 401


async def test_a_write_key_writes_only_into_its_own_workspace(ingest: IngestServer) -> None:
    other_workspace, other_key = ingest.new_source("Globex")
    message_id = mid()
    async with httpx.AsyncClient(base_url=ingest.url, auth=(other_key, "")) as http:
        answer = await http.post(
            "/v1/track",
            json={
                "userId": "u-5",
                "event": "E",
                "messageId": message_id,
                "context": {"groupId": "acme"},
                "workspace_id": ingest.workspace_id,
            },
        )
    assert answer.status_code == 200
    (record,) = await records_with(ingest, USAGE, {message_id})
    assert record.value["workspace_id"] == other_workspace
    assert record.key == f"{other_workspace}:acme"


@pytest.mark.parametrize(
    ("path", "content", "headers", "reason"),
    [
        ("/v1/batch", b'{"batch": [', {"Content-Type": "application/json"}, "invalid_json"),
        (
            "/v1/track",
            b"userId=u&event=E",
            {"Content-Type": "application/x-www-form-urlencoded"},
            "unsupported_media_type",
        ),
        (
            "/v1/batch",
            b"x" * (500 * 1024 + 1),
            {"Content-Type": "application/json"},
            "request_too_large",
        ),
        (
            "/v1/batch",
            b"not gzip",
            {"Content-Type": "application/json", "Content-Encoding": "gzip"},
            "invalid_gzip",
        ),
        ("/v1/batch", b'{"batch": []}', {"Content-Type": "application/json"}, "empty_batch"),
        (
            "/v1/batch",
            b'[{"type": "track"}]',
            {"Content-Type": "application/json"},
            "invalid_batch",
        ),
        (
            "/v1/batch",
            orjson.dumps({"batch": [{"type": "page", "userId": "u"}] * 2501}),
            {"Content-Type": "application/json"},
            "batch_too_large",
        ),
        (
            "/v1/track",
            orjson.dumps({"userId": "u", "event": "E", "properties": {"x": "y" * 40_000}}),
            {"Content-Type": "application/json"},
            "event_too_large",
        ),
        (
            "/v1/track",
            orjson.dumps({"userId": "u"}),
            {"Content-Type": "application/json"},
            "missing_event",
        ),
        (
            "/v1/group",
            orjson.dumps({"userId": "u"}),
            {"Content-Type": "application/json"},
            "missing_group_id",
        ),
        (
            "/v1/alias",
            orjson.dumps({"userId": "u"}),
            {"Content-Type": "application/json"},
            "missing_previous_id",
        ),
        (
            "/v1/batch",
            orjson.dumps({"batch": [{"type": "track", "event": "E"}]}),
            {"Content-Type": "application/json"},
            "no_valid_events",
        ),
    ],
)
async def test_bad_input_gets_a_400_with_a_json_reason(
    ingest: IngestServer, path: str, content: bytes, headers: dict[str, str], reason: str
) -> None:
    async with client(ingest) as http:
        answer = await http.post(path, content=content, headers=headers)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    # the kit's shape, and Segment's (its libraries read `code` and `message`)
    assert body["error"] == body["code"] == reason
    assert body["message"]


async def test_a_batch_without_any_valid_event_lists_why(ingest: IngestServer) -> None:
    async with client(ingest) as http:
        answer = await http.post("/v1/batch", json={"batch": [{"type": "track", "event": "E"}]})
    assert answer.json()["detail"]["errors"] == [
        {
            "index": 0,
            "messageId": None,
            "reason": "missing_identity",
            "message": "track requires `userId` or `anonymousId`",
        }
    ]


async def test_a_repeated_message_id_is_accepted_as_a_duplicate_and_published_once(
    ingest: IngestServer,
) -> None:
    message_id = mid()
    event = {"type": "track", "messageId": message_id, "userId": "u-6", "event": "Twice"}
    async with client(ingest) as http:
        first = await http.post("/v1/batch", json={"batch": [event]})
        again = await http.post("/v1/batch", json={"batch": [event, event]})

    assert first.json()["duplicates"] == []
    assert again.status_code == 200
    assert again.json()["accepted"] == 2
    assert again.json()["duplicates"] == [
        {"index": 0, "messageId": message_id},
        {"index": 1, "messageId": message_id},
    ]
    assert len(await records_with(ingest, USAGE, {message_id})) == 1


async def test_clock_skew_is_corrected_and_received_at_added(ingest: IngestServer) -> None:
    message_id = mid()
    # The sender's clock is a day fast: its event happened 10 s before it sent the batch.
    body = {
        "batch": [
            {
                "type": "track",
                "messageId": message_id,
                "userId": "u-7",
                "event": "Skew",
                "timestamp": "2031-01-02T00:00:00Z",
            }
        ],
        "sentAt": "2031-01-02T00:00:10Z",
    }
    async with client(ingest) as http:
        answer = await http.post("/v1/batch", json=body)
    assert answer.status_code == 200
    (record,) = await records_with(ingest, USAGE, {message_id})
    value = record.value
    from datetime import datetime, timedelta

    received = datetime.fromisoformat(value["received_at"])
    assert datetime.fromisoformat(value["timestamp"]) == received - timedelta(seconds=10)
    assert value["original_timestamp"] == "2031-01-02T00:00:00Z"


async def test_feedback_items_and_feedback_tracks_reach_the_feedback_topic(
    ingest: IngestServer,
) -> None:
    item_id, track_id = mid(), mid()
    async with client(ingest) as http:
        item = await http.post(
            "/v1/feedback",
            json={
                "id": item_id,
                "text": "CSV export breaks Japanese characters",
                "kind": "support_ticket",
                "account": "acme",
                "user": "u-1",
                "score": 2,
                "language": "en",
                "external_id": "ZD-1",
                "url": "https://help.example.com/tickets/1",
            },
        )
        track = await http.post(
            "/v1/track",
            json={
                "messageId": track_id,
                "userId": "u-8",
                "event": "NPS Submitted",
                "context": {"groupId": "acme", "locale": "ja-JP"},
                "properties": {"score": 3, "comment": "ダッシュボードが遅い"},
            },
        )
        missing = await http.post(
            "/v1/feedback", json={"text": "x", "kind": "gripe", "account": "a"}
        )

    assert (item.status_code, track.status_code) == (200, 200)
    assert missing.status_code == 400
    assert missing.json()["detail"]["errors"][0]["reason"] == "unknown_kind"
    found = await read_topic(ingest.bootstrap, ingest.topic(FEEDBACK), at_least=2)
    by_text = {r.value["text"]: r for r in found}
    ticket = by_text["CSV export breaks Japanese characters"]
    assert ticket.key == f"{ingest.workspace_id}:acme"
    assert (ticket.value["kind"], ticket.value["score"], ticket.value["external_id"]) == (
        "support_ticket",
        2.0,
        "ZD-1",
    )
    nps = by_text["ダッシュボードが遅い"]
    assert (nps.value["kind"], nps.value["language"], nps.value["score"]) == (
        "nps_comment",
        "ja-JP",
        3.0,
    )
    assert await records_with(ingest, USAGE, {track_id}) == []


async def test_metrics_count_events_by_outcome(ingest: IngestServer) -> None:
    async with client(ingest) as http:
        answer = await http.post(
            "/v1/batch",
            json={
                "batch": [
                    {"type": "track", "userId": "u-9", "event": "M"},
                    {"type": "track", "event": "no user"},
                ]
            },
            headers={"X-Request-ID": "req-metrics-1"},
        )
        refused = await http.post("/v1/t", json={"userId": "u-9"})
        text = (await http.get("/metrics")).text
    # The tracking paths are served in front of the routing (fast_path.py): still correlated,
    # and still counted by their route template.
    assert answer.headers["x-request-id"] == "req-metrics-1"
    assert refused.status_code == 400
    assert refused.headers["x-request-id"]
    for name in (
        'banso_ingest_http_requests_total{method="POST",route="/v1/batch",status="200"}',
        'banso_ingest_http_requests_total{method="POST",route="/v1/t",status="400"}',
        'banso_ingest_events_received_total{endpoint="batch"}',
        'banso_ingest_events_accepted_total{topic="banso.usage.v1"}',
        'banso_ingest_events_rejected_total{reason="missing_identity"}',
        "banso_ingest_events_deduplicated_total",
        "banso_ingest_kafka_ack_duration_seconds_bucket",
        "banso_ingest_request_duration_seconds_bucket",
        "banso_ingest_inflight_requests",
    ):
        assert name in text, name


async def test_analytics_js_short_paths_and_text_plain_bodies_are_accepted(
    ingest: IngestServer,
) -> None:
    # analytics.js posts each call to /v1/<first letter of its type>, as text/plain to spare
    # the browser a CORS preflight, with the write key in the body.
    track_id, page_id = mid(), mid()
    headers = {"Content-Type": "text/plain", "Origin": "https://app.example.com"}
    async with client(ingest, auth=False) as http:
        track = await http.post(
            "/v1/t",
            content=orjson.dumps(
                {
                    "type": "track",
                    "event": "Clicked",
                    "anonymousId": "a-js",
                    "messageId": track_id,
                    "writeKey": ingest.write_key,
                }
            ),
            headers=headers,
        )
        batch = await http.post(
            "/v1/b",
            content=orjson.dumps(
                {
                    "batch": [{"type": "page", "anonymousId": "a-js", "messageId": page_id}],
                    "writeKey": ingest.write_key,
                }
            ),
            headers=headers,
        )
    assert (track.status_code, batch.status_code) == (200, 200)
    assert track.headers["access-control-allow-origin"] == "*"
    published = await records_with(ingest, USAGE, {track_id, page_id})
    assert {r.value["kind"] for r in published} == {"track", "page"}
