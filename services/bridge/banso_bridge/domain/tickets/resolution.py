"""'Ticket resolved' webhooks from the sinks: signature checks and payload reading (no I/O).

Signatures (HMAC-SHA256 over the raw body, compared in constant time):

- GitHub: ``X-Hub-Signature-256: sha256=<hex>``
- Jira Cloud (admin webhooks with a secret): ``X-Hub-Signature: sha256=<hex>``
- Linear: ``Linear-Signature: <hex>``
- generic webhook: Standard Webhooks, checked by ``banso_kit.standard_webhooks``
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ResolvedNotice:
    """A sink says a ticket is done."""

    external_key: str
    resolution: str | None
    resolved_at: datetime | None


def _hex_hmac(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def hub_signature(secret: str, body: bytes) -> str:
    return "sha256=" + _hex_hmac(secret, body)


def verify_hub_signature(secret: str, body: bytes, header: str | None) -> bool:
    """GitHub (X-Hub-Signature-256) and Jira (X-Hub-Signature) style: ``sha256=<hex>``."""
    if not secret or not header:
        return False
    return hmac.compare_digest(hub_signature(secret, body), header.strip())


def verify_linear_signature(secret: str, body: bytes, header: str | None) -> bool:
    if not secret or not header:
        return False
    return hmac.compare_digest(_hex_hmac(secret, body), header.strip().lower())


def _time(value: Any) -> datetime | None:
    if isinstance(value, int | float):
        # Jira and Linear send milliseconds since the epoch in places.
        return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, tz=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def parse_github(event: str | None, payload: Mapping[str, Any]) -> ResolvedNotice | None:
    """``issues`` event, action ``closed`` as completed (not ``not_planned``)."""
    if event != "issues" or payload.get("action") != "closed":
        return None
    issue = _dict(payload.get("issue"))
    if issue.get("state_reason") == "not_planned" or "number" not in issue:
        return None
    repository = _dict(payload.get("repository")).get("full_name", "")
    return ResolvedNotice(
        external_key=f"{repository}#{issue['number']}",
        resolution=str(issue.get("state_reason") or "completed"),
        resolved_at=_time(issue.get("closed_at")),
    )


def parse_jira(payload: Mapping[str, Any]) -> ResolvedNotice | None:
    """``jira:issue_updated`` whose status is in the Done category (or that has a resolution)."""
    if payload.get("webhookEvent") not in {"jira:issue_updated", "jira:issue_resolved"}:
        return None
    issue = _dict(payload.get("issue"))
    fields = _dict(issue.get("fields"))
    status = _dict(fields.get("status"))
    category = _dict(status.get("statusCategory")).get("key")
    resolution = _dict(fields.get("resolution")).get("name")
    if category != "done" and not resolution:
        return None
    if not issue.get("key"):
        return None
    return ResolvedNotice(
        external_key=str(issue["key"]),
        resolution=str(resolution or status.get("name") or "Done"),
        resolved_at=_time(fields.get("resolutiondate")) or _time(payload.get("timestamp")),
    )


def parse_linear(payload: Mapping[str, Any]) -> ResolvedNotice | None:
    """``Issue`` ``update`` whose workflow state is of type ``completed``."""
    if payload.get("type") != "Issue" or payload.get("action") != "update":
        return None
    data = _dict(payload.get("data"))
    state = _dict(data.get("state"))
    if state.get("type") != "completed" or not data.get("identifier"):
        return None
    return ResolvedNotice(
        external_key=str(data["identifier"]),
        resolution=str(state.get("name") or "Done"),
        resolved_at=_time(data.get("completedAt")) or _time(payload.get("webhookTimestamp")),
    )


def parse_generic(payload: Mapping[str, Any]) -> ResolvedNotice | None:
    """Our own webhook sink's counterpart: ``{"type": "ticket.resolved", "key": ...}``."""
    if payload.get("type") != "ticket.resolved" or not payload.get("key"):
        return None
    return ResolvedNotice(
        external_key=str(payload["key"]),
        resolution=str(payload["resolution"]) if payload.get("resolution") else None,
        resolved_at=_time(payload.get("resolved_at")),
    )
