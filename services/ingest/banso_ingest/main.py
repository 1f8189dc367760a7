"""The ingest service: app factory and lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from prometheus_client import CollectorRegistry

from banso_ingest.adapters.compiled_core import compiled_reader
from banso_ingest.adapters.group_commit import GroupCommitWriter
from banso_ingest.adapters.groups import SqlGroupDirectory
from banso_ingest.adapters.ledger import SqlDedupeLedger
from banso_ingest.adapters.publisher import KafkaPublisher
from banso_ingest.adapters.sources import SourceDirectory
from banso_ingest.api import feedback, shapes, touches, tracking
from banso_ingest.api.admin import admin_router
from banso_ingest.api.deps import IngestContext
from banso_ingest.api.errors import install_ingest_errors
from banso_ingest.api.fast_path import TrackingFastPath
from banso_ingest.config import IngestSettings
from banso_ingest.domain.admission import AdmissionGate
from banso_ingest.domain.compiled import CompiledReader
from banso_ingest.metrics import IngestMetrics
from banso_ingest.models import KIT
from banso_ingest.service.intake import Intake
from banso_kit.app import include_operator_routes
from banso_kit.clock import Clock
from banso_kit.errors import install_error_handlers
from banso_kit.event_time import service_clock, service_watermarks
from banso_kit.health import Check, health_router
from banso_kit.kafka.producer import Producer
from banso_kit.logging import configure_logging, correlation_id
from banso_kit.metrics import HttpMetrics
from banso_kit.observed import install_observed_requests
from banso_kit.openapi import install_openapi
from banso_kit.runtime import Runtime

logger = logging.getLogger(__name__)


# The cyclic collector's thresholds while the app runs (the process's are restored after). With
# Python's default (a young pass per 700 container objects kept), the objects of the requests in
# flight survived pass after pass and every tenth middle pass became a full one over the whole
# heap (~16 ms each): under the benchmark ~8 % of a worker's CPU went to the collector, in pauses
# every request in the worker waited behind. Nearly everything a request allocates is freed by
# reference counting (a full load left no cyclic garbage), so rarer passes cost little memory.
GC_THRESHOLDS = (10_000, 100, 100)


class State(TypedDict):
    settings: IngestSettings
    runtime: Runtime
    ingest: IngestContext


def create_app(settings: IngestSettings, *, clock: Clock | None = None) -> FastAPI:
    """The ingest app; `clock` is injectable for tests and simulations."""
    # The clock BANSO_CLOCK selects (the wall clock, or the watermark of what the consumers
    # applied); tests and simulations may pass their own.
    watermarks = service_watermarks(settings)
    the_clock: Clock = clock or service_clock(settings, watermarks)
    registry = CollectorRegistry()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[State]:
        async with (
            Runtime(settings, tables=KIT, registry=registry, watermarks=watermarks) as runtime,
            contextlib.AsyncExitStack() as stack,
        ):
            metrics = IngestMetrics(registry)
            writer = GroupCommitWriter(
                runtime.db,
                observe=lambda stage, s: metrics.store_seconds.labels(stage).observe(s),
            )
            writer.start()
            stack.push_async_callback(writer.stop)
            ledger = SqlDedupeLedger(
                writer, window=settings.dedupe_window(), lease=settings.dedupe_lease()
            )
            publisher = KafkaPublisher(
                # Its own producer, not the runtime's: it may have to replace it (publisher.py).
                lambda: Producer(
                    settings.kafka_bootstrap_servers,
                    client_id="banso-ingest-events",
                    **settings.kafka_client_options(),
                ),
                topic_prefix=settings.topic_prefix,
                correlation_id=correlation_id.get,
                observe_ack=lambda topic, s: metrics.kafka_ack_seconds.labels(topic).observe(s),
            )
            await publisher.start()
            stack.push_async_callback(publisher.close)
            intake = Intake(
                ledger=ledger,
                directory=SqlGroupDirectory(writer),
                publisher=publisher,
                clock=the_clock,
                feedback_events=settings.feedback_kinds(),
                publish_timeout=settings.kafka_send_timeout_s,
                compiled_publisher=publisher,
            )
            ingest = IngestContext(
                settings=settings,
                limits=settings.limits(),
                intake=intake,
                publisher=publisher,
                sources=SourceDirectory(runtime.db, ttl_s=settings.write_key_cache_s),
                gate=AdmissionGate(settings.max_in_flight_bytes),
                metrics=metrics,
                clock=the_clock,
                reader=_compiled_reader(settings),
            )
            sweeper = asyncio.create_task(_sweep(ledger, settings, the_clock), name="dedupe-sweep")
            stack.push_async_callback(_cancel, sweeper)
            # Everything built so far lives as long as the process: keep it out of the cyclic
            # garbage collector's full passes, which otherwise rescan it and stall requests.
            gc.collect()
            gc.freeze()
            stack.callback(gc.set_threshold, *gc.get_threshold())
            gc.set_threshold(*GC_THRESHOLDS)
            yield {"settings": settings, "runtime": runtime, "ingest": ingest}

    # The kit's `service_app`, with its two request middlewares as one plain ASGI one (asgi.py).
    app = FastAPI(
        title="Bansō ingest",
        description="Segment-compatible tracking API: every 2xx means the events are in Kafka. "
        "The admin API (`/v1/admin/...`, the operator's admin token) manages workspaces, "
        "sources and their write keys, API tokens, and reads the audit log.",
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    install_openapi(
        app, schemas=shapes.schemas(), security_schemes={"WriteKey": shapes.WRITE_KEY_SCHEME}
    )
    install_ingest_errors(app)
    app.include_router(health_router(_readiness, lambda _: registry))
    # Innermost: the tracking endpoints' hot path, in front of the routing (fast_path.py).
    app.add_middleware(TrackingFastPath, exception_handlers=app.exception_handlers)
    # Browsers (analytics.js, rudder-sdk-js) post from the product's own origin.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["POST"],
        allow_headers=["Authorization", "Content-Type", "Content-Encoding"],
        max_age=3600,
    )
    install_observed_requests(app, HttpMetrics(registry, "ingest"))
    app.include_router(tracking.router)
    app.include_router(feedback.router)
    app.include_router(touches.router)
    app.include_router(admin_router())
    include_operator_routes(app)
    return app


def _readiness(request: Request) -> dict[str, Check]:
    checks: dict[str, Check] = request.state.runtime.readiness_checks()
    checks["kafka_events_producer"] = request.state.ingest.publisher.ping
    return checks


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _sweep(ledger: SqlDedupeLedger, settings: IngestSettings, clock: Clock) -> None:
    """Delete dedupe entries past their window now and then (expired ones are reclaimable anyway)."""
    while True:
        await asyncio.sleep(settings.dedupe_sweep_interval_s)
        try:
            removed = await ledger.sweep(now=clock.now())
            logger.info("dedupe_swept", extra={"removed": removed})
        except Exception:  # retried at the next interval
            logger.exception("dedupe_sweep_failed")


def create_app_from_env() -> FastAPI:
    """Entry for uvicorn workers: settings from the environment."""
    settings = IngestSettings()
    configure_logging("ingest", settings.log_level)
    return create_app(settings)


def _compiled_reader(settings: IngestSettings) -> CompiledReader | None:
    """The compiled pass the settings ask for (None: the pure path reads every request)."""
    if settings.core == "pure":
        return None
    reader = compiled_reader(limits=settings.limits(), feedback_events=settings.feedback_events)
    if reader is None and settings.core == "compiled":
        raise RuntimeError(
            "INGEST_CORE=compiled but the banso-ingest-core extension is not installed "
            "(make setup builds it when cargo is available)"
        )
    logger.info("ingest_core", extra={"core": "pure" if reader is None else "compiled"})
    return reader
