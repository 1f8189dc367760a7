"""notify's own Prometheus metrics (prefix ``banso_notify_``), built per app in the lifespan."""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from banso_notify.models import Nudge

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)


class NotifyMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.decisions = Counter(
            "banso_notify_decisions_total",
            "Decisions by outcome (send, hold, suppress, queue_csm, skip).",
            ["outcome"],
            registry=registry,
        )
        self.not_acted = Counter(
            "banso_notify_triggers_not_acted_total",
            "Triggers notify did not act on, by reason: imported (events sent as history "
            "through /v1/import; remembered, never nudged on) and stale (older than the "
            "playbook's max_trigger_age; each is also a nudge suppressed with reason stale).",
            ["reason"],
            registry=registry,
        )
        self.ahead_of_clock = Counter(
            "banso_notify_event_times_ahead_of_clock_total",
            "Trigger events stamped beyond the wall clock plus the allowed skew (decided as of "
            "now: nothing is scheduled on a sender's wrong clock).",
            registry=registry,
        )
        self.nudges = Counter(
            "banso_notify_deliveries_total",
            "Delivery results by channel (sent, retry, dead).",
            ["channel", "result"],
            registry=registry,
        )
        self.send_latency = Histogram(
            "banso_notify_channel_send_seconds",
            "Time the channel took to accept a message.",
            ["channel"],
            buckets=_BUCKETS,
            registry=registry,
        )
        self.planned_to_sent = Histogram(
            "banso_notify_planned_to_sent_seconds",
            "From the decision to send until the channel accepted the message.",
            ["channel"],
            buckets=_BUCKETS,
            registry=registry,
        )
        self.held = Gauge(
            "banso_notify_held_nudges",
            "Nudges held, by reason: a send window or quiet hours, a wait step, a CSM review, "
            "or what travels on another topic (awaiting_person, awaiting_address, "
            "awaiting_account). Counted every held_gauge_s.",
            ["reason"],
            registry=registry,
        )

    def observe_sent(self, nudge: Nudge, now: datetime) -> None:
        if nudge.counted_at is not None:
            seconds = (now - nudge.counted_at).total_seconds()
            self.planned_to_sent.labels(channel=nudge.channel).observe(max(0.0, seconds))
