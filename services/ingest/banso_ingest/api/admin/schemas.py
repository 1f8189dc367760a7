"""Request and response bodies of the admin API (the OpenAPI shows them as written here)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from banso_ingest.domain.credentials import (
    DEFAULT_GRACE,
    MAX_GRACE,
    MAX_TOKEN_TTL,
    TokenState,
    as_utc,
    token_state,
)
from banso_ingest.models import ApiToken, AuditEntry, Source, Workspace
from banso_kit.auth import Scope
from banso_kit.openapi import errors as errors  # the admin routes' `responses=`

# Control characters (NUL above all, which PostgreSQL cannot store) are refused in every text field.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=PRINTABLE),
]
ID_PATTERN = r"^[A-Za-z0-9_.-]+$"


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else as_utc(value)


class WorkspaceCreate(BaseModel):
    name: Name = Field(description="Display name, e.g. the SaaS company's name.")


class WorkspaceRename(BaseModel):
    name: Name


class WorkspacePublic(BaseModel):
    workspace_id: str
    name: str
    created_at: dt.datetime

    @classmethod
    def of(cls, row: Workspace) -> WorkspacePublic:
        return cls(workspace_id=row.id, name=row.name, created_at=as_utc(row.created_at))


class WorkspacePage(BaseModel):
    items: list[WorkspacePublic]
    total: int
    limit: int
    offset: int


class WorkspaceDeleted(BaseModel):
    workspace_id: str
    removed: dict[str, int] = Field(description="Rows deleted, by kind.")
    tokens_revoked: int = Field(description="API tokens revoked on every service.")


class SourceCreate(BaseModel):
    name: Name = Field(description="The product system sending events, e.g. `web backend`.")


class SourceRotate(BaseModel):
    grace_seconds: int = Field(
        default=int(DEFAULT_GRACE.total_seconds()),
        ge=0,
        le=int(MAX_GRACE.total_seconds()),
        description="How long the previous key keeps working (0: it stops at once).",
    )


class SourcePublic(BaseModel):
    source_id: str
    workspace_id: str
    name: str
    key_prefix: str | None = Field(description="The key's first characters (null: legacy key).")
    previous_key_expires_at: dt.datetime | None = Field(
        description="Until when the key rotated out keeps working (null: none does)."
    )
    status: Literal["active", "revoked"]
    created_at: dt.datetime
    rotated_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_seen_at: dt.datetime | None = Field(
        description="When a request last used one of its keys (minute precision)."
    )

    @classmethod
    def of(cls, row: Source, *, now: dt.datetime) -> SourcePublic:
        previous = _utc(row.previous_key_expires_at)
        return cls(
            source_id=row.id,
            workspace_id=row.workspace_id,
            name=row.name,
            key_prefix=row.key_prefix,
            previous_key_expires_at=previous if previous is not None and previous > now else None,
            status="revoked" if row.revoked_at is not None else "active",
            created_at=as_utc(row.created_at),
            rotated_at=_utc(row.rotated_at),
            revoked_at=_utc(row.revoked_at),
            last_seen_at=_utc(row.last_seen_at),
        )


class SourceWithKey(SourcePublic):
    write_key: str = Field(description="The new write key: shown this once, stored hashed.")


class TokenIssue(BaseModel):
    scopes: list[Scope] = Field(min_length=1, description="read ⊂ write ⊂ admin.")
    name: Name = Field(default="api token", description="What the token is for.")
    expires_in_days: int = Field(default=365, ge=1, le=MAX_TOKEN_TTL.days)


class TokenPublic(BaseModel):
    token_id: str
    workspace_id: str
    name: str
    scopes: list[str]
    status: TokenState
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @classmethod
    def of(cls, row: ApiToken, *, now: dt.datetime) -> TokenPublic:
        expires_at, revoked_at = _utc(row.expires_at), _utc(row.revoked_at)
        return cls(
            token_id=row.id,
            workspace_id=row.workspace_id,
            name=row.name,
            scopes=row.scopes.split(),
            status=token_state(revoked_at=revoked_at, expires_at=expires_at, now=now),
            created_at=as_utc(row.created_at),
            expires_at=expires_at,
            revoked_at=revoked_at,
        )


class TokenIssued(TokenPublic):
    token: str = Field(description="The bearer token: shown this once, never stored.")


class AuditEntryPublic(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    workspace_id: str | None
    detail: dict[str, Any]

    @classmethod
    def of(cls, row: AuditEntry, detail: dict[str, Any]) -> AuditEntryPublic:
        assert row.id is not None
        return cls(
            id=row.id,
            at=as_utc(row.at),
            actor=row.actor,
            action=row.action,
            target_type=row.target_type,
            target_id=row.target_id,
            workspace_id=row.workspace_id,
            detail=detail,
        )


class AuditPage(BaseModel):
    items: list[AuditEntryPublic] = Field(description="Newest first.")
    next_before: int | None = Field(
        description="Pass as `before` for the next (older) page; null on the last page."
    )
