"""Signing in over HTTP (no browser): the console app in-process on a real database."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from banso_console.adapters.users import create_user
from banso_console.config import ConsoleSettings
from banso_console.main import create_app
from banso_kit.db import Database
from banso_kit.migrations import upgrade
from tests.support.service import state_per_request

MIGRATIONS = Path(__file__).resolve().parents[2] / "services/console/banso_console/migrations"
PASSWORD = "correct horse battery staple"


async def console_client(
    database_url: str,
    prepare: Callable[[FastAPI], None] | None = None,
    *,
    bridge_url: str = "http://127.0.0.1:9",
) -> AsyncIterator[httpx.AsyncClient]:
    """The console on a migrated database with three users; no service is running (but the
    bridge at `bridge_url`, when a test serves one). ``prepare`` may set the app's dependency
    overrides (services faked on the wire) before it starts."""
    await asyncio.to_thread(upgrade, database_url, MIGRATIONS)
    settings = ConsoleSettings.model_validate(
        # Nothing listens there: these pages never reach the services.
        {
            "env": "test",
            "database_url": database_url,
            "scoring_url": "http://127.0.0.1:9",
            "bridge_url": bridge_url,
            "notify_url": "http://127.0.0.1:9",
        }
    )
    db = Database(database_url)
    try:
        async with db.session() as session:
            for email, role, workspaces in (
                ("Hanako@Vendor.example", "editor", ["ws_a"]),
                ("aiko@vendor.example", "admin", ["ws_a", "ws_c"]),
                ("ken@other.example", "viewer", ["ws_b"]),
            ):
                await create_user(
                    session, email=email, password=PASSWORD, role=role, workspaces=workspaces
                )
    finally:
        await db.dispose()
    app = create_app(settings)
    if prepare is not None:
        prepare(app)
    async with (
        LifespanManager(state_per_request(app)) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(manager.app), base_url="https://console.test"
        ) as client,
    ):
        yield client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the form carries a CSRF token"
    return found.group(1)


async def sign_in(
    client: httpx.AsyncClient, next_url: str = "/", email: str = "hanako@vendor.example"
) -> httpx.Response:
    form = await client.get("/login")
    return await client.post(
        "/login",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_of(form.text),
            "next": next_url,
        },
    )
