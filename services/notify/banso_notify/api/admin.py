"""Workspace settings for notify: delivery policy, the suppression list, dead-lettered nudges."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from banso_kit.api import AdminDep, ReaderDep, ReadSessionDep, SessionDep, WriterDep
from banso_kit.errors import InvalidInput, NotFound
from banso_kit.openapi import MAX_OFFSET, errors
from banso_kit.standard_webhooks import parse_secrets
from banso_notify.adapters import directory, nudge_store
from banso_notify.api.deps import NotifyDep
from banso_notify.domain.policy import WorkspacePolicy
from banso_notify.service.dispatcher import retry_dead

MASKED = "********"
"""What a read token sees in place of a secret."""

router = APIRouter(prefix="/v1", tags=["settings"])


@router.get("/policy")
async def get_policy(principal: ReaderDep, session: ReadSessionDep) -> WorkspacePolicy:
    """The workspace's delivery policy (defaults until it is set). Its secrets (the webhook
    signing secret, the Slack webhook URL) are shown to admin tokens only; other readers see
    `MASKED` where one is set."""
    policy = await directory.get_policy(session, workspace_id=principal.workspace_id)
    if "admin" in principal.scopes:
        return policy
    return policy.model_copy(
        update={
            name: MASKED
            for name in ("webhook_secret", "slack_webhook_url")
            if getattr(policy, name) is not None
        }
    )


@router.put("/policy", responses=errors(400))
async def put_policy(
    policy: WorkspacePolicy, principal: AdminDep, session: SessionDep, notify: NotifyDep
) -> WorkspacePolicy:
    """Set caps, send window and quiet hours, high-touch rule, CSM budget and channels."""
    if policy.webhook_secret is not None:
        try:
            parse_secrets(policy.webhook_secret)
        except ValueError as exc:
            raise InvalidInput(f"webhook_secret: {exc}") from None
    await directory.put_policy(
        session, workspace_id=principal.workspace_id, policy=policy, now=notify.clock.now()
    )
    notify.catalog.invalidate(principal.workspace_id)
    return policy


class Suppression(BaseModel):
    subject: str = Field(description="`user:<id>` or `email:<address>`.")
    unsubscribed: bool = Field(description="True when the person unsubscribed themselves.")
    reason: str | None


class Recipient(BaseModel):
    kind: str = Field(description="`user` or `csm`.")
    id: str
    name: str | None = Field(
        default=None,
        description="A person's name as their identify told it (name, else first and last "
        "name, else e-mail); a CSM's as the account's `csm` trait tells it (name, else e-mail) "
        "while that CSM is still the account's; null when none is known.",
    )


class NudgePublic(BaseModel):
    id: str
    idempotency_key: str
    playbook_id: str
    playbook_version: int
    account_id: str
    recipient: Recipient
    channel: str
    state: str
    reason: str | None
    detail: str | None
    variant: str
    attempts: int
    last_error: str | None
    due_at: datetime | None
    sent_at: datetime | None


class Requeued(BaseModel):
    requeued: int = Field(description="How many dead nudges were given fresh attempts.")


class SuppressionIn(BaseModel):
    user_id: str | None = Field(default=None, min_length=1)
    email: str | None = Field(default=None, min_length=3)
    reason: str = Field(default="manual", max_length=64)


@router.get("/suppressions")
async def suppressions(principal: ReaderDep, session: ReadSessionDep) -> list[Suppression]:
    """Who is on the suppression list (and who unsubscribed)."""
    rows = await directory.list_suppressions(session, workspace_id=principal.workspace_id)
    return [
        Suppression(subject=r.subject, unsubscribed=r.unsubscribed, reason=r.reason) for r in rows
    ]


@router.post("/suppressions", status_code=201, responses=errors(400))
async def add_suppression(
    body: SuppressionIn, principal: WriterDep, session: SessionDep, notify: NotifyDep
) -> Suppression:
    """Put a person (by user id) or an address on the suppression list: no channel reaches them."""
    subject = directory.user_subject(body.user_id) or directory.email_subject(body.email)
    if subject is None:
        raise InvalidInput("give a user_id or an email")
    row = await directory.suppress(
        session,
        workspace_id=principal.workspace_id,
        subject=subject,
        unsubscribed=False,
        reason=body.reason,
        now=notify.clock.now(),
    )
    return Suppression(subject=row.subject, unsubscribed=row.unsubscribed, reason=row.reason)


@router.delete("/suppressions/{subject}", status_code=204, responses=errors(404))
async def lift_suppression(subject: str, principal: AdminDep, session: SessionDep) -> None:
    """Take a subject (``user:<id>`` or ``email:<address>``) off the list."""
    if not await directory.lift_suppression(
        session, workspace_id=principal.workspace_id, subject=subject
    ):
        raise NotFound(f"{subject!r} is not on the suppression list")


NudgeState = Literal["held", "csm_queued", "ready", "sending", "sent", "suppressed", "dead"]


@router.get("/nudges")
async def nudges(
    principal: ReaderDep,
    session: ReadSessionDep,
    playbook_id: str | None = None,
    state: NudgeState | None = None,
    account_id: str | None = None,
    user_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[NudgePublic]:
    """Nudges, newest first, by playbook, state, account or person; page with ``offset``."""
    rows = await nudge_store.listing(
        session,
        workspace_id=principal.workspace_id,
        playbook_id=playbook_id,
        state=state,
        account_id=account_id,
        user_id=user_id,
        limit=limit,
        offset=offset,
    )
    people = await directory.load_users(
        session,
        workspace_id=principal.workspace_id,
        user_ids=(n.recipient_id for n in rows if n.recipient_kind == "user"),
    )
    accounts = await directory.load_accounts(
        session,
        workspace_id=principal.workspace_id,
        account_ids=(n.account_id for n in rows if n.recipient_kind == "csm"),
    )

    def name_of(kind: str, recipient_id: str, account_id: str) -> str | None:
        if kind == "csm":
            csm = directory.account_facts(accounts.get(account_id), account_id).csm
            # the account's CSM now: an alert that went to an earlier one keeps its id
            if csm is None or csm.csm_id != recipient_id:
                return None
            return csm.name or csm.email
        row = people.get(recipient_id)
        return directory.user_facts(row).display_name if row is not None else None

    return [
        NudgePublic(
            id=n.id,
            idempotency_key=n.idempotency_key,
            playbook_id=n.playbook_id,
            playbook_version=n.playbook_version,
            account_id=n.account_id,
            recipient=Recipient(
                kind=n.recipient_kind,
                id=n.recipient_id,
                name=name_of(n.recipient_kind, n.recipient_id, n.account_id),
            ),
            channel=n.channel,
            state=n.state,
            reason=n.reason,
            detail=n.detail,
            variant=n.variant,
            attempts=n.attempts,
            last_error=n.last_error,
            due_at=n.due_at,
            sent_at=n.sent_at,
        )
        for n in rows
    ]


@router.post("/nudges/retry-dead")
async def retry_dead_nudges(principal: AdminDep, notify: NotifyDep) -> Requeued:
    """Give every dead-lettered nudge of the workspace a fresh set of attempts."""
    count = await retry_dead(
        notify.dispatcher.db, workspace_id=principal.workspace_id, now=notify.clock.now()
    )
    notify.dispatcher.wake()
    return Requeued(requeued=count)
