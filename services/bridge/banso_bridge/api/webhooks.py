"""Signed 'ticket resolved' webhooks from Jira, GitHub, Linear and the generic webhook sink.

``POST /v1/webhooks/{sink}/{workspace_id}``: the signature is checked against the sink's shared
secret before anything is read; a missing or wrong signature is refused (401). A delivery that is
not a resolution is acknowledged and ignored, so sinks do not retry it.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request

from banso_bridge.api.deps import ContextDep
from banso_bridge.api.schemas import WebhookAnswer
from banso_bridge.config import SinkName
from banso_bridge.domain.tickets import resolution
from banso_bridge.service.resolutions import resolve_ticket
from banso_kit import standard_webhooks
from banso_kit.api import SessionDep
from banso_kit.clock import epoch
from banso_kit.errors import InvalidInput, Unauthorized
from banso_kit.openapi import errors

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


def _verified(sink: SinkName, secret: str, request: Request, body: bytes, now: float) -> bool:
    headers = request.headers
    match sink:
        case "github":
            return resolution.verify_hub_signature(secret, body, headers.get("x-hub-signature-256"))
        case "jira":
            return resolution.verify_hub_signature(secret, body, headers.get("x-hub-signature"))
        case "linear":
            return resolution.verify_linear_signature(secret, body, headers.get("linear-signature"))
        case "webhook":
            return bool(secret) and standard_webhooks.is_verified(secret, headers, body, now=now)


def _notice(
    sink: SinkName, request: Request, payload: dict[str, Any]
) -> resolution.ResolvedNotice | None:
    match sink:
        case "github":
            return resolution.parse_github(request.headers.get("x-github-event"), payload)
        case "jira":
            return resolution.parse_jira(payload)
        case "linear":
            return resolution.parse_linear(payload)
        case "webhook":
            return resolution.parse_generic(payload)


@router.post(
    "/{sink}/{workspace_id}",
    response_model=WebhookAnswer,
    responses=errors(400, 401, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The sink's webhook payload (a JSON object), signed as the sink signs.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def ticket_webhook(
    sink: SinkName, workspace_id: str, request: Request, session: SessionDep, context: ContextDep
) -> WebhookAnswer:
    """Receive a sink's webhook; a resolved ticket publishes TicketResolved."""
    body = await request.body()
    now = epoch(context.clock)
    if not _verified(sink, context.settings.resolve_secret(sink), request, body, now):
        context.metrics.resolve_webhooks.labels(sink, "refused").inc()
        raise Unauthorized("bad or missing webhook signature")
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput("webhook body is not JSON") from exc
    if not isinstance(payload, dict):
        raise InvalidInput("webhook body is not a JSON object")
    notice = _notice(sink, request, payload)
    if notice is None:
        context.metrics.resolve_webhooks.labels(sink, "ignored").inc()
        return WebhookAnswer(result="ignored")
    result = await resolve_ticket(
        session,
        context.book.outbox,
        workspace_id=workspace_id,
        sink=sink,
        notice=notice,
        now=now,
    )
    context.metrics.resolve_webhooks.labels(sink, result).inc()
    return WebhookAnswer(result=result)
