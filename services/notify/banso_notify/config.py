"""Settings of the notify service (environment prefix `NOTIFY_`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from banso_kit.production import require_remote_host, require_remote_url
from banso_kit.settings import ServiceSettings, is_placeholder_value


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore", populate_by_name=True)

    service_name: str = "notify"
    port: int = 8004

    # The SMTP server customer e-mails go through (a local relay or a provider's SMTP endpoint;
    # in production not this machine: the development default has no server behind it).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_timeout_s: float = 10.0
    # Connections kept open to the SMTP server (messages in flight at once).
    smtp_connections: int = 8
    email_from: str = "Bansō <notify@banso.local>"
    # Right-hand side of Message-IDs (<nudge.<hash>@domain>).
    message_id_domain: str = "banso.local"
    # Base URL of this service as customers reach it: unsubscribe links point here (in production
    # a URL other machines reach, never localhost).
    public_url: str = "http://127.0.0.1:8004"
    # Seconds a webhook or Slack POST may take.
    http_timeout_s: float = 10.0

    # Delivery attempts before a nudge is dead-lettered, and the backoff between them (seconds).
    max_attempts: int = 5
    retry_base_s: float = 30.0
    retry_max_s: float = 3600.0
    # Sends in flight at once, and how often an idle dispatcher looks for due nudges (seconds).
    send_concurrency: int = 64
    dispatch_poll_s: float = 0.2
    # How often held nudges, CSM reviews and timers are checked (seconds).
    scheduler_interval_s: float = 1.0
    # How often the held nudges are counted for /metrics (banso_notify_held_nudges, seconds).
    held_gauge_s: float = Field(default=15.0, gt=0)
    # How long playbooks and policies are cached per workspace (seconds).
    catalog_ttl_s: float = 2.0
    # Seconds an event time may lie ahead of the wall clock (a sender's clock running fast)
    # before it is counted; either way a decision is never about a moment after now.
    max_clock_skew_s: float = Field(default=300.0, ge=0)

    # Crash tests only: die (SIGKILL) at this point of the first send. Refused in production.
    fault_point: Literal["after_claim", "after_accept"] | None = None

    @model_validator(mode="after")
    def _no_faults_in_production(self) -> NotifySettings:
        if self.fault_point is not None and self.env == "production":
            raise ValueError("NOTIFY_FAULT_POINT is for crash tests; it is refused in production")
        return self

    @field_validator("smtp_username", "smtp_password", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # Compose and Kubernetes pass unset optional variables as empty strings.
        return None if value == "" else value

    @model_validator(mode="after")
    def _reachable_in_production(self) -> NotifySettings:
        """A production start refuses what works only on a developer's machine."""
        if self.env != "production":
            return self
        require_remote_host(
            "NOTIFY_SMTP_HOST", self.smtp_host, what="the SMTP server customer e-mails go through"
        )
        require_remote_url(
            "NOTIFY_PUBLIC_URL",
            self.public_url,
            what="the URL customers reach notify at (unsubscribe links point there)",
        )
        if (self.smtp_username is None) != (self.smtp_password is None):
            raise ValueError(
                "NOTIFY_SMTP_USERNAME and NOTIFY_SMTP_PASSWORD go together; set both or neither"
            )
        if self.smtp_password is not None and is_placeholder_value(self.smtp_password):
            raise ValueError("NOTIFY_SMTP_PASSWORD is a placeholder; set the SMTP password")
        return self
