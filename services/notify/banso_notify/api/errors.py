"""Domain errors as HTTP answers (the domain itself knows nothing of HTTP)."""

from __future__ import annotations

from typing import Any

from banso_kit.errors import BansoError, Unprocessable
from banso_notify.domain.errors import FieldError, PlaybookInvalid


def invalid_playbook(exc: PlaybookInvalid) -> Unprocessable:
    return Unprocessable(
        "the playbook is invalid", detail={"errors": [_entry(e) for e in exc.errors]}
    )


def _entry(error: FieldError) -> dict[str, Any]:
    entry: dict[str, Any] = {"field": error.field, "message": error.message}
    if error.variable is not None:
        entry |= {
            "variable": error.variable,
            "template": error.template,
            "locale": error.locale,
            "steps": list(error.steps),
        }
    return entry


class DeliveryFailed(BansoError):
    """The channel refused or could not take a test message (the SMTP server, the webhook)."""

    status_code = 502
    error = "delivery_failed"
