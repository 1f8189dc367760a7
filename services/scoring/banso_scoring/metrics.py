"""The scoring service's own metrics (the kit's consumer metrics cover messages and lag)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class ScoringMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.evaluations = Counter(
            "banso_scoring_evaluations_total",
            "Account health evaluations, by cause (events, tick, recompute, override).",
            ["cause"],
            registry=registry,
        )
        self.published = Counter(
            "banso_scoring_health_published_total",
            "HealthChanged events published, by what changed (first, band, score, override).",
            ["change"],
            registry=registry,
        )
        self.dropped_late = Counter(
            "banso_scoring_events_dropped_late_total",
            "Events older than the scorecard's lateness allowance, counted and not applied.",
            registry=registry,
        )
        self.revised_days = Counter(
            "banso_scoring_history_days_revised_total",
            "Event-time days whose recorded close was recorded again because events for them "
            "arrived after it (within the lateness allowance).",
            registry=registry,
        )
        self.rounds = Histogram(
            "banso_scoring_round_seconds",
            "Wall time of one consumer round (apply, evaluate, commit).",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
            registry=registry,
        )
        self.accounts = Gauge(
            "banso_scoring_accounts",
            "Accounts held in memory by this replica.",
            registry=registry,
        )
