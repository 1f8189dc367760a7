"""Generic webhook sink: the ticket request as JSON, signed the Standard Webhooks way.

Headers (banso_kit.standard_webhooks): ``webhook-id`` (the theme's key for the creation, so a
receiver drops repeats), ``webhook-timestamp`` and ``webhook-signature`` (one ``v1,`` signature per
secret in BRIDGE_WEBHOOK_SECRET: during a rotation it holds the new and the old, space-separated).
A webhook cannot be searched, so the receiver is the one to deduplicate by ``webhook-id``; if it
answers JSON with ``key``/``url``, those become the ticket's, else the theme key is the key.
The receiver reports resolution back to ``POST /v1/webhooks/webhook/{workspace}`` with
``{"type": "ticket.resolved", "key": ...}`` signed with BRIDGE_WEBHOOK_RESOLVE_SECRET.
"""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import orjson

from banso_bridge.adapters.sinks.base import ExternalTicket, call
from banso_bridge.domain.tickets.evidence import TicketDraft
from banso_kit.clock import Clock, epoch
from banso_kit.event_time import wall_clock
from banso_kit.standard_webhooks import signed_headers


class WebhookSink:
    name = "webhook"

    def __init__(self, client: httpx.AsyncClient, *, url: str, secret: str, clock: Clock) -> None:
        self._client = client
        self._url = url
        self._secret = secret
        self._clock = clock

    async def _post(self, webhook_id: str, payload: dict[str, Any]) -> httpx.Response:
        body = orjson.dumps(payload)
        headers = {
            "content-type": "application/json",
            **signed_headers(self._secret, webhook_id, int(epoch(wall_clock(self._clock))), body),
            "idempotency-key": webhook_id,
        }
        return await call(self._client, "POST", self._url, content=body, headers=headers)

    async def find(self, label: str) -> ExternalTicket | None:
        return None  # not searchable; the receiver deduplicates by webhook-id

    async def create(self, draft: TicketDraft) -> ExternalTicket:
        response = await self._post(
            draft.label,
            {
                "type": "ticket.requested",
                "key": draft.label,
                "title": draft.title,
                "body": draft.markdown(),
                "summary": list(draft.summary_lines),
                "quotes": list(draft.quotes),
                "keywords": list(draft.keywords),
                "theme_url": draft.theme_url,
            },
        )
        answer: dict[str, Any] = {}
        if response.headers.get("content-type", "").startswith("application/json"):
            parsed = response.json()
            answer = parsed if isinstance(parsed, dict) else {}
        return ExternalTicket(key=str(answer.get("key") or draft.label), url=answer.get("url"))

    async def comment(self, ticket: ExternalTicket, text: str) -> None:
        # Stable per note, so a retried delivery is recognisably the same one.
        webhook_id = f"{ticket.key}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"
        await self._post(webhook_id, {"type": "ticket.updated", "key": ticket.key, "note": text})
