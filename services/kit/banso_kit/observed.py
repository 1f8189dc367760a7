"""Every request observed, in one plain ASGI middleware: its correlation id (taken from
`X-Request-ID` or made, bound to the logs, echoed in the answer) and its metrics (counted and
timed by route template).

Plain ASGI, not ``@app.middleware("http")``: Starlette's ``BaseHTTPMiddleware`` runs every request
in a task group of its own with memory streams between the two, which on ingest's hot path cost
about a fifth of the CPU (py-spy under the benchmark's load) and a large part of a cheap scoring
read's. One layer instead of two for the same reason.
"""

from __future__ import annotations

import time
import uuid

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from banso_kit.logging import correlation_id
from banso_kit.metrics import HttpMetrics

HEADER = "X-Request-ID"
_HEADER = HEADER.lower().encode()


def install_observed_requests(app: FastAPI, metrics: HttpMetrics) -> None:
    app.add_middleware(ObservedRequests, metrics=metrics)


def route_label(scope: Scope) -> str:
    """The matched route's path template (`/v1/accounts/{id}`), never the raw path (which would
    give every account its own time series). The router records the route in the scope."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else "unmatched"


class ObservedRequests:
    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v for k, v in scope["headers"] if k == _HEADER), b"")
        cid = incoming.decode("latin-1") if 0 < len(incoming) <= 128 else uuid.uuid4().hex
        token = correlation_id.set(cid)
        started = time.perf_counter()
        status = 500

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (_HEADER, cid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, answer)
        finally:
            correlation_id.reset(token)
            label, method = route_label(scope), scope["method"]
            self.metrics.requests.labels(label, method, str(status)).inc()
            self.metrics.duration.labels(label, method).observe(time.perf_counter() - started)
