"""Prometheus metrics shared by the services. Each service owns one registry, built in its
lifespan (never at import), and declares its own metrics in its `metrics.py` with its prefix."""

from __future__ import annotations

import time

from fastapi import FastAPI, Request
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self.requests = Counter(
            f"banso_{service}_http_requests_total",
            "HTTP requests by route template, method and status.",
            ["route", "method", "status"],
            registry=registry,
        )
        self.duration = Histogram(
            f"banso_{service}_http_request_duration_seconds",
            "HTTP request latency by route template.",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )


class ConsumerMetrics:
    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self.processed = Counter(
            f"banso_{service}_messages_processed_total",
            "Consumed messages by topic and result (applied, dead_lettered).",
            ["topic", "result"],
            registry=registry,
        )
        self.dead_lettered = Counter(
            f"banso_{service}_dead_lettered_total",
            "Messages sent to the dead-letter topic, by origin topic.",
            ["topic"],
            registry=registry,
        )
        self.duplicates = Counter(
            f"banso_{service}_duplicate_events_total",
            "Redelivered events dropped because their id was already applied.",
            registry=registry,
        )
        self.late = Counter(
            f"banso_{service}_late_events_total",
            "Events older than the watermark when they arrived (applied all the same), by topic.",
            ["topic"],
            registry=registry,
        )
        self.watermark = Gauge(
            f"banso_{service}_event_time_watermark_seconds",
            "The service's event-time watermark (epoch seconds): the event time its consumers "
            "have applied everything up to, less the lateness allowance.",
            registry=registry,
            multiprocess_mode="livemin",
        )
        self.lag = Gauge(
            f"banso_{service}_consumer_lag",
            "Messages not yet applied, by topic (against the log end).",
            ["topic"],
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.stalled = Gauge(
            f"banso_{service}_consumer_partitions_not_progressing",
            "Partitions whose stored offset lies beyond the log end (reason beyond_log_end) or "
            "whose waiting records none were applied for a while (reason stalled).",
            ["topic", "reason"],
            registry=registry,
            multiprocess_mode="livesum",
        )


def route_template(request: Request) -> str:
    """The matched route's path template (`/v1/accounts/{id}`), never the raw path (which would
    give every account its own time series). The router records the route in the scope."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


def install_http_metrics(app: FastAPI, metrics: HttpMetrics) -> None:
    app.add_middleware(ObserveRequests, metrics=metrics)


class ObserveRequests:
    """Counts and times every request by route template (plain ASGI: see ``CorrelationIds``)."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            route = route_template(Request(scope))
            method = scope["method"]
            metrics = self.metrics
            metrics.requests.labels(route, method, str(status)).inc()
            metrics.duration.labels(route, method).observe(time.perf_counter() - started)
