"""Correlation ids: taken from `X-Request-ID` (or made), bound to the logs, echoed in the answer."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from banso_kit.logging import correlation_id

HEADER = "X-Request-ID"


def install_correlation_ids(app: FastAPI) -> None:
    app.add_middleware(CorrelationIds)


class CorrelationIds:
    """Plain ASGI (not ``@app.middleware("http")``, whose ``BaseHTTPMiddleware`` runs every
    request in a task group of its own with streams between the two: measured, a large part of
    a cheap read's cost)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get(HEADER, "")
        cid = incoming if 0 < len(incoming) <= 128 else uuid.uuid4().hex

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = cid
            await send(message)

        token = correlation_id.set(cid)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            correlation_id.reset(token)
