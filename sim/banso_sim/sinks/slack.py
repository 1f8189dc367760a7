"""A Slack incoming-webhook stand-in: records each POSTed message and answers `ok` like Slack."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route


@dataclass(frozen=True, slots=True)
class Post:
    path: str
    payload: dict[str, Any]
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return str(self.payload.get("text", ""))


@dataclass
class WebhookSink:
    posts: list[Post] = field(default_factory=list)

    def app(self) -> Starlette:
        async def receive(request: Request) -> PlainTextResponse:
            try:
                payload = orjson.loads(await request.body())
            except orjson.JSONDecodeError:
                return PlainTextResponse("invalid_payload", status_code=400)
            self.posts.append(Post(request.url.path, payload, dict(request.headers)))
            return PlainTextResponse("ok")

        return Starlette(routes=[Route("/{path:path}", receive, methods=["POST"])])
