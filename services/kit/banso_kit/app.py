"""The common shape of every service's FastAPI app: errors, correlation ids, HTTP metrics, health."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from prometheus_client import CollectorRegistry

from banso_kit import consumer_admin, dead_letter_admin
from banso_kit.errors import install_error_handlers
from banso_kit.health import Check, health_router
from banso_kit.metrics import HttpMetrics
from banso_kit.observed import install_observed_requests
from banso_kit.openapi import install_openapi


def _runtime_checks(request: Request) -> dict[str, Check]:
    runtime = request.state.runtime
    checks: dict[str, Check] = runtime.readiness_checks()
    return checks


def service_app(
    *,
    service: str,
    title: str,
    description: str,
    version: str,
    lifespan: Callable[[FastAPI], Any],
    registry: CollectorRegistry,
    checks: Callable[[Request], dict[str, Check]] = _runtime_checks,
) -> FastAPI:
    """Build a FastAPI app with the kit's middleware and the operations routes.

    The lifespan must yield a state holding `runtime` (a `banso_kit.runtime.Runtime`) unless
    other `checks` are given.
    """
    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan)
    install_error_handlers(app)
    install_openapi(app)
    install_observed_requests(app, HttpMetrics(registry, service))
    app.include_router(health_router(checks, lambda _: registry))
    include_operator_routes(app)
    return app


def include_operator_routes(app: FastAPI) -> None:
    """The admin-token routes every service has: its consumers and its dead letters."""
    app.include_router(consumer_admin.router)
    app.include_router(dead_letter_admin.router)
