"""Domain errors as HTTP answers (the domain itself knows nothing of HTTP)."""

from __future__ import annotations

from typing import Any

from banso_kit.errors import BansoError, InvalidInput, Unprocessable
from banso_kit.yaml_locations import compose, dotted, line_of, syntax_error_line
from banso_notify.domain.errors import FieldError, PlaybookInvalid, StepNotFound, TemplateFailed


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


def step_not_found(exc: StepNotFound) -> InvalidInput:
    """A preview or test send of a step the playbook does not have (or a wait step), with the
    problem's code and parameters, as a validation problem of the request's ``step``."""
    problem = {
        "field": "step",
        "message": str(exc),
        "line": None,
        "code": exc.code,
        "params": exc.params,
    }
    return InvalidInput(str(exc), detail={"errors": [problem]})


def template_failed(exc: TemplateFailed) -> Unprocessable:
    """A playbook whose template does not render for the person asked for: the template and
    locale as its field, ``template_failed`` with them and the exception's type and message."""
    problem = {
        "field": f"templates.{exc.template}.{exc.locale}",
        "message": str(exc),
        "line": None,
        "code": "template_failed",
        "params": {
            "template": exc.template,
            "locale": exc.locale,
            "error": exc.error,
            "reason": exc.reason,
        },
    }
    return Unprocessable(str(exc), detail={"errors": [problem]})


class DeliveryFailed(BansoError):
    """The channel refused or could not take a test message (the SMTP server, the webhook)."""

    status_code = 502
    error = "delivery_failed"
