"""A service's app running in the test's event loop (lifespan and all), reached over ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import BaseModel
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as AsgiScope

from banso_kit.auth import Scope, issue_token

S = TypeVar("S", bound=BaseModel)


def settings_for_test(
    settings_type: type[S], database_url: str, bootstrap: str, prefix: str, **values: Any
) -> S:
    """A service's settings for a test: test environment, this database, these topics."""
    base: dict[str, Any] = {
        "env": "test",
        "database_url": database_url,
        "kafka_bootstrap_servers": bootstrap,
        "topic_prefix": prefix,
        "outbox_poll_interval_s": 0.05,
    }
    return settings_type.model_validate({**base, **values})


def bearer(secret: str, workspace: str, scopes: Sequence[Scope]) -> dict[str, str]:
    """The Authorization header of a token for `workspace` with `scopes`."""
    token = issue_token(secret, workspace, tuple(scopes))
    return {"Authorization": f"Bearer {token}"}


def state_per_request(app: ASGIApp) -> ASGIApp:
    """Each request gets its own shallow copy of the lifespan state, as uvicorn gives it.
    (asgi-lifespan hands every request the same dict, so what one request keeps on
    ``request.state`` would leak into the next one's.) Wrap the app before LifespanManager."""

    async def copying(scope: AsgiScope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan" and "state" in scope:
            scope = {**scope, "state": dict(scope["state"])}
        await app(scope, receive, send)

    return copying


@asynccontextmanager
async def served(app: FastAPI, base_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    """Start `app` (its lifespan), yield a client and the lifespan state, and shut it down."""
    async with (
        LifespanManager(state_per_request(app), startup_timeout=60, shutdown_timeout=60) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(manager.app), base_url=base_url) as client,
    ):
        yield client, manager._state
