"""Settings of the console (environment prefix `CONSOLE_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from banso_kit.production import require_remote_url
from banso_kit.settings import ServiceSettings

PACKAGE = Path(__file__).resolve().parent


class ConsoleSettings(ServiceSettings):
    """The console calls the four services with short-lived workspace tokens it signs with the
    shared `BANSO_SECRET` (the services verify them with the same secret), read scope only."""

    model_config = SettingsConfigDict(env_prefix="CONSOLE_", extra="ignore", populate_by_name=True)

    service_name: str = "console"
    port: int = 8000
    # Base URLs of the services' public APIs.
    ingest_url: str = "http://127.0.0.1:8001"
    scoring_url: str = "http://127.0.0.1:8002"
    bridge_url: str = "http://127.0.0.1:8003"
    notify_url: str = "http://127.0.0.1:8004"
    # Seconds a call to a service may take before the page says the service is unavailable.
    api_timeout_s: float = Field(default=10.0, gt=0)
    # Seconds a workspace token the console signs for its API calls stays valid.
    api_token_ttl_s: int = Field(default=300, ge=30)
    # Seconds a signed-in session lasts without use; a sign-in form's session lasts an hour.
    session_idle_s: int = Field(default=8 * 3600, ge=60)
    # Wrong passwords for one account from one client address before its sign-ins are refused
    # (429) for the rest of the window (seconds).
    sign_in_max_failures: int = Field(default=5, ge=1)
    sign_in_window_s: float = Field(default=900.0, gt=0)
    # Send the session cookie over HTTPS only (keep on behind TLS; off only for plain-HTTP dev).
    cookie_secure: bool = True
    # ISO 4217 code ARR is shown in.
    currency: str = Field(default="USD", min_length=3, max_length=3)
    # Where npm installed the front-end assets (`make setup`).
    assets_dir: Path = PACKAGE.parent / "node_modules"

    @model_validator(mode="after")
    def _reachable_in_production(self) -> ConsoleSettings:
        """A production start refuses what works only on a developer's machine: the services
        at localhost (the console runs in its own container or pod) and a session cookie sent
        over plain HTTP. Placeholder secrets are refused by ServiceSettings."""
        if self.env != "production":
            return self
        for name in ("ingest", "scoring", "bridge", "notify"):
            require_remote_url(
                f"CONSOLE_{name.upper()}_URL",
                getattr(self, f"{name}_url"),
                what=f"the address {name}'s API answers the console at (e.g. http://{name}:port)",
            )
        if not self.cookie_secure:
            raise ValueError(
                "CONSOLE_COOKIE_SECURE=false sends the session cookie over plain HTTP; in "
                "production serve the console behind TLS and leave it on"
            )
        return self
