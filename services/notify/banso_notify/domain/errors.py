"""Domain errors. They carry no HTTP status: the API maps them (see ``banso_notify.api``)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from banso_kit.problem_codes import Params


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem in a playbook, named by its dotted path (``steps.1.send.channel``).

    A template problem also says which variable, template and locale, and the send steps that
    use the template (indexes into ``steps``). ``code`` and ``params`` say what is wrong in a
    stable form (``extra_forbidden``, ``unknown_variable`` with ``{"variable": ...}``), for a
    client to word it in its reader's language; ``message`` is the English text."""

    field: str
    message: str
    variable: str | None = None
    template: str | None = None
    locale: str | None = None
    steps: tuple[int, ...] = ()
    code: str | None = None
    params: Params = dataclass_field(default_factory=dict)


class NotifyDomainError(Exception):
    """Base of every error the pure notify logic raises."""


class PlaybookInvalid(NotifyDomainError):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        summary = "; ".join(f"{error.field}: {error.message}" for error in errors)
        super().__init__(f"invalid playbook: {summary}")


class TemplateMissing(NotifyDomainError):
    """A send step names a template (or locale) the playbook does not define."""


class InvalidToken(NotifyDomainError):
    """An unsubscribe token that is malformed, forged or for another purpose."""


class StepNotFound(NotifyDomainError):
    """A preview or test send names a step the playbook does not have, or a wait step.

    ``code`` says which (``step_out_of_range``, ``wait_step``, ``no_step_with_template``) and
    ``params`` the values to word it with (``step``, ``steps``, ``template``, ``send_steps``)."""

    def __init__(self, message: str, *, code: str, params: Params) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class TemplateFailed(NotifyDomainError):
    """A template raised while rendering (a sandbox refusal, a division by zero, ...): which
    template and locale, the exception's type and its (English) message."""

    def __init__(
        self, message: str, *, template: str, locale: str, error: str, reason: str
    ) -> None:
        super().__init__(message)
        self.template = template
        self.locale = locale
        self.error = error
        self.reason = reason
