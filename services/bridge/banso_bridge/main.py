"""The bridge service: app factory and lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TypedDict

import httpx
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from banso_bridge.adapters.engines import EngineRegistry
from banso_bridge.adapters.glossary_file import read_glossary
from banso_bridge.adapters.sinks import TicketSink, build_sink
from banso_bridge.api import accounts, themes, tickets, webhooks
from banso_bridge.api.deps import BridgeContext
from banso_bridge.config import BridgeSettings
from banso_bridge.consumers.handler import BridgeHandler
from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.metrics import BridgeMetrics
from banso_bridge.models import KIT
from banso_bridge.service.idle import IdleConsolidator
from banso_bridge.service.themes import ThemeBook
from banso_bridge.service.ticketing import TicketWorker
from banso_contracts.topics import ACCOUNT_TRAITS, FEEDBACK, HEALTH
from banso_kit.app import service_app
from banso_kit.clock import Clock
from banso_kit.event_time import service_clock, service_watermarks
from banso_kit.logging import configure_logging
from banso_kit.openapi import TOKEN_ERRORS
from banso_kit.runtime import Runtime


class State(TypedDict):
    settings: BridgeSettings
    runtime: Runtime
    bridge: BridgeContext


async def _stop(task: asyncio.Task[None], request_stop: Callable[[], None]) -> None:
    request_stop()
    done, _ = await asyncio.wait({task}, timeout=30)
    if not done:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def create_app(
    settings: BridgeSettings,
    *,
    clock: Clock | None = None,
    sink: TicketSink | None = None,
) -> FastAPI:
    """The bridge app; `clock` and `sink` are injectable for tests."""
    # The clock BANSO_CLOCK selects (the wall clock, or the watermark of what the consumers
    # applied); tests and simulations may pass their own.
    watermarks = service_watermarks(settings)
    the_clock: Clock = clock or service_clock(settings, watermarks)
    registry = CollectorRegistry()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[State]:
        metrics = BridgeMetrics(registry)
        async with (
            httpx.AsyncClient(timeout=settings.sink_timeout_s) as client,
            Runtime(settings, tables=KIT, registry=registry, watermarks=watermarks) as runtime,
        ):
            ticket_sink = sink or build_sink(settings, client, the_clock)
            worker = (
                TicketWorker(
                    settings=settings,
                    db=runtime.db,
                    sink=ticket_sink,
                    outbox=runtime.outbox,
                    metrics=metrics,
                    clock=the_clock,
                    on_commit=runtime.relay.wake,
                )
                if ticket_sink is not None
                else None
            )
            engines = EngineRegistry(
                ClusteringConfig(
                    seed=settings.seed,
                    cross_language_min_concept_likeness=(
                        settings.ticket_cross_language_min_concept_similarity
                    ),
                    glossary_extra=read_glossary(settings.glossary_path),
                )
            )
            book = ThemeBook(
                settings=settings,
                registry=engines,
                outbox=runtime.outbox,
                metrics=metrics,
                clock=the_clock,
                wake_tickets=worker.wake if worker else lambda: None,
            )
            runtime.add_consumer(
                group_id=settings.group_id,
                topics=[FEEDBACK, ACCOUNT_TRAITS, HEALTH],
                handler=BridgeHandler(book),
            )
            idle = IdleConsolidator(
                db=runtime.db,
                book=book,
                registry=engines,
                idle_s=settings.idle_consolidation_s,
                clock=the_clock,
                on_commit=runtime.relay.wake,
            )
            tasks = [(asyncio.create_task(idle.run(), name="bridge-idle"), idle.request_stop)]
            if worker is not None:
                tasks.append(
                    (asyncio.create_task(worker.run(), name="bridge-tickets"), worker.request_stop)
                )
            context = BridgeContext(
                settings=settings,
                book=book,
                metrics=metrics,
                clock=the_clock,
                wake_tickets=worker.wake if worker else lambda: None,
            )
            try:
                yield {"settings": settings, "runtime": runtime, "bridge": context}
            finally:
                for task, request_stop in tasks:
                    await _stop(task, request_stop)

    app = service_app(
        service="bridge",
        title="Bansō bridge",
        description="Customer pain points clustered into themes and filed as product tickets.",
        version="0.1.0",
        lifespan=lifespan,
        registry=registry,
    )
    for module in (accounts, themes, tickets):
        app.include_router(module.router, responses=TOKEN_ERRORS)
    app.include_router(webhooks.router)
    return app


def create_app_from_env() -> FastAPI:
    """Entry for uvicorn workers: settings from the environment."""
    settings = BridgeSettings()
    configure_logging("bridge", settings.log_level)
    return create_app(settings)
