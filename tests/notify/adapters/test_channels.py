"""Channels against real local servers: SMTP (aiosmtpd), a webhook receiver and a Slack stand-in."""

from __future__ import annotations

import time

import httpx
import orjson
import pytest

from banso_kit.standard_webhooks import is_verified
from banso_notify.adapters.channels.base import DeliveryError, OutgoingMessage
from banso_notify.adapters.channels.slack import SlackSender
from banso_notify.adapters.channels.smtp import SmtpSender
from banso_notify.adapters.channels.webhook import WebhookSender
from banso_notify.domain.idempotency import message_id
from tests.support.http import HttpSink, serve_http
from tests.support.smtp import SmtpSink, start_sink

KEY = "onboarding|user:u1|evt-1|0"


def outgoing(address: str, **fields: object) -> OutgoingMessage:
    values: dict[str, object] = {
        "idempotency_key": KEY,
        "message_id": message_id(KEY, domain="notify.test"),
        "address": address,
        "subject": "ようこそ Welcome",
        "text": "Hello\nUnsubscribe: https://n.test/u?t=1",
        "html": "<p>Hello</p>",
        "unsubscribe_url": "https://n.test/u?t=1",
        "payload": {"nudge_id": "n1", "text": "Hello"},
    }
    values.update(fields)
    return OutgoingMessage(**values)  # type: ignore[arg-type]


async def test_email_reaches_the_smtp_server_with_ids_and_unsubscribe_headers(
    smtp: tuple[SmtpSink, int],
) -> None:
    sink, port = smtp
    sender = SmtpSender(host="127.0.0.1", port=port, sender="Acme <hello@acme.test>")
    try:
        provider_id = await sender.send(outgoing("hanako@customer.test"))
        await sender.send(outgoing("taro@customer.test", idempotency_key="other"))
    finally:
        await sender.close()

    first = sink.received[0]
    assert first.rcpt_tos == ["hanako@customer.test"]
    assert first.message_id == message_id(KEY, domain="notify.test") == provider_id
    assert first.message["List-Unsubscribe"] == "<https://n.test/u?t=1>"
    assert first.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert first.message["Subject"] == "ようこそ Welcome"
    body = first.message.get_body(preferencelist=("html",))
    assert body is not None
    assert "<p>Hello</p>" in body.get_content()
    assert len(sink.received) == 2  # the pooled connection was reused for the second


async def test_a_transient_smtp_refusal_is_retriable(smtp: tuple[SmtpSink, int]) -> None:
    sink, port = smtp
    sink.reply = "451 4.3.0 try again later"
    sender = SmtpSender(host="127.0.0.1", port=port, sender="hello@acme.test")
    try:
        with pytest.raises(DeliveryError) as caught:
            await sender.send(outgoing("hanako@customer.test"))
    finally:
        await sender.close()

    assert not caught.value.permanent


async def test_a_permanent_smtp_refusal_is_not_retried(smtp: tuple[SmtpSink, int]) -> None:
    sink, port = smtp
    sink.reply = "550 5.1.1 no such user"
    sender = SmtpSender(host="127.0.0.1", port=port, sender="hello@acme.test")
    try:
        with pytest.raises(DeliveryError) as caught:
            await sender.send(outgoing("nobody@customer.test"))
    finally:
        await sender.close()

    assert caught.value.permanent


async def test_smtp_down_is_a_retriable_failure() -> None:
    sink = SmtpSink()
    server, port = await start_sink(sink)
    server.close()
    await server.wait_closed()
    sender = SmtpSender(host="127.0.0.1", port=port, sender="hello@acme.test", timeout_s=2)
    try:
        with pytest.raises(DeliveryError) as caught:
            await sender.send(outgoing("hanako@customer.test"))
    finally:
        await sender.close()

    assert not caught.value.permanent


async def test_webhook_posts_json_signed_with_hmac_sha256() -> None:
    sink = HttpSink()
    async with serve_http(sink) as base, httpx.AsyncClient() as client:
        sender = WebhookSender(client, secret="whsec_c2VjcmV0LWJ5dGVzLWZvci10ZXN0cw==")
        await sender.send(outgoing(f"{base}/hooks/banso"))

    request = sink.received[0]
    assert request.path == "/hooks/banso"
    assert orjson.loads(request.body) == {"nudge_id": "n1", "text": "Hello"}
    assert request.headers["idempotency-key"] == KEY
    assert is_verified(
        "whsec_c2VjcmV0LWJ5dGVzLWZvci10ZXN0cw==", request.headers, request.body, now=time.time()
    )
    assert not is_verified("whsec_b3RoZXI=", request.headers, request.body, now=time.time())
    assert not is_verified(
        "whsec_c2VjcmV0LWJ5dGVzLWZvci10ZXN0cw==",
        request.headers,
        request.body + b" ",
        now=time.time(),
    )


async def test_webhook_errors_are_retriable_unless_the_receiver_refuses_for_good() -> None:
    sink = HttpSink(status=503)
    async with serve_http(sink) as base, httpx.AsyncClient() as client:
        sender = WebhookSender(client, secret="plain-secret")
        with pytest.raises(DeliveryError) as unavailable:
            await sender.send(outgoing(f"{base}/hook"))
        sink.status = 410
        with pytest.raises(DeliveryError) as gone:
            await sender.send(outgoing(f"{base}/hook"))

    assert not unavailable.value.permanent
    assert gone.value.permanent


async def test_slack_gets_a_message_with_fallback_text_and_blocks() -> None:
    sink = HttpSink()
    async with serve_http(sink) as base, httpx.AsyncClient() as client:
        await SlackSender(client).send(
            outgoing(f"{base}/services/T0/B0/x", subject="Acme turned red", text="• logins fell")
        )

    body = orjson.loads(sink.received[0].body)
    assert body["text"].startswith("Acme turned red")
    assert body["blocks"][0]["text"]["text"] == "Acme turned red"
    assert body["blocks"][1]["text"]["text"] == "• logins fell"
