"""Playbooks: trigger → audience → steps → goal, with a holdout, caps and delivery hours.

Authors write them as YAML; :func:`parse_playbook` validates one and names every bad field.
Versions are assigned by the store: each accepted PUT of a changed definition is a new version.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Any, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from banso_kit.problem_codes import Params, code_of
from banso_notify.domain.audience import Condition
from banso_notify.domain.caps import CapRule
from banso_notify.domain.durations import Duration
from banso_notify.domain.errors import FieldError, PlaybookInvalid
from banso_notify.domain.facts import Channel
from banso_notify.domain.localized_text import (
    TEXT_TAGS,
    LocalizedDescription,
    LocalizedName,
    text_in,
)
from banso_notify.domain.template_variables import suggestion, unknown_variables, variables_for
from banso_notify.domain.templates import LocalizedTemplate, template_syntax_errors
from banso_notify.domain.triggers import Scope, Trigger
from banso_notify.domain.windows import DeliveryHours

PLAYBOOK_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
DEFAULT_MAX_TRIGGER_AGE = timedelta(hours=24)
MAX_TRIGGER_AGE_LIMIT = timedelta(days=365)


class RecipientKind(StrEnum):
    USER = "user"  # the user in the triggering event
    ACCOUNT_USERS = "account_users"  # every known user of the account (optionally by role)
    CSM = "csm"  # the account's customer-success manager
    REPORTERS = "reporters"  # the people who reported a resolved ticket


class RecipientSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: RecipientKind = RecipientKind.USER
    roles: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _roles_only_for_account_users(self) -> Self:
        if self.roles and self.kind is not RecipientKind.ACCOUNT_USERS:
            raise ValueError("roles narrow kind account_users only")
        return self


class SendAction(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: Channel
    template: str = Field(min_length=1)


class SendStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    send: SendAction


class WaitStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    wait: Duration


def _step_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "send" if "send" in value else "wait"
    return "send" if isinstance(value, SendStep) else "wait"


Step = Annotated[
    Annotated[SendStep, Tag("send")] | Annotated[WaitStep, Tag("wait")],
    Discriminator(_step_kind),
]


class Goal(BaseModel):
    """The conversion the playbook is for: ``event`` within ``within`` of the nudge."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event: str = Field(min_length=1)
    within: Duration
    scope: Scope = Scope.USER


class Playbook(BaseModel):
    """One playbook definition (the version number lives beside it in the store)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=PLAYBOOK_ID_PATTERN)
    #: one string (its author's words) or ``{en: ..., ja: ...}``; see :meth:`name_in`
    name: LocalizedName
    description: LocalizedDescription = ""
    enabled: bool = True
    trigger: Trigger
    audience: list[Condition] = Field(default_factory=list)
    recipient: RecipientSpec = Field(default_factory=RecipientSpec)
    steps: list[Step] = Field(min_length=1, max_length=20)
    goal: Goal | None = None
    holdout_percent: float = Field(default=0.0, ge=0.0, le=90.0)
    caps: dict[str, CapRule | None] = Field(default_factory=dict)
    delivery_hours: DeliveryHours | None = None
    #: high-touch accounts get a CSM alert instead of this playbook's customer e-mails
    route_high_touch_to_csm: bool = True
    default_locale: str = "en"
    templates: dict[str, dict[str, LocalizedTemplate]] = Field(default_factory=dict)
    #: a trigger older than this (against the service's clock) is suppressed as stale, never sent
    max_trigger_age: Duration = DEFAULT_MAX_TRIGGER_AGE

    @field_validator("max_trigger_age")
    @classmethod
    def _positive_age(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0) or value > MAX_TRIGGER_AGE_LIMIT:
            raise ValueError("max_trigger_age is a duration from 1s to 365d, e.g. '24h' or '3d'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not any(isinstance(step, SendStep) for step in self.steps):
            raise ValueError("steps need at least one send step")
        for step in self.send_steps():
            locales = self.templates.get(step.send.template)
            if locales is None:
                raise ValueError(
                    f"send step uses template {step.send.template!r}, which is not in templates"
                )
            if self.default_locale not in locales:
                raise ValueError(
                    f"template {step.send.template!r} has no text in default_locale "
                    f"{self.default_locale!r}"
                )
            if step.send.channel is Channel.EMAIL:
                for locale, content in locales.items():
                    if not content.subject:
                        raise ValueError(
                            f"template {step.send.template!r} ({locale}) is sent by e-mail "
                            "and needs a subject"
                        )
        return self

    def send_steps(self) -> list[SendStep]:
        return [step for step in self.steps if isinstance(step, SendStep)]

    def name_in(self, locale: str | None) -> str:
        """The name a reader of ``locale`` reads: that locale's, else English, else the first."""
        return text_in(self.name, locale)

    def description_in(self, locale: str | None) -> str:
        """The description a reader of ``locale`` reads (empty when it has none)."""
        return text_in(self.description, locale)


def parse_playbook(source: str | dict[str, Any]) -> Playbook:
    """Validate YAML text (or already parsed data); raise :class:`PlaybookInvalid` naming fields."""
    data: Any = source
    if isinstance(source, str):
        try:
            data = yaml.safe_load(source)
        except yaml.YAMLError as exc:
            raise PlaybookInvalid(
                [FieldError("(yaml)", _yaml_message(exc), code="yaml_syntax", params=_mark(exc))]
            ) from None
    if not isinstance(data, dict):
        raise PlaybookInvalid(
            [FieldError("(root)", "a playbook is a mapping of fields", code="not_mapping")]
        )
    try:
        playbook = Playbook.model_validate(data)
    except ValidationError as exc:
        raise PlaybookInvalid(_field_errors(exc)) from None
    syntax = [
        FieldError(f"templates.{name}.{locale}.{part}", message)
        for name, locales in playbook.templates.items()
        for locale, content in locales.items()
        for part, message in template_syntax_errors(content)
    ]
    if syntax:
        raise PlaybookInvalid(syntax)
    unknown = template_variable_errors(playbook)
    if unknown:
        raise PlaybookInvalid(unknown)
    return playbook


def template_variable_errors(playbook: Playbook) -> list[FieldError]:
    """Every template variable the playbook's trigger does not provide (it would render blank)."""
    variables = variables_for(playbook.trigger.type)
    errors = []
    for name, locales in playbook.templates.items():
        steps = tuple(
            index
            for index, step in enumerate(playbook.steps)
            if isinstance(step, SendStep) and step.send.template == name
        )
        used_by = f"used by steps.{', steps.'.join(map(str, steps))}" if steps else "unused"
        for locale, content in locales.items():
            for part in ("subject", "text", "html"):
                source = getattr(content, part)
                for variable in unknown_variables(source, variables) if source else ():
                    close = suggestion(variable, variables)
                    params: Params = {
                        "variable": variable,
                        "template": name,
                        "locale": locale,
                        "trigger": playbook.trigger.type,
                        "available": ", ".join(variables),
                    }
                    if close:
                        params["suggestion"] = close
                    message = [
                        f"unknown variable {variable!r} in template {name!r} ({used_by}), "
                        f"locale {locale!r}",
                        *([f"did you mean {close!r}?"] if close else []),
                        f"a {playbook.trigger.type} playbook's templates can use "
                        + ", ".join(variables),
                    ]
                    errors.append(
                        FieldError(
                            f"templates.{name}.{locale}.{part}",
                            "; ".join(message),
                            variable=variable,
                            template=name,
                            locale=locale,
                            steps=steps,
                            code="unknown_variable",
                            params=params,
                        )
                    )
    return errors


def playbook_to_yaml(playbook: Playbook) -> str:
    data = playbook.model_dump(mode="json", exclude_defaults=False)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _field_errors(exc: ValidationError) -> list[FieldError]:
    errors = []
    for error in exc.errors():
        # drop pydantic's union-member tags ("usage_event", "SendStep") so paths read as YAML
        loc = error["loc"]
        parts = [
            str(part)
            for index, part in enumerate(loc)
            if not _is_union_tag(part, loc[index - 1] if index else None, index)
        ]
        message = error["msg"].removeprefix("Value error, ")
        code, params = code_of(error)
        errors.append(FieldError(".".join(parts) or "(root)", message, code=code, params=params))
    return errors


def _is_union_tag(part: int | str, before: int | str | None, index: int) -> bool:
    if not isinstance(part, str):
        return False
    if before == "trigger" and part in _TRIGGER_TAGS:
        return True
    if index == 1 and before in ("name", "description") and part in TEXT_TAGS:
        return True
    return isinstance(before, int) and part in ("send", "wait") or "[" in part


_TRIGGER_TAGS = frozenset(
    {
        "usage_event",
        "health_changed",
        "inactivity",
        "milestone_overdue",
        "goal_at_risk",
        "ticket_resolved",
        "metric_crossed",
    }
)


def _mark(exc: yaml.YAMLError) -> Params:
    mark = getattr(exc, "problem_mark", None)
    return {} if mark is None else {"line": mark.line + 1, "column": mark.column + 1}


def _yaml_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is not None:
        return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"
    return str(problem)
