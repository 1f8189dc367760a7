"""Real HTTP servers on loopback for tests: any Starlette app (`serve`), or a sink recording what
it receives (`HttpSink`, `serve_http`)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp


@dataclass
class HttpRequest:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpSink:
    received: list[HttpRequest] = field(default_factory=list)
    status: int = 200
    body: str = "ok"

    def app(self) -> Starlette:
        async def record(request: Request) -> PlainTextResponse:
            body = await request.body()
            self.received.append(HttpRequest(request.url.path, dict(request.headers), body))
            return PlainTextResponse(self.body, status_code=self.status)

        return Starlette(routes=[Route("/{path:path}", record, methods=["POST"])])


def free_port() -> int:
    """A loopback port nothing listens on (yet)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def serve(app: ASGIApp) -> AsyncIterator[str]:
    """Serve `app` (any ASGI app) on a free loopback port; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@contextlib.asynccontextmanager
async def serve_http(sink: HttpSink) -> AsyncIterator[str]:
    """Serve ``sink`` on a free loopback port; yields the base URL."""
    async with serve(sink.app()) as url:
        yield url
