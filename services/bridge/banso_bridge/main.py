"""The bridge service: app factory and lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from banso_bridge.config import BridgeSettings
from banso_bridge.models import KIT
from banso_kit.app import service_app
from banso_kit.logging import configure_logging
from banso_kit.runtime import Runtime


class State(TypedDict):
    settings: BridgeSettings
    runtime: Runtime


def create_app(settings: BridgeSettings) -> FastAPI:
    registry = CollectorRegistry()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[State]:
        async with Runtime(settings, tables=KIT, registry=registry) as runtime:
            yield {"settings": settings, "runtime": runtime}

    return service_app(
        service="bridge",
        title="Bansō bridge",
        description="Customer pain points clustered into themes and filed as product tickets.",
        version="0.1.0",
        lifespan=lifespan,
        registry=registry,
    )


def create_app_from_env() -> FastAPI:
    """Entry for uvicorn workers: settings from the environment."""
    settings = BridgeSettings()
    configure_logging("bridge", settings.log_level)
    return create_app(settings)
