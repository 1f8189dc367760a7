"""Manual overrides of an account's band, and their audit. Functions only flush; callers commit."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, tuple_
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters.tables import AUDIT, OVERRIDES, chunks
from banso_scoring.domain.overrides import Override
from banso_scoring.domain.state import AccountKey


async def load_overrides(
    session: AsyncSession, *, keys: set[AccountKey]
) -> dict[AccountKey, Override]:
    overrides: dict[AccountKey, Override] = {}
    for chunk in chunks(sorted(keys)):
        rows = await (await session.connection()).execute(
            select(OVERRIDES.c.workspace_id, OVERRIDES.c.account_id, OVERRIDES.c.document).where(
                tuple_(OVERRIDES.c.workspace_id, OVERRIDES.c.account_id).in_(chunk)
            )
        )
        for workspace, account, document in rows.all():
            overrides[(workspace, account)] = Override.model_validate_json(document)
    return overrides


async def expire_overrides(
    session: AsyncSession,
    *,
    expired: list[tuple[AccountKey, Override]],
    at: dict[AccountKey, float],
) -> None:
    """Delete overrides that lapsed (unless replaced meanwhile) and audit their expiry."""
    connection = await session.connection()
    for (workspace, account), override in expired:
        document = override.model_dump_json()
        result = await connection.execute(
            delete(OVERRIDES).where(
                OVERRIDES.c.workspace_id == workspace,
                OVERRIDES.c.account_id == account,
                OVERRIDES.c.document == document,
            )
        )
        if result.rowcount:
            await connection.execute(
                insert(AUDIT).values(
                    workspace_id=workspace,
                    account_id=account,
                    action="expired",
                    actor="scoring",
                    at=at[(workspace, account)],
                    document=document,
                )
            )


async def put_override(
    session: AsyncSession,
    *,
    workspace_id: str,
    account_id: str,
    override: Override | None,
    action: str,
    actor: str,
    at: float,
    audited: Override,
) -> None:
    """Set (or, with None, clear) the override and audit the action in one go."""
    connection = await session.connection()
    where = (OVERRIDES.c.workspace_id == workspace_id, OVERRIDES.c.account_id == account_id)
    await connection.execute(delete(OVERRIDES).where(*where))
    if override is not None:
        await connection.execute(
            insert(OVERRIDES).values(
                workspace_id=workspace_id,
                account_id=account_id,
                document=override.model_dump_json(),
            )
        )
    await connection.execute(
        insert(AUDIT).values(
            workspace_id=workspace_id,
            account_id=account_id,
            action=action,
            actor=actor,
            at=at,
            document=audited.model_dump_json(),
        )
    )


async def override_audit(
    session: AsyncSession, *, workspace_id: str, account_id: str, limit: int = 50
) -> list[tuple[str, str, float, str]]:
    rows = await (await session.connection()).execute(
        select(AUDIT.c.action, AUDIT.c.actor, AUDIT.c.at, AUDIT.c.document)
        .where(AUDIT.c.workspace_id == workspace_id, AUDIT.c.account_id == account_id)
        .order_by(AUDIT.c.at.desc(), AUDIT.c.id.desc())
        .limit(limit)
    )
    return [(str(a), str(b), float(c), str(d)) for a, b, c, d in rows]
