"""Settings shared by every service; each service subclasses `ServiceSettings` with its env prefix."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from aiokafka.helpers import create_ssl_context
from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "test", "production"]
ClockKind = Literal["system", "stream"]

_PLACEHOLDERS = frozenset(
    {"", "change-me", "changeme", "secret", "placeholder", "dev", "development", "test", "xxx"}
)
MIN_SECRET_LENGTH = 32


def is_placeholder_value(value: str) -> bool:
    """Empty or a well-known placeholder (`change-me`, ...); for credentials a provider issues,
    whose length is the provider's business."""
    lowered = value.strip().lower()
    return lowered in _PLACEHOLDERS or "change-me" in lowered or "changeme" in lowered


def is_placeholder_secret(value: str) -> bool:
    """A secret that is empty, a well-known placeholder or too short to resist guessing."""
    return is_placeholder_value(value) or len(value) < MIN_SECRET_LENGTH


class ServiceSettings(BaseSettings):
    """Base settings. Shared variables are unprefixed (`KAFKA_BOOTSTRAP_SERVERS`, `BANSO_*`);
    a subclass sets `env_prefix` (e.g. `SCORING_`) for its own fields."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str = "banso"
    env: Environment = Field(
        default="development", validation_alias=AliasChoices("BANSO_ENV", "env")
    )
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092",
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "kafka_bootstrap_servers"),
    )
    # Security for managed clusters: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL; SASL mechanism
    # PLAIN or SCRAM-SHA-256/512 with a username and password; a CA file to verify the brokers.
    kafka_security_protocol: str = Field(
        default="PLAINTEXT",
        validation_alias=AliasChoices("KAFKA_SECURITY_PROTOCOL", "kafka_security_protocol"),
    )
    kafka_sasl_mechanism: str | None = Field(
        default=None, validation_alias=AliasChoices("KAFKA_SASL_MECHANISM", "kafka_sasl_mechanism")
    )
    kafka_sasl_username: str | None = Field(
        default=None, validation_alias=AliasChoices("KAFKA_SASL_USERNAME", "kafka_sasl_username")
    )
    kafka_sasl_password: str | None = Field(
        default=None, validation_alias=AliasChoices("KAFKA_SASL_PASSWORD", "kafka_sasl_password")
    )
    kafka_ssl_cafile: str | None = Field(
        default=None, validation_alias=AliasChoices("KAFKA_SSL_CAFILE", "kafka_ssl_cafile")
    )
    # Replication factor for topics the services create when they are missing (1 on one broker;
    # 3 on a production cluster, where topics are better created up front with `banso topics create`).
    topic_replication_factor: int = Field(
        default=1,
        ge=1,
        validation_alias=AliasChoices("BANSO_TOPIC_REPLICATION_FACTOR", "topic_replication_factor"),
    )
    topic_prefix: str = Field(
        default="", validation_alias=AliasChoices("BANSO_TOPIC_PREFIX", "topic_prefix")
    )
    secret: str = Field(
        default="development-only-secret-change-me-not-for-production",
        validation_alias=AliasChoices("BANSO_SECRET", "secret"),
        description="Signs bearer tokens (HS256). At least 32 random characters in production.",
    )
    admin_token: str = Field(
        default="development-only-admin-token-change-me-not-for-production",
        validation_alias=AliasChoices("BANSO_ADMIN_TOKEN", "admin_token"),
    )
    data_dir: Path = Field(
        default=Path(".data"), validation_alias=AliasChoices("BANSO_DATA_DIR", "data_dir")
    )
    log_level: str = Field(
        default="INFO", validation_alias=AliasChoices("BANSO_LOG_LEVEL", "log_level")
    )
    # The clock every part of the service reads: `system` (the wall clock) or `stream` (the
    # watermark of the events consumed, for demos and replays; refused in production).
    clock: ClockKind = Field(
        default="system", validation_alias=AliasChoices("BANSO_CLOCK", "clock")
    )
    # Seconds an event may arrive behind the latest one of its partition before it counts as
    # late; the watermark trails the latest event time by this much.
    event_lateness_s: float = Field(
        default=300.0,
        ge=0,
        validation_alias=AliasChoices("BANSO_EVENT_LATENESS_S", "event_lateness_s"),
    )
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    # Seconds a Kafka send may take before the caller gives up (ingest answers 503 then).
    kafka_send_timeout_s: float = 10.0
    # Seconds between outbox relay polls when no commit woke it up.
    outbox_poll_interval_s: float = 0.5
    # Messages per consumer batch (one database transaction each).
    consumer_max_batch: int = 2000
    # Longest a broker holds a fetch for partitions with nothing new. aiokafka keeps one fetch in
    # flight per broker, so a quiet topic's pending fetch delays a busy topic's next records by up
    # to this much (Kafka's default is 500 ms); consumers of several topics keep it short.
    consumer_fetch_max_wait_ms: int = Field(default=50, ge=0, le=10_000)
    # How often a consumer tells the group coordinator it is alive. A member learns of a
    # rebalance (a replica joining or leaving) only from a heartbeat's answer, so a joining
    # replica waits up to this long for its partitions (Kafka's default is 3 s).
    consumer_heartbeat_interval_ms: int = Field(default=1_000, ge=100, le=10_000)
    # Seconds a consumer may have records waiting and apply none before `/readyz` says it is
    # not progressing (a stored offset beyond the log's end says so at once).
    consumer_stall_after_s: float = Field(default=120.0, gt=0)

    @model_validator(mode="after")
    def _defaults_and_secrets(self) -> ServiceSettings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / (self.service_name + '.db')}"
        if self.env == "production":
            if self.clock == "stream":
                raise ValueError(
                    "BANSO_CLOCK=stream is for demos and replays: in production the wall clock "
                    "decides when work runs; unset BANSO_CLOCK or set it to `system`"
                )
            for name in ("secret", "admin_token"):
                if is_placeholder_secret(getattr(self, name)):
                    env_name = "BANSO_SECRET" if name == "secret" else "BANSO_ADMIN_TOKEN"
                    raise ValueError(
                        f"{env_name} is a placeholder or shorter than {MIN_SECRET_LENGTH} "
                        "characters; set a random value (e.g. `openssl rand -hex 32`) "
                        "outside development"
                    )
        return self

    def kafka_client_options(self) -> dict[str, Any]:
        """Keyword arguments for every aiokafka client (security settings)."""
        options: dict[str, Any] = {"security_protocol": self.kafka_security_protocol}
        if self.kafka_sasl_mechanism:
            options["sasl_mechanism"] = self.kafka_sasl_mechanism
            options["sasl_plain_username"] = self.kafka_sasl_username
            options["sasl_plain_password"] = self.kafka_sasl_password
        if "SSL" in self.kafka_security_protocol:
            options["ssl_context"] = create_ssl_context(cafile=self.kafka_ssl_cafile)
        return options

    def kafka_consumer_options(self) -> dict[str, Any]:
        """Keyword arguments for every aiokafka consumer: security, fetch wait, heartbeat."""
        return {
            **self.kafka_client_options(),
            "fetch_max_wait_ms": self.consumer_fetch_max_wait_ms,
            "heartbeat_interval_ms": self.consumer_heartbeat_interval_ms,
        }

    def topic_name(self, logical_name: str) -> str:
        """The physical topic name: the registry's name behind the configured prefix."""
        return f"{self.topic_prefix}{logical_name}"
