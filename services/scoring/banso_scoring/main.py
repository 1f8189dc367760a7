"""The scoring service: app factory and lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from banso_kit.app import service_app
from banso_kit.clock import Clock
from banso_kit.event_time import service_clock, service_watermarks
from banso_kit.logging import configure_logging
from banso_kit.openapi import TOKEN_ERRORS
from banso_kit.runtime import Runtime, supervise
from banso_scoring.api import accounts, moves, overrides, plans, portfolio, scorecard
from banso_scoring.api.deps import ScoringContext
from banso_scoring.config import ScoringSettings
from banso_scoring.consumers.loop import ScoringConsumer
from banso_scoring.metrics import ScoringMetrics
from banso_scoring.models import KIT

logger = logging.getLogger(__name__)


class State(TypedDict):
    settings: ScoringSettings
    runtime: Runtime
    scoring: ScoringContext
    consumer: ScoringConsumer


def create_app(settings: ScoringSettings, *, clock: Clock | None = None) -> FastAPI:
    """The scoring app; ``clock`` is injectable for simulations and tests."""
    # The clock BANSO_CLOCK selects (the wall clock, or the watermark of what the consumers
    # applied); tests and simulations may pass their own.
    watermarks = service_watermarks(settings)
    the_clock: Clock = clock or service_clock(settings, watermarks)
    registry = CollectorRegistry()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[State]:
        async with Runtime(
            settings, tables=KIT, registry=registry, watermarks=watermarks
        ) as runtime:
            consumer = ScoringConsumer(settings, runtime, ScoringMetrics(registry), clock=the_clock)
            runtime.watch(consumer)
            task = asyncio.create_task(supervise(consumer), name="scoring-consumer")
            context = ScoringContext(settings=settings, clock=the_clock, group_id=consumer.group_id)
            try:
                yield {
                    "settings": settings,
                    "runtime": runtime,
                    "scoring": context,
                    "consumer": consumer,
                }
            finally:
                consumer.request_stop()
                done, _pending = await asyncio.wait({task}, timeout=30)
                if not done:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    app = service_app(
        service="scoring",
        title="Bansō scoring",
        description="Every account's health, current as events arrive, and why it moved.",
        version="0.1.0",
        lifespan=lifespan,
        registry=registry,
    )
    for module in (accounts, moves, portfolio, scorecard, plans, overrides):
        app.include_router(module.router, responses=TOKEN_ERRORS)
    return app


def create_app_from_env() -> FastAPI:
    """Entry for uvicorn workers: settings from the environment."""
    settings = ScoringSettings()
    configure_logging("scoring", settings.log_level)
    return create_app(settings)
