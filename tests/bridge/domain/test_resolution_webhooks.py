"""Reading 'ticket resolved' webhooks and checking their signatures."""

from __future__ import annotations

import hashlib
import hmac

import orjson

from banso_bridge.domain.tickets import resolution

SECRET = "whsec-test-0123456789abcdef0123456789"


def test_hub_signature_accepts_the_right_secret_only() -> None:
    body = b'{"action":"closed"}'
    good = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert resolution.verify_hub_signature(SECRET, body, good)
    assert not resolution.verify_hub_signature(SECRET, body + b" ", good)
    assert not resolution.verify_hub_signature("another-secret-0123456789abcdef", body, good)
    assert not resolution.verify_hub_signature(SECRET, body, None)
    assert not resolution.verify_hub_signature("", body, good)


def test_linear_signature_is_the_bare_hex_digest() -> None:
    body = b'{"type":"Issue"}'
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert resolution.verify_linear_signature(SECRET, body, digest)
    assert not resolution.verify_linear_signature(SECRET, body, "0" * 64)


def test_github_closed_as_completed_resolves_but_not_planned_does_not() -> None:
    payload = {
        "action": "closed",
        "issue": {"number": 42, "state_reason": "completed", "closed_at": "2025-03-10T12:00:00Z"},
        "repository": {"full_name": "acme/product"},
    }
    notice = resolution.parse_github("issues", payload)
    assert notice is not None
    assert notice.external_key == "acme/product#42"
    assert notice.resolved_at is not None
    assert notice.resolved_at.year == 2025
    not_planned = {**payload, "issue": {**payload["issue"], "state_reason": "not_planned"}}  # type: ignore[dict-item]
    assert resolution.parse_github("issues", not_planned) is None
    assert resolution.parse_github("issue_comment", payload) is None
    assert resolution.parse_github("issues", {**payload, "action": "reopened"}) is None


def test_jira_done_category_or_resolution_resolves() -> None:
    payload = orjson.loads(
        orjson.dumps(
            {
                "webhookEvent": "jira:issue_updated",
                "timestamp": 1741608000000,
                "issue": {
                    "key": "PROD-12",
                    "fields": {
                        "status": {"name": "Done", "statusCategory": {"key": "done"}},
                        "resolution": {"name": "Fixed"},
                    },
                },
            }
        )
    )
    notice = resolution.parse_jira(payload)
    assert notice is not None
    assert notice.external_key == "PROD-12"
    assert notice.resolution == "Fixed"
    payload["issue"]["fields"] = {
        "status": {"name": "In Progress", "statusCategory": {"key": "indeterminate"}}
    }
    assert resolution.parse_jira(payload) is None


def test_linear_completed_state_resolves() -> None:
    payload = {
        "action": "update",
        "type": "Issue",
        "data": {
            "id": "2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9",
            "identifier": "ENG-7",
            "state": {"type": "completed", "name": "Done"},
            "completedAt": "2025-03-10T12:00:00.000Z",
        },
        "webhookTimestamp": 1741608000000,
    }
    notice = resolution.parse_linear(payload)
    assert notice is not None
    assert notice.external_key == "ENG-7"
    assert notice.resolution == "Done"
    started = {**payload, "data": {**payload["data"], "state": {"type": "started"}}}  # type: ignore[dict-item]
    assert resolution.parse_linear(started) is None
