"""Requests and answers of the playbook preview and test-send endpoints."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from banso_notify.domain.facts import Audience, Channel

LocaleTag = Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35)]
StepRef = Annotated[int, Field(ge=0, le=99)] | Annotated[str, Field(min_length=1, max_length=128)]
_EMAIL = r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$"
TargetChannel = Literal["email", "slack", "webhook"]
TARGET_CHANNELS: dict[Channel, TargetChannel] = {
    Channel.EMAIL: "email",
    Channel.SLACK: "slack",
    Channel.WEBHOOK: "webhook",
}


class TryoutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: a send step: its index in ``steps``, or its template's name; the first send step if omitted
    step: StepRef | None = None
    #: render for this person from notify's directory (else a sample person)
    user_id: str | None = Field(default=None, min_length=1, max_length=256)
    #: ... at this account (default: the person's account; else a sample account)
    account_id: str | None = Field(default=None, min_length=1, max_length=256)
    #: a stored version (default: the current one)
    version: int | None = Field(default=None, ge=1)


class PreviewIn(TryoutIn):
    locales: list[LocaleTag] = Field(
        default_factory=lambda: ["ja", "en"], min_length=1, max_length=10
    )


class SendTestTarget(BaseModel):
    """Exactly one place to send the test message to."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(default=None, pattern=_EMAIL, max_length=320)
    slack_webhook_url: HttpUrl | None = None
    webhook_url: HttpUrl | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [v for v in (self.email, self.slack_webhook_url, self.webhook_url) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of email, slack_webhook_url or webhook_url")
        return self

    def channel_and_address(self) -> tuple[Channel, str]:
        if self.email is not None:
            return Channel.EMAIL, self.email
        if self.slack_webhook_url is not None:
            return Channel.SLACK, str(self.slack_webhook_url)
        return Channel.WEBHOOK, str(self.webhook_url)


class SendTestIn(TryoutIn):
    to: SendTestTarget
    #: the message's language (default: the person's, else the playbook's default locale)
    locale: LocaleTag | None = None


class PersonPublic(BaseModel):
    sample: bool
    kind: Audience
    id: str
    account_id: str
    name: str | None
    email: str | None


class RenderedPublic(BaseModel):
    locale: str
    #: the template's locale it was rendered from (the default locale's text when it has none)
    template_locale: str
    subject: str
    text: str
    html: str | None


class PreviewOut(BaseModel):
    playbook_id: str
    version: int
    step: int
    channel: str
    template: str
    person: PersonPublic
    renders: list[RenderedPublic]


class SendTestOut(BaseModel):
    test: Literal[True] = True
    playbook_id: str
    version: int
    step: int
    channel: TargetChannel
    address: str
    locale: str
    subject: str
    message_id: str
