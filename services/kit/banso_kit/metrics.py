"""Prometheus metrics shared by the services. Each service owns one registry, built in its
lifespan (never at import), and declares its own metrics in its `metrics.py` with its prefix."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

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
