"""Correlation ids: taken from `X-Request-ID` (or made), bound to the logs, echoed in the answer."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from banso_kit.logging import correlation_id

HEADER = "X-Request-ID"


def install_correlation_ids(app: FastAPI) -> None:
    @app.middleware("http")
    async def _correlate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        incoming = request.headers.get(HEADER, "")
        cid = incoming if 0 < len(incoming) <= 128 else uuid.uuid4().hex
        token = correlation_id.set(cid)
        try:
            response = await call_next(request)
        finally:
            correlation_id.reset(token)
        response.headers[HEADER] = cid
        return response
