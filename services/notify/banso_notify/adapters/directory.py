"""Notify's own copy of who people and accounts are, and who must not be contacted.

Kept from the traits, usage and health topics (event-carried state transfer): notify never asks
another service. Repository functions only flush; the caller's transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Text, bindparam, cast, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_notify.adapters.translate import band_of
from banso_notify.domain.facts import AccountFacts, SuppressionState, UserFacts
from banso_notify.domain.policy import WorkspacePolicy
from banso_notify.models import AccountRow, Suppression, TicketRow, UserRow, WorkspacePolicyRow


def user_facts(row: UserRow) -> UserFacts:
    return UserFacts(
        user_id=row.user_id, account_id=row.account_id, traits=row.traits, identified=row.identified
    )


def account_facts(row: AccountRow | None, account_id: str) -> AccountFacts:
    if row is None:
        return AccountFacts(account_id=account_id)
    return AccountFacts(
        account_id=account_id, traits=row.traits, band=band_of(row.band), score=row.score
    )


async def load_users(
    session: AsyncSession, *, workspace_id: str, user_ids: Iterable[str]
) -> dict[str, UserRow]:
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = await session.exec(
        select(UserRow).where(UserRow.workspace_id == workspace_id, col(UserRow.user_id).in_(ids))
    )
    return {row.user_id: row for row in rows.all()}


async def users_of_accounts(
    session: AsyncSession, *, workspace_id: str, account_ids: Iterable[str]
) -> dict[str, list[UserRow]]:
    ids = sorted(set(account_ids))
    found: dict[str, list[UserRow]] = {account_id: [] for account_id in ids}
    if not ids:
        return found
    rows = await session.exec(
        select(UserRow).where(
            UserRow.workspace_id == workspace_id, col(UserRow.account_id).in_(ids)
        )
    )
    for row in rows.all():
        if row.account_id is not None:
            found[row.account_id].append(row)
    return found


async def load_accounts(
    session: AsyncSession, *, workspace_id: str, account_ids: Iterable[str]
) -> dict[str, AccountRow]:
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    rows = await session.exec(
        select(AccountRow).where(
            AccountRow.workspace_id == workspace_id, col(AccountRow.account_id).in_(ids)
        )
    )
    return {row.account_id: row for row in rows.all()}


async def describes_accounts(session: AsyncSession, *, workspace_id: str) -> bool:
    """Whether the workspace has sent traits for any of its accounts (Segment's group calls)."""
    return await _any_traits(session, AccountRow, workspace_id)


async def identifies_people(session: AsyncSession, *, workspace_id: str) -> bool:
    """Whether the workspace has sent traits for any of its people (identify calls). An identify
    without traits does not make it one: only identifies that tell something are worth waiting
    for (`domain/awaiting.py`)."""
    return await _any_traits(session, UserRow, workspace_id)


async def _any_traits(
    session: AsyncSession, table: type[AccountRow] | type[UserRow], workspace_id: str
) -> bool:
    found = await session.exec(
        select(table.workspace_id)
        .where(table.workspace_id == workspace_id, cast(table.traits, Text) != "{}")
        .limit(1)
    )
    return found.first() is not None


def merge_user(
    row: UserRow | None,
    *,
    workspace_id: str,
    user_id: str,
    account_id: str | None,
    identified: bool,
    traits: dict[str, Any] | None,
    signed_up_at: datetime | None,
    seen_at: datetime | None,
) -> UserRow:
    """The user row after an identify (``identified``, traits or none) or a usage event
    (seen_at)."""
    if row is None:
        row = UserRow(workspace_id=workspace_id, user_id=user_id, traits={})
    if identified:
        row.identified = True
    if account_id is not None:
        row.account_id = account_id
    if traits:
        row.traits = {**row.traits, **traits}  # a new dict, so the JSON column is saved
    if signed_up_at is not None and row.signed_up_at is None:
        row.signed_up_at = signed_up_at
    if seen_at is not None and (row.last_seen_at is None or seen_at > row.last_seen_at):
        row.last_seen_at = seen_at
    return row


async def write_last_seen(
    session: AsyncSession, *, workspace_id: str, seen: dict[str, datetime]
) -> None:
    """Move people's last-seen times forward (never back), one statement for many people."""
    if not seen:
        return
    table = UserRow.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(
            table.c.workspace_id == bindparam("ws"),
            table.c.user_id == bindparam("uid"),
            or_(table.c.last_seen_at.is_(None), table.c.last_seen_at < bindparam("seen")),
        )
        .values(last_seen_at=bindparam("seen"))
    )
    await session.exec(
        statement,
        params=[{"ws": workspace_id, "uid": user_id, "seen": at} for user_id, at in seen.items()],
    )


async def suppression_states(
    session: AsyncSession, *, workspace_id: str, subjects: Iterable[str]
) -> dict[str, Suppression]:
    keys = sorted(set(subjects))
    if not keys:
        return {}
    rows = await session.exec(
        select(Suppression).where(
            Suppression.workspace_id == workspace_id, col(Suppression.subject).in_(keys)
        )
    )
    return {row.subject: row for row in rows.all()}


def suppression_for(
    found: dict[str, Suppression], *, user_id: str | None, email: str | None
) -> SuppressionState:
    """Unsubscribe or a listed address blocks the person on every channel."""
    unsubscribed = False
    reason: str | None = None
    for subject in (user_subject(user_id), email_subject(email)):
        row = found.get(subject) if subject else None
        if row is None:
            continue
        unsubscribed = unsubscribed or row.unsubscribed
        reason = reason or (None if row.unsubscribed else row.reason or "manual")
    return SuppressionState(unsubscribed=unsubscribed, suppressed_reason=reason)


def user_subject(user_id: str | None) -> str | None:
    return f"user:{user_id}" if user_id else None


def email_subject(email: str | None) -> str | None:
    return f"email:{email.strip().casefold()}" if email else None


async def suppress(
    session: AsyncSession,
    *,
    workspace_id: str,
    subject: str,
    unsubscribed: bool,
    reason: str | None,
    now: datetime,
) -> Suppression:
    row = await session.get(Suppression, (workspace_id, subject))
    if row is None:
        row = Suppression(workspace_id=workspace_id, subject=subject, created_at=now)
        session.add(row)
    row.unsubscribed = row.unsubscribed or unsubscribed
    row.reason = reason or row.reason
    await session.flush()
    return row


async def lift_suppression(session: AsyncSession, *, workspace_id: str, subject: str) -> bool:
    row = await session.get(Suppression, (workspace_id, subject))
    if row is None:
        return False
    await session.delete(row)
    await session.flush()
    return True


async def list_suppressions(session: AsyncSession, *, workspace_id: str) -> list[Suppression]:
    rows = await session.exec(
        select(Suppression)
        .where(Suppression.workspace_id == workspace_id)
        .order_by(col(Suppression.subject))
    )
    return list(rows.all())


async def get_policy(session: AsyncSession, *, workspace_id: str) -> WorkspacePolicy:
    row = await session.get(WorkspacePolicyRow, workspace_id)
    return WorkspacePolicy() if row is None else WorkspacePolicy.model_validate(row.policy)


async def put_policy(
    session: AsyncSession, *, workspace_id: str, policy: WorkspacePolicy, now: datetime
) -> None:
    row = await session.get(WorkspacePolicyRow, workspace_id)
    if row is None:
        row = WorkspacePolicyRow(workspace_id=workspace_id, updated_at=now)
        session.add(row)
    row.policy = policy.model_dump(mode="json")
    row.updated_at = now
    await session.flush()


async def remember_ticket(
    session: AsyncSession, *, workspace_id: str, ticket_id: str, title: str, url: str | None
) -> None:
    row = await session.get(TicketRow, (workspace_id, ticket_id))
    if row is None:
        session.add(TicketRow(workspace_id=workspace_id, ticket_id=ticket_id, title=title, url=url))
    else:
        row.title, row.url = title, url
    await session.flush()


async def ticket(session: AsyncSession, *, workspace_id: str, ticket_id: str) -> TicketRow | None:
    return await session.get(TicketRow, (workspace_id, ticket_id))
