"""The scoring service: app factory and lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from banso_scoring.config import ScoringSettings
from banso_scoring.models import KIT
from banso_kit.app import service_app
from banso_kit.logging import configure_logging
from banso_kit.runtime import Runtime


class State(TypedDict):
    settings: ScoringSettings
    runtime: Runtime


def create_app(settings: ScoringSettings) -> FastAPI:
    registry = CollectorRegistry()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[State]:
        async with Runtime(settings, tables=KIT, registry=registry) as runtime:
            yield {"settings": settings, "runtime": runtime}

    return service_app(
        service="scoring",
        title="Bansō scoring",
        description="Every account's health, current within a second of each event, and why it moved.",
        version="0.1.0",
        lifespan=lifespan,
        registry=registry,
    )


def create_app_from_env() -> FastAPI:
    """Entry for uvicorn workers: settings from the environment."""
    settings = ScoringSettings()
    configure_logging("scoring", settings.log_level)
    return create_app(settings)
