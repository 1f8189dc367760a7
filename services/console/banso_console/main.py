"""The console: app factory and lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import TypedDict

import httpx
from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from prometheus_client import CollectorRegistry
from starlette.responses import FileResponse, Response

from banso_console.adapters.bridge import BridgeClient
from banso_console.adapters.ingest import IngestAdmin
from banso_console.adapters.kept_names import KeptNames
from banso_console.adapters.notify import NotifyClient
from banso_console.adapters.scoring import ScoringClient
from banso_console.adapters.service_api import ServiceApi, WorkspaceTokens
from banso_console.adapters.touches import TouchesClient
from banso_console.api import (
    admin,
    auth,
    operators,
    pages,
    playbook_editing,
    playbooks,
    scorecard,
    send_policy,
    themes,
)
from banso_console.api.deps import ConsoleContext
from banso_console.api.errors import install_page_errors
from banso_console.api.rendering import Renderer
from banso_console.config import PACKAGE, ConsoleSettings
from banso_kit.db import Database
from banso_kit.errors import NotFound
from banso_kit.health import Check, health_router
from banso_kit.logging import configure_logging
from banso_kit.metrics import HttpMetrics
from banso_kit.observed import install_observed_requests

# The npm files the pages load, by the name they are served under (/assets/<name>).
ASSETS = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class State(TypedDict):
    settings: ConsoleSettings
    console: ConsoleContext


def asset_paths(settings: ConsoleSettings) -> dict[str, Path]:
    paths = {name: settings.assets_dir / relative for name, relative in ASSETS.items()}
    missing = [str(path) for path in paths.values() if not path.exists()]
    if missing:
        raise RuntimeError(f"front-end assets missing ({', '.join(missing)}): run `make setup`")
    return paths


def create_app(settings: ConsoleSettings) -> FastAPI:
    registry = CollectorRegistry()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[State]:
        async with AsyncExitStack() as stack:
            db = Database(settings.database_url)
            stack.push_async_callback(db.dispose)
            tokens = WorkspaceTokens(settings.secret, ttl_s=settings.api_token_ttl_s)
            timeout = httpx.Timeout(settings.api_timeout_s)

            async def client(name: str, base_url: str) -> ServiceApi:
                http = await stack.enter_async_context(
                    httpx.AsyncClient(base_url=base_url, timeout=timeout)
                )
                return ServiceApi(name, http, tokens)

            ingest = IngestAdmin(
                await stack.enter_async_context(
                    httpx.AsyncClient(base_url=settings.ingest_url, timeout=timeout)
                ),
                settings.admin_token,
            )
            context = ConsoleContext(
                settings=settings,
                db=db,
                renderer=Renderer(currency=settings.currency),
                scoring=ScoringClient(await client("scoring", settings.scoring_url)),
                bridge=BridgeClient(await client("bridge", settings.bridge_url)),
                notify=NotifyClient(await client("notify", settings.notify_url)),
                ingest=ingest,
                touches=TouchesClient(await client("ingest", settings.ingest_url)),
                workspace_names=KeptNames(
                    lambda _, actor: ingest.workspace_names(actor=actor), what="workspace"
                ),
                # one scope per workspace: its sources
                source_names=KeptNames(
                    lambda workspace, actor: ingest.source_names(workspace, actor=actor),
                    what="source",
                ),
                token_names=KeptNames(
                    lambda workspace, actor: ingest.token_names(workspace, actor=actor),
                    what="token",
                ),
            )
            yield {"settings": settings, "console": context}

    def readiness(request: Request) -> dict[str, Check]:
        context: ConsoleContext = request.state.console
        return {"database": context.db.ping}

    # The kit's service_app, less the API documentation: a page of the console needs a session.
    app = FastAPI(
        title="Bansō console",
        description="The screens customer-success teams work in.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    install_observed_requests(app, HttpMetrics(registry, "console"))
    app.include_router(health_router(readiness, lambda _: registry))
    install_page_errors(app)
    assets = asset_paths(settings)

    @app.get("/assets/{name}", include_in_schema=False)
    async def asset(name: str) -> FileResponse:
        path = assets.get(name)
        if path is None:
            raise NotFound(f"no asset {name!r}")
        return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.mount("/static", StaticFiles(directory=PACKAGE / "static"), name="static")
    app.include_router(auth.router)
    app.include_router(pages.router)
    app.include_router(themes.router)
    app.include_router(playbooks.router)
    app.include_router(operators.router)
    app.include_router(admin.router)
    app.include_router(scorecard.router)
    app.include_router(playbook_editing.router)
    app.include_router(send_policy.router)
    return app


def create_app_from_env() -> FastAPI:
    """Entry for uvicorn workers: settings from the environment."""
    settings = ConsoleSettings()
    configure_logging("console", settings.log_level)
    return create_app(settings)
