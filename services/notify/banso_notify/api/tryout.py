"""Try a playbook before it goes out: preview a send step, or send it once to a test address.

Save the playbook with ``enabled: false`` (PUT), preview it and test-send it, then enable it.
A test send is never a nudge: it is not stored, counted against caps or budgets, held out or
reported, and it is marked as a test (subject prefix, ``X-Banso-Test`` / ``banso-test`` header).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import APIRouter
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_kit.api import ReaderDep, ReadSessionDep, WriterDep
from banso_kit.errors import NotFound
from banso_kit.openapi import ErrorBody, errors
from banso_notify.adapters import directory, playbook_store
from banso_notify.adapters.channels.base import DeliveryError
from banso_notify.api.deps import NotifyDep
from banso_notify.api.errors import DeliveryFailed, step_not_found, template_failed
from banso_notify.api.tryout_schemas import (
    TARGET_CHANNELS,
    PersonPublic,
    PreviewIn,
    PreviewOut,
    RenderedPublic,
    SendTestIn,
    SendTestOut,
    TryoutIn,
)
from banso_notify.domain.errors import StepNotFound, TemplateFailed
from banso_notify.domain.facts import Recipient
from banso_notify.domain.playbook import Playbook, RecipientKind, SendStep
from banso_notify.domain.samples import sample_account, sample_csm, sample_recipient
from banso_notify.service.tryout import Person, choose_send_step, preview, test_message

router = APIRouter(prefix="/v1/playbooks", tags=["playbooks"])
logger = logging.getLogger(__name__)


_ERRORS = errors(400, 404, 422)
_ERRORS[400]["description"] = (
    "no such send step (a wait step, an index or template not in the playbook): "
    "`detail.errors` names it with a `code` and `params`"
)
_ERRORS[404]["description"] = "no such playbook, version, user or account in this workspace"
_ERRORS[422]["description"] = (
    "a body that is not valid, or a template that does not render for this person "
    "(`detail.errors`: code `template_failed`, with its template, locale and error)"
)


@router.post("/{playbook_id}/preview", responses=_ERRORS)
async def preview_playbook(
    playbook_id: str,
    body: PreviewIn,
    principal: ReaderDep,
    session: ReadSessionDep,
    notify: NotifyDep,
) -> PreviewOut:
    """Render a send step for a person (or a sample one) in each locale asked for (ja and en)."""
    workspace_id = principal.workspace_id
    playbook, version, (index, step) = await _step(session, workspace_id, playbook_id, body)
    person_for = await _people(session, workspace_id, playbook, body)
    policy = await directory.get_policy(session, workspace_id=workspace_id)
    try:
        renders = preview(
            notify.builder,
            playbook,
            policy,
            step=step,
            person_for=person_for,
            locales=body.locales,
            now=notify.clock.now(),
        )
    except TemplateFailed as exc:
        raise template_failed(exc) from None
    return PreviewOut(
        playbook_id=playbook.id,
        version=version,
        step=index,
        channel=step.send.channel.value,
        template=step.send.template,
        person=_public(person_for(body.locales[0])),
        renders=[
            RenderedPublic(
                locale=r.locale,
                template_locale=r.template_locale,
                subject=r.message.subject,
                text=r.message.text,
                html=r.message.html,
            )
            for r in renders
        ],
    )


@router.post(
    "/{playbook_id}/test-send",
    responses={
        **_ERRORS,
        502: {"model": ErrorBody, "description": "the channel did not take the test message"},
    },
)
async def test_send_playbook(
    playbook_id: str,
    body: SendTestIn,
    principal: WriterDep,
    session: ReadSessionDep,
    notify: NotifyDep,
) -> SendTestOut:
    """Send a step's message once to an e-mail address or Slack/webhook URL, marked as a test."""
    workspace_id = principal.workspace_id
    playbook, version, (index, step) = await _step(session, workspace_id, playbook_id, body)
    person_for = await _people(session, workspace_id, playbook, body)
    locale = body.locale or _person_locale(person_for, playbook)
    channel, address = body.to.channel_and_address()
    policy = await directory.get_policy(session, workspace_id=workspace_id)
    try:
        message = test_message(
            notify.builder,
            playbook,
            policy,
            step=step,
            person=person_for(locale),
            locale=locale,
            channel=channel,
            address=address,
            now=notify.clock.now(),
            message_id_domain=notify.settings.message_id_domain,
        )
    except TemplateFailed as exc:
        raise template_failed(exc) from None
    try:
        await notify.senders[channel].send(message)
    except DeliveryError as exc:
        raise DeliveryFailed(f"the {channel.value} test message was not delivered: {exc}") from None
    logger.info(
        "playbook_test_sent",
        extra={"workspace_id": workspace_id, "playbook_id": playbook.id, "channel": channel.value},
    )
    return SendTestOut(
        playbook_id=playbook.id,
        version=version,
        step=index,
        channel=TARGET_CHANNELS[channel],
        address=address,
        locale=locale,
        subject=message.subject,
        message_id=message.message_id,
    )


async def _step(
    session: AsyncSession, workspace_id: str, playbook_id: str, body: TryoutIn
) -> tuple[Playbook, int, tuple[int, SendStep]]:
    stored = await playbook_store.get_playbook(
        session, workspace_id=workspace_id, playbook_id=playbook_id, version=body.version
    )
    if stored is None:
        which = f" version {body.version}" if body.version else ""
        raise NotFound(f"no playbook {playbook_id!r}{which} in this workspace")
    try:
        return stored.playbook, stored.version, choose_send_step(stored.playbook, body.step)
    except StepNotFound as exc:
        raise step_not_found(exc) from None


async def _people(
    session: AsyncSession, workspace_id: str, playbook: Playbook, body: TryoutIn
) -> Callable[[str], Person]:
    """Who the message is for, by locale (a sample person's name is in the message's language)."""
    user = None
    if body.user_id is not None:
        rows = await directory.load_users(
            session, workspace_id=workspace_id, user_ids=[body.user_id]
        )
        if body.user_id not in rows:
            raise NotFound(
                f"no user {body.user_id!r} in notify's directory (known from identify calls)"
            )
        user = directory.user_facts(rows[body.user_id])
    account_id = body.account_id or (user.account_id if user else None)
    account = None
    if account_id is not None:
        found = await directory.load_accounts(
            session, workspace_id=workspace_id, account_ids=[account_id]
        )
        if account_id not in found and body.account_id is not None:
            raise NotFound(
                f"no account {account_id!r} in notify's directory (known from group calls)"
            )
        account = directory.account_facts(found.get(account_id), account_id)

    def person_for(locale: str) -> Person:
        the_account = account or sample_account(locale)
        recipient: Recipient
        if playbook.recipient.kind is RecipientKind.CSM and user is None:
            csm = the_account.csm
            recipient = (
                Recipient.for_csm(csm, the_account.account_id)
                if csm is not None and account is not None
                else sample_csm(locale, the_account.account_id)
            )
            return Person(recipient, the_account, sample=csm is None or account is None)
        if user is not None:
            return Person(
                Recipient.for_user(user, the_account.account_id), the_account, sample=False
            )
        return Person(
            sample_recipient(locale, account_id=the_account.account_id), the_account, sample=True
        )

    return person_for


def _person_locale(person_for: Callable[[str], Person], playbook: Playbook) -> str:
    person = person_for(playbook.default_locale)
    return (
        person.recipient.locale
        if not person.sample and person.recipient.locale
        else playbook.default_locale
    )


def _public(person: Person) -> PersonPublic:
    recipient = person.recipient
    return PersonPublic(
        sample=person.sample,
        kind=recipient.audience,
        id=recipient.recipient_id,
        account_id=recipient.account_id,
        name=recipient.name,
        email=recipient.email,
    )
