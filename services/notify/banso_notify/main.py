"""The notify service: app factory and lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from banso_notify.config import NotifySettings
from banso_notify.models import KIT
from banso_kit.app import service_app
from banso_kit.logging import configure_logging
from banso_kit.runtime import Runtime


class State(TypedDict):
    settings: NotifySettings
    runtime: Runtime


def create_app(settings: NotifySettings) -> FastAPI:
    registry = CollectorRegistry()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[State]:
        async with Runtime(settings, tables=KIT, registry=registry) as runtime:
            yield {"settings": settings, "runtime": runtime}

    return service_app(
        service="notify",
        title="Bansō notify",
        description="Tech-touch playbooks: the right nudge to the right person at the right time.",
        version="0.1.0",
        lifespan=lifespan,
        registry=registry,
    )


def create_app_from_env() -> FastAPI:
    """Entry for uvicorn workers: settings from the environment."""
    settings = NotifySettings()
    configure_logging("notify", settings.log_level)
    return create_app(settings)
