"""The bridge service's own metrics (the kit's consumer metrics cover messages and lag)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class BridgeMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.feedback = Counter(
            "banso_bridge_feedback_items_total",
            "Feedback items seen, by result (placed, duplicate).",
            ["result"],
            registry=registry,
        )
        self.redacted = Counter(
            "banso_bridge_pii_redacted_total",
            "Pieces of personal data replaced by a placeholder, by kind.",
            ["kind"],
            registry=registry,
        )
        self.themes_opened = Counter(
            "banso_bridge_themes_opened_total",
            "Themes opened by a new item or a split.",
            registry=registry,
        )
        self.consolidations = Counter(
            "banso_bridge_consolidations_total",
            "Consolidation passes, by whether the representation was refitted.",
            ["refit"],
            registry=registry,
        )
        self.merges = Counter(
            "banso_bridge_theme_merges_total",
            "Themes merged into another, by who decided (consolidation, manual, linked: the ticket "
            "rule found the accounts of a ticketed theme); undone: merges a product manager undid.",
            ["by"],
            registry=registry,
        )
        self.moved = Counter(
            "banso_bridge_reports_moved_to_their_ticket_total",
            "Reports the ticket rule moved from a theme held back for its requests beside its "
            "defects to the ticketed theme of their nature they read as.",
            registry=registry,
        )
        self.splits = Counter(
            "banso_bridge_theme_splits_total",
            "Themes a product manager split off another (their items stay in the new theme).",
            registry=registry,
        )
        self.placement_seconds = Histogram(
            "banso_bridge_placement_seconds",
            "Wall time to place one consumer batch of feedback (text pipeline and clustering).",
            buckets=(0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=registry,
        )
        self.sink_calls = Counter(
            "banso_bridge_sink_calls_total",
            "Calls to the ticket sink, by sink, operation (find, create, comment) and result "
            "(ok, retry, rejected).",
            ["sink", "operation", "result"],
            registry=registry,
        )
        self.tickets_failing = Gauge(
            "banso_bridge_tickets_failing",
            "Tickets whose last sink call failed (waiting for a retry, or refused for good).",
            registry=registry,
        )
        self.resolve_webhooks = Counter(
            "banso_bridge_resolve_webhooks_total",
            "Resolve webhooks received, by sink and result (resolved, ignored, unknown, refused).",
            ["sink", "result"],
            registry=registry,
        )
