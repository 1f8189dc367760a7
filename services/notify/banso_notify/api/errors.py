"""Domain errors as HTTP answers (the domain itself knows nothing of HTTP)."""

from __future__ import annotations

from typing import Any

from banso_kit.errors import BansoError, Unprocessable
from banso_kit.yaml_locations import compose, dotted, line_of, syntax_error_line
from banso_notify.domain.errors import FieldError, PlaybookInvalid


def invalid_playbook(exc: PlaybookInvalid, text: str | None = None) -> Unprocessable:
    """Each problem with its field and, given the text it was read from, its 1-based line."""
    root = None if text is None else compose(text)

    def line(error: FieldError) -> int | None:
        if text is None:
            return None
        if error.field == "(yaml)":
            return syntax_error_line(text)
        if error.field == "(root)" or root is None:
            return None
        return line_of(root, dotted(error.field))

    return Unprocessable(
        "the playbook is invalid",
        detail={"errors": [_entry(e, line(e)) for e in exc.errors]},
    )


def _entry(error: FieldError, line: int | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"field": error.field, "message": error.message, "line": line}
    if error.code is not None:
        entry |= {"code": error.code, "params": error.params}
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
