"""Trying a playbook out before it goes out.

A preview renders one send step for a person (from notify's directory, or a sample one) in each
locale asked for; a test send delivers that message to an address the caller gives, marked as a
test in its subject and a header. Neither writes a nudge: nothing counts against caps, budgets or
the holdout, nothing reaches the nudges topic or the uplift report. The trigger's facts (a health
change, a resolved ticket, ...) are samples, and the unsubscribe link is inert, so a test message
cannot unsubscribe the real person it was rendered for.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jinja2 import TemplateError

from banso_notify.adapters.channels.base import OutgoingMessage
from banso_notify.domain.context import message_context
from banso_notify.domain.errors import StepNotFound, TemplateFailed
from banso_notify.domain.facts import AccountFacts, Audience, Channel, Recipient
from banso_notify.domain.idempotency import message_id
from banso_notify.domain.playbook import Playbook, SendStep
from banso_notify.domain.policy import WorkspacePolicy
from banso_notify.domain.samples import sample_signal
from banso_notify.domain.templates import RenderedMessage
from banso_notify.service.rendering import MessageBuilder, template_locale

#: what a test message's subject starts with, by language
TEST_MARK = {"en": "[TEST]", "ja": "[テスト]"}


@dataclass(frozen=True, slots=True)
class Person:
    """Who a message is rendered for, and their account; `sample` when not a real person."""

    recipient: Recipient
    account: AccountFacts
    sample: bool


@dataclass(frozen=True, slots=True)
class Rendering:
    locale: str  # as asked for
    template_locale: str  # the template's locale it was rendered from (a fallback when missing)
    message: RenderedMessage


def choose_send_step(playbook: Playbook, step: int | str | None) -> tuple[int, SendStep]:
    """A send step by index into ``steps``, by its template's name, or the first one."""
    sends = [(i, s) for i, s in enumerate(playbook.steps) if isinstance(s, SendStep)]
    listed = ", ".join(
        f"steps.{i} ({s.send.channel.value}, template {s.send.template})" for i, s in sends
    )
    send_steps = ", ".join(f"steps.{i}" for i, _ in sends)
    if step is None:
        return sends[0]
    if isinstance(step, int):
        if not 0 <= step < len(playbook.steps):
            raise StepNotFound(
                f"steps.{step} does not exist: playbook {playbook.id!r} has "
                f"{len(playbook.steps)} steps; its send steps are {listed}",
                code="step_out_of_range",
                params={"step": step, "steps": len(playbook.steps), "send_steps": send_steps},
            )
        chosen = playbook.steps[step]
        if not isinstance(chosen, SendStep):
            raise StepNotFound(
                f"steps.{step} is a wait step; the send steps are {listed}",
                code="wait_step",
                params={"step": step, "send_steps": send_steps},
            )
        return step, chosen
    for index, send in sends:
        if send.send.template == step:
            return index, send
    raise StepNotFound(
        f"no send step uses template {step!r}; the send steps are {listed}",
        code="no_step_with_template",
        params={"template": step, "send_steps": send_steps},
    )


def preview(
    builder: MessageBuilder,
    playbook: Playbook,
    policy: WorkspacePolicy,
    *,
    step: SendStep,
    person_for: Callable[[str], Person],
    locales: Sequence[str],
    now: datetime,
) -> list[Rendering]:
    """The step's message for the person in each of `locales`."""
    renderings = []
    for locale in dict.fromkeys(locales):
        person = person_for(locale)
        renderings.append(
            Rendering(
                locale=locale,
                template_locale=template_locale(playbook, step.send.template, locale),
                message=_render(
                    builder, playbook, policy, step, step.send.channel, person, locale, now
                ),
            )
        )
    return renderings


def test_message(
    builder: MessageBuilder,
    playbook: Playbook,
    policy: WorkspacePolicy,
    *,
    step: SendStep,
    person: Person,
    locale: str,
    channel: Channel,
    address: str,
    now: datetime,
    message_id_domain: str,
) -> OutgoingMessage:
    """The step's message as `channel` delivers it to `address`, marked as a test."""
    rendered = _render(builder, playbook, policy, step, channel, person, locale, now)
    mark = TEST_MARK.get(locale.split("-")[0].casefold(), TEST_MARK["en"])
    subject = f"{mark} {rendered.subject or playbook.name_in(locale)}"
    key = f"test|{playbook.id}|{uuid.uuid4().hex}"
    payload: dict[str, Any] = {
        "type": "banso.nudge.test",
        "test": True,
        "playbook": {"id": playbook.id, "name": playbook.name_in(locale)},
        "account_id": person.account.account_id,
        "recipient": {"kind": person.recipient.audience.value, "id": person.recipient.recipient_id},
        "locale": locale,
        "message": {"subject": subject, "text": rendered.text, "html": rendered.html},
    }
    return OutgoingMessage(
        idempotency_key=key,
        message_id=message_id(key, domain=message_id_domain),
        address=address,
        subject=subject,
        text=rendered.text,
        html=rendered.html,
        unsubscribe_url=_inert_unsubscribe(builder, channel, person),
        payload=payload,
        signing_secret=policy.webhook_secret if channel is Channel.WEBHOOK else None,
        decided_at=now,
        test=True,
    )


def _render(
    builder: MessageBuilder,
    playbook: Playbook,
    policy: WorkspacePolicy,
    step: SendStep,
    channel: Channel,
    person: Person,
    locale: str,
    now: datetime,
) -> RenderedMessage:
    customer = person.recipient.audience is Audience.CUSTOMER
    signal = sample_signal(
        playbook.trigger,
        account=person.account,
        user_id=person.recipient.recipient_id if customer else None,
        locale=locale,
        now=now,
    )
    try:
        return builder.render(
            playbook,
            policy,
            template=step.send.template,
            locale=locale,
            context=message_context(signal, person.recipient, person.account),
            unsubscribe_url=_inert_unsubscribe(builder, channel, person),
        )
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as exc:
        # What an author wrote failed for this person: say so instead of failing the request.
        raise TemplateFailed(
            f"template {step.send.template!r} ({locale}) does not render for this person: "
            f"{type(exc).__name__}: {exc}",
            template=step.send.template,
            locale=locale,
            error=type(exc).__name__,
            reason=str(exc),
        ) from None


def _inert_unsubscribe(builder: MessageBuilder, channel: Channel, person: Person) -> str | None:
    """Where the unsubscribe link goes in a customer e-mail, carrying no valid token."""
    if channel is not Channel.EMAIL or person.recipient.audience is not Audience.CUSTOMER:
        return None
    return builder.inert_unsubscribe_url()
