"""The ingest service's Prometheus metrics (prefix `banso_ingest_`), on the app's own registry.

HTTP request counts and latency by route come from the kit (`banso_ingest_http_*`); these count
events, which is what a request of 2,500 of them hides.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from banso_kit.metrics import LATENCY_BUCKETS


class IngestMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.received = Counter(
            "banso_ingest_events_received_total",
            "Events received, valid or not, by endpoint.",
            ["endpoint"],
            registry=registry,
        )
        self.accepted = Counter(
            "banso_ingest_events_accepted_total",
            "Events acknowledged by Kafka, by topic.",
            ["topic"],
            registry=registry,
        )
        self.rejected = Counter(
            "banso_ingest_events_rejected_total",
            "Events refused with a 400 or a per-event error, by reason.",
            ["reason"],
            registry=registry,
        )
        self.deduplicated = Counter(
            "banso_ingest_events_deduplicated_total",
            "Events answered as duplicates of a messageId published within the window.",
            registry=registry,
        )
        self.unassigned = Counter(
            "banso_ingest_events_unassigned_total",
            "Usage events published without a known account (keyed by their user).",
            registry=registry,
        )
        self.batches_read = Counter(
            "banso_ingest_batches_read_total",
            "Batch bodies read, by reader: compiled (the extension took the body) or pure (the "
            "reference path: the extension declined the body, or is off).",
            ["reader"],
            registry=registry,
        )
        self.refused = Counter(
            "banso_ingest_requests_refused_total",
            "Whole requests refused, by reason (overloaded, kafka_unavailable, unauthorized, ...).",
            ["reason"],
            registry=registry,
        )
        self.request_seconds = Histogram(
            "banso_ingest_request_duration_seconds",
            "Time to answer a tracking or feedback request, by endpoint and outcome.",
            ["endpoint", "outcome"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.kafka_ack_seconds = Histogram(
            "banso_ingest_kafka_ack_duration_seconds",
            "Time from handing a request's records to Kafka to every acknowledgement, by topic.",
            ["topic"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.store_seconds = Histogram(
            "banso_ingest_store_duration_seconds",
            "Dedupe-ledger transactions: waiting for the other workers (lock), running "
            "(transaction).",
            ["stage"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.in_flight_requests = Gauge(
            "banso_ingest_inflight_requests",
            "Requests being handled (summed over the workers).",
            multiprocess_mode="livesum",
            registry=registry,
        )
        self.in_flight_bytes = Gauge(
            "banso_ingest_inflight_bytes",
            "Request body bytes being handled (each worker is bounded by max_in_flight_bytes).",
            multiprocess_mode="livesum",
            registry=registry,
        )
