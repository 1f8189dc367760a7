"""The ingest service's tables. Its own registry keeps its metadata apart from other services'."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime
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
    """A product system sending events with its own write key (stored hashed)."""

    __tablename__ = "sources"

    id: str = Field(primary_key=True, max_length=64)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=64)
    write_key_hash: str = Field(unique=True, max_length=64)
    created_at: dt.datetime = Field(sa_type=DateTime(timezone=True))
    revoked_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class DedupeEntry(IngestModel, table=True):
    """One messageId of one source: claimed by a request in flight, or published (exact dedupe).

    `expires_at_ms` (epoch milliseconds) ends the claim's lease while `published` is false and the
    dedupe window once it is true; an expired row may be claimed again. See adapters/ledger.py.
    """

    __tablename__ = "dedupe_ledger"

    source_id: str = Field(primary_key=True, max_length=64)
    message_id: str = Field(primary_key=True, max_length=256)
    workspace_id: str = Field(max_length=64)
    claim_token: str = Field(max_length=32)
    published: bool = False
    expires_at_ms: int = Field(sa_type=BigInteger, index=True)


class UserGroup(IngestModel, table=True):
    """The account a user (or `anonymous:<id>`) was last grouped with, for keying their events."""

    __tablename__ = "user_groups"

    workspace_id: str = Field(primary_key=True, max_length=64)
    identity: str = Field(primary_key=True, max_length=300)
    account_id: str = Field(max_length=256)
    updated_at_ms: int = Field(sa_type=BigInteger)  # epoch milliseconds
