"""Slack incoming webhooks: customers' shared channels and CSM alerts."""

from __future__ import annotations

import httpx
import orjson

from banso_notify.adapters.channels.base import OutgoingMessage
from banso_notify.adapters.channels.webhook import post


def slack_body(message: OutgoingMessage) -> bytes:
    text = message.text.strip() or message.subject
    blocks: list[dict[str, object]] = []
    if message.subject:
        blocks.append(
            {"type": "header", "text": {"type": "plain_text", "text": message.subject[:150]}}
        )
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
    # "text" is the notification fallback; blocks are what the channel shows
    return orjson.dumps({"text": f"{message.subject}\n{text}".strip(), "blocks": blocks})


class SlackSender:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def send(self, message: OutgoingMessage) -> str | None:
        headers = {"content-type": "application/json"}
        await post(self._client, message.address, slack_body(message), headers)
        return None
