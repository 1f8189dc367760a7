"""The ingest service's tables. Its own registry keeps its metadata apart from other services'."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from banso_kit.tables import define_kit_tables


class IngestModel(SQLModel, registry=registry()):
    """Base of every table of the ingest service."""


KIT = define_kit_tables(IngestModel.metadata)


class WorkspaceBase(IngestModel):
    name: str = Field(min_length=1, max_length=200)


class Workspace(WorkspaceBase, table=True):
    """A tenant: one SaaS company using Bansō."""

    __tablename__ = "workspaces"

    id: str = Field(primary_key=True, max_length=64)
    created_at: dt.datetime = Field(sa_type=DateTime(timezone=True))


class SourceBase(IngestModel):
    name: str = Field(min_length=1, max_length=200)


class Source(SourceBase, table=True):
    """A product system sending events with its own write key (stored hashed).

    While a rotation's grace period runs, the previous key works too (`previous_key_hash` until
    `previous_key_expires_at`). `last_seen_at` is refreshed at most once a minute (sources.py).
    """

    __tablename__ = "sources"

    id: str = Field(primary_key=True, max_length=64)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=64)
    write_key_hash: str = Field(unique=True, max_length=64)
    key_prefix: str | None = Field(default=None, max_length=16)
    previous_key_hash: str | None = Field(default=None, index=True, max_length=64)
    previous_key_expires_at: dt.datetime | None = Field(
        default=None, sa_type=DateTime(timezone=True)
    )
    created_at: dt.datetime = Field(sa_type=DateTime(timezone=True))
    rotated_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    revoked_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_seen_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class ApiToken(IngestModel, table=True):
    """A bearer token issued to a workspace: the JWT itself is never stored, only its id (`jti`)."""

    __tablename__ = "api_tokens"

    id: str = Field(primary_key=True, max_length=64)
    workspace_id: str = Field(index=True, max_length=64)
    name: str = Field(max_length=200)
    scopes: str = Field(max_length=64)  # space-separated, e.g. "read write"
    created_at: dt.datetime = Field(sa_type=DateTime(timezone=True))
    expires_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    revoked_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class AuditEntry(IngestModel, table=True):
    """One administrative action: who did what to which target, and when. Never deleted with its
    workspace: the log outlives what it describes."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_type=DateTime(timezone=True), index=True)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=64)
    target_type: str = Field(max_length=32)
    target_id: str = Field(max_length=64)
    workspace_id: str | None = Field(default=None, index=True, max_length=64)
    detail: str = Field(default="{}", sa_type=Text)  # JSON object


class DedupeEntry(IngestModel, table=True):
    """One messageId of one source, claimed by a request (exact dedupe; see adapters/ledger.py).

    Published once its `claim_token` is in `dedupe_published`; known until `claimed_at_ms`
    (epoch milliseconds) is a dedupe window old, or a lease old while its token is unconfirmed.
    """

    __tablename__ = "dedupe_ledger"

    source_id: str = Field(primary_key=True, max_length=64)
    message_id: str = Field(primary_key=True, max_length=256)
    workspace_id: str = Field(max_length=64)
    claim_token: int = Field(sa_type=BigInteger)
    claimed_at_ms: int = Field(sa_type=BigInteger, index=True)


class DedupePublished(IngestModel, table=True):
    """A request whose claimed messageIds were all published (or given back): one row for all."""

    __tablename__ = "dedupe_published"

    claim_token: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    published_at_ms: int = Field(sa_type=BigInteger, index=True)  # epoch milliseconds


class UserGroup(IngestModel, table=True):
    """The account a user (or `anonymous:<id>`) was last grouped with, for keying their events."""

    __tablename__ = "user_groups"

    workspace_id: str = Field(primary_key=True, max_length=64)
    identity: str = Field(primary_key=True, max_length=300)
    account_id: str = Field(max_length=256)
    updated_at_ms: int = Field(sa_type=BigInteger)  # epoch milliseconds
