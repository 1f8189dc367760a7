"""The admin API of ingest over HTTP: what every `banso` command except `topics` talks to."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

DEFAULT_PORT = 8001


class CommandFailed(Exception):
    """The API refused, or could not be reached; the message says why, for a person."""


def default_url(env: Mapping[str, str]) -> str:
    """`BANSO_INGEST_URL`, else ingest's own `INGEST_HOST`/`INGEST_PORT` on this machine."""
    explicit = env.get("BANSO_INGEST_URL")
    if explicit:
        return explicit.rstrip("/")
    host = env.get("INGEST_HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{env.get('INGEST_PORT') or DEFAULT_PORT}"


def default_admin_token(env: Mapping[str, str]) -> str:
    """`BANSO_ADMIN_TOKEN`, else the development default the services use without it."""
    token = env.get("BANSO_ADMIN_TOKEN")
    if token:
        return token
    from banso_kit.settings import ServiceSettings  # imported only when needed: it is slow

    default: str = ServiceSettings.model_fields["admin_token"].default
    return default


@dataclass
class AdminClient:
    base_url: str
    admin_token: str
    actor: str | None = None
    timeout_s: float = 30.0

    @classmethod
    def from_env(
        cls, *, url: str | None, admin_token: str | None, env: Mapping[str, str] | None = None
    ) -> AdminClient:
        environ = os.environ if env is None else env
        actor = environ.get("BANSO_ACTOR") or environ.get("USER") or None
        return cls(
            base_url=(url or default_url(environ)).rstrip("/"),
            admin_token=admin_token or default_admin_token(environ),
            actor=actor,
        )

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        headers = {"Authorization": f"Bearer {self.admin_token}"}
        if self.actor:
            headers["X-Banso-Actor"] = self.actor[:100]
        query = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            answer = httpx.request(
                method,
                f"{self.base_url}{path}",
                json=body,
                params=query,
                headers=headers,
                timeout=self.timeout_s,
            )
        except httpx.HTTPError as error:
            raise CommandFailed(
                f"cannot reach ingest at {self.base_url} ({error}); is it running? "
                "Set --url or BANSO_INGEST_URL"
            ) from error
        if answer.is_success:
            return answer.json()
        raise CommandFailed(_refusal(answer))


def _refusal(answer: httpx.Response) -> str:
    """`<status>: <message>` from the kit's error body, naming the fields at fault."""
    try:
        body = answer.json()
    except ValueError:
        return f"HTTP {answer.status_code}: {answer.text[:300]}"
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, list):
        message = "; ".join(
            f"{p.get('field') or 'request'}: {p.get('message')}"
            for p in detail
            if isinstance(p, dict)
        )
    elif isinstance(detail, dict):
        message = str(detail.get("message", detail))
    else:
        message = str(detail or body)
    return f"HTTP {answer.status_code}: {message}"
