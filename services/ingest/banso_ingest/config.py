"""Settings of the ingest service (environment prefix `INGEST_`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from banso_ingest.domain.feedback import FeedbackKind, parse_kind_map
from banso_ingest.domain.limits import IngestLimits
from banso_kit.settings import ServiceSettings

DEFAULT_FEEDBACK_EVENTS = {
    "Support Ticket Created": "support_ticket",
    "NPS Submitted": "nps_comment",
    "CSM Note Added": "csm_note",
    "Churn Reason Submitted": "churn_reason",
    "Feature Requested": "feature_request",
}


class IngestSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INGEST_", extra="ignore", populate_by_name=True)

    service_name: str = "ingest"
    port: int = 8001
    # Track events routed to the feedback topic, by event name -> feedback kind; as JSON in
    # INGEST_FEEDBACK_EVENTS, e.g. '{"Support Ticket Created": "support_ticket"}'.
    feedback_events: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_FEEDBACK_EVENTS))
    # Request bodies (bytes) one worker handles at once; beyond it requests get 429.
    max_in_flight_bytes: int = Field(default=16 * 1024 * 1024, gt=0)
    # Seconds clients are told to wait (Retry-After) when overloaded / when Kafka is unavailable.
    retry_after_overloaded_s: int = Field(default=1, ge=1)
    retry_after_unavailable_s: int = Field(default=5, ge=1)
    # Exact dedupe: how long a messageId stays known (seconds), and how long a request may hold
    # a claim before another may take it over (seconds; above kafka_send_timeout_s).
    dedupe_window_s: int = Field(default=24 * 60 * 60, gt=0)
    dedupe_lease_s: int = Field(default=60, gt=0)
    # Seconds between sweeps of expired dedupe entries.
    dedupe_sweep_interval_s: float = Field(default=600.0, gt=0)
    # Seconds a resolved (or unknown) write key is cached by a worker; a revoked or rotated-out
    # key is refused everywhere within this time (at most 1 s, the promise revocation makes).
    write_key_cache_s: float = Field(default=0.5, ge=0, le=1.0)
    # How `/v1/batch` and `/v1/import` bodies are read: `pure` (the Python reference path),
    # `compiled` (the banso-ingest-core extension, for requests it takes; startup fails without
    # it), `auto` (compiled when the extension is installed).
    core: Literal["auto", "pure", "compiled"] = "auto"

    @field_validator("feedback_events")
    @classmethod
    def _known_kinds(cls, value: dict[str, str]) -> dict[str, str]:
        parse_kind_map(value)
        return value

    def feedback_kinds(self) -> dict[str, FeedbackKind]:
        return parse_kind_map(self.feedback_events)

    def limits(self) -> IngestLimits:
        return IngestLimits()

    def dedupe_window(self) -> timedelta:
        return timedelta(seconds=self.dedupe_window_s)

    def dedupe_lease(self) -> timedelta:
        return timedelta(seconds=max(self.dedupe_lease_s, self.kafka_send_timeout_s + 5))
