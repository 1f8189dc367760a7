"""Generic webhook: the nudge as JSON, signed the Standard Webhooks way (banso_kit.standard_webhooks).

Headers: ``webhook-id`` (stable per nudge, so receivers can drop repeats), ``webhook-timestamp``
(Unix seconds) and ``webhook-signature`` (one ``v1,`` signature per configured secret: a policy's
``webhook_secret`` may hold the new and the old secret, space-separated, while it is rotated).
"""

from __future__ import annotations

import time

import httpx
import orjson

from banso_kit.standard_webhooks import signed_headers
from banso_notify.adapters.channels.base import DeliveryError, OutgoingMessage


class WebhookSender:
    def __init__(self, client: httpx.AsyncClient, *, secret: str | None = None) -> None:
        self._client = client
        self._secret = secret

    async def send(self, message: OutgoingMessage) -> str | None:
        body = orjson.dumps(dict(message.payload))
        webhook_id = message.message_id.strip("<>")
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": webhook_id,
            "webhook-timestamp": str(timestamp),
            "idempotency-key": message.idempotency_key,
        }
        if message.test:
            headers["banso-test"] = "true"
        secret = message.signing_secret or self._secret
        if secret:
            try:
                headers |= signed_headers(secret, webhook_id, timestamp, body)
            except ValueError as exc:  # a policy stored before secrets were checked on save
                raise DeliveryError(f"webhook_secret: {exc}", permanent=True) from None
        await post(self._client, message.address, body, headers)
        return webhook_id


async def post(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]) -> None:
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
    if response.is_success:
        return
    # 408 and 429 ask us to come back; other 4xx will not get better by retrying
    permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
    raise DeliveryError(f"HTTP {response.status_code}: {response.text[:200]}", permanent=permanent)
