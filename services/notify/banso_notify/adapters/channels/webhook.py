"""Generic webhook: the nudge as JSON, signed with HMAC-SHA256 the Standard Webhooks way.

Headers: ``webhook-id`` (stable per nudge, so receivers can drop repeats), ``webhook-timestamp``
(Unix seconds) and ``webhook-signature`` = ``v1,`` + base64(HMAC-SHA256(secret,
"{id}.{timestamp}.{body}")). A secret written ``whsec_<base64>`` is used as those bytes, any other
secret as its UTF-8 bytes. See https://www.standardwebhooks.com/.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import httpx
import orjson

from banso_notify.adapters.channels.base import DeliveryError, OutgoingMessage


def secret_bytes(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode()


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(secret: str, headers: httpx.Headers | dict[str, str], body: bytes) -> bool:
    """Receiver-side check (used by tests, and a reference for integrators)."""
    expected = sign(secret, headers["webhook-id"], int(headers["webhook-timestamp"]), body)
    offered = headers["webhook-signature"].split(" ")
    return any(hmac.compare_digest(expected, candidate) for candidate in offered)


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
        secret = message.signing_secret or self._secret
        if secret:
            headers["webhook-signature"] = sign(secret, webhook_id, timestamp, body)
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
