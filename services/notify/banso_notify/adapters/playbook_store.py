"""Playbooks per workspace, versioned: every changed PUT adds a version, the highest is current.

The built-in playbooks are every workspace's version 1 until the workspace PUTs its own version
of one (which becomes version 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_notify.builtin import builtin_playbook_sources
from banso_notify.domain.playbook import Playbook, parse_playbook
from banso_notify.models import PlaybookVersion

BUILTIN_VERSION = 1


@dataclass(frozen=True, slots=True)
class StoredPlaybook:
    playbook: Playbook
    version: int
    source: str
    created_at: datetime | None
    builtin: bool
    created_by: str | None = None


_builtins: dict[str, StoredPlaybook] | None = None


def builtin_catalog() -> dict[str, StoredPlaybook]:
    global _builtins  # parsed once per process, on first use (never at import)
    if _builtins is None:
        _builtins = {
            playbook_id: StoredPlaybook(
                playbook=parse_playbook(source),
                version=BUILTIN_VERSION,
                source=source,
                created_at=None,
                builtin=True,
            )
            for playbook_id, source in builtin_playbook_sources().items()
        }
    return _builtins


def _stored(row: PlaybookVersion) -> StoredPlaybook:
    return StoredPlaybook(
        playbook=Playbook.model_validate(row.definition),
        version=row.version,
        source=row.source,
        created_at=row.created_at,
        builtin=False,
        created_by=row.created_by,
    )


async def current_playbooks(session: AsyncSession, *, workspace_id: str) -> list[StoredPlaybook]:
    latest = (
        select(PlaybookVersion.playbook_id, func.max(PlaybookVersion.version).label("version"))
        .where(PlaybookVersion.workspace_id == workspace_id)
        .group_by(PlaybookVersion.playbook_id)
        .subquery()
    )
    query = select(PlaybookVersion).join(
        latest,
        and_(
            col(PlaybookVersion.playbook_id) == latest.c.playbook_id,
            col(PlaybookVersion.version) == latest.c.version,
        ),
    )
    rows = (await session.exec(query.where(PlaybookVersion.workspace_id == workspace_id))).all()
    found = {row.playbook_id: _stored(row) for row in rows}
    for playbook_id, builtin in builtin_catalog().items():
        found.setdefault(playbook_id, builtin)
    return [found[playbook_id] for playbook_id in sorted(found)]


async def get_playbook(
    session: AsyncSession, *, workspace_id: str, playbook_id: str, version: int | None = None
) -> StoredPlaybook | None:
    query = select(PlaybookVersion).where(
        PlaybookVersion.workspace_id == workspace_id, PlaybookVersion.playbook_id == playbook_id
    )
    if version is not None:
        query = query.where(PlaybookVersion.version == version)
    row = (await session.exec(query.order_by(col(PlaybookVersion.version).desc()).limit(1))).first()
    if row is not None:
        return _stored(row)
    builtin = builtin_catalog().get(playbook_id)
    if builtin is not None and version in (None, BUILTIN_VERSION):
        return builtin
    return None


async def list_versions(
    session: AsyncSession, *, workspace_id: str, playbook_id: str
) -> list[StoredPlaybook]:
    rows = (
        await session.exec(
            select(PlaybookVersion)
            .where(
                PlaybookVersion.workspace_id == workspace_id,
                PlaybookVersion.playbook_id == playbook_id,
            )
            .order_by(col(PlaybookVersion.version))
        )
    ).all()
    versions = [_stored(row) for row in rows]
    builtin = builtin_catalog().get(playbook_id)
    return ([builtin] if builtin is not None else []) + versions


async def put_playbook(
    session: AsyncSession,
    *,
    workspace_id: str,
    playbook: Playbook,
    source: str,
    now: datetime,
    by: str | None = None,
) -> tuple[StoredPlaybook, bool]:
    """Store a new version unless the definition is unchanged; (current, created?)."""
    current = await get_playbook(session, workspace_id=workspace_id, playbook_id=playbook.id)
    if current is not None and current.playbook == playbook:
        return current, False
    version = (current.version if current is not None else 0) + 1
    row = PlaybookVersion(
        workspace_id=workspace_id,
        playbook_id=playbook.id,
        version=version,
        source=source,
        definition=playbook.model_dump(mode="json"),
        created_at=now,
        created_by=by,
    )
    session.add(row)
    await session.flush()
    return _stored(row), True
