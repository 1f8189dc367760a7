"""The notify service's tables. Its own registry keeps its metadata apart from other services'."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, DateTime, Index, Text, UniqueConstraint, false
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import registry
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from banso_kit.tables import define_kit_tables


class NotifyModel(SQLModel, registry=registry()):
    """Base of every table of the notify service."""


KIT = define_kit_tables(NotifyModel.metadata)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite stores them naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: notify stores aware UTC instants only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _when(*, index: bool = False, nullable: bool = False) -> Any:
    return Field(sa_column=Column(UtcDateTime(), nullable=nullable, index=index))


def _json() -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class PlaybookVersion(NotifyModel, table=True):
    """Every accepted version of a workspace's playbook (the highest is current)."""

    __tablename__ = "playbook_versions"
    __table_args__ = (UniqueConstraint("workspace_id", "playbook_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=256)
    playbook_id: str = Field(max_length=64)
    version: int
    source: str = Field(sa_column=Column(Text, nullable=False))
    definition: dict[str, Any] = _json()
    created_at: datetime = _when()
    # Who made the version: the caller's token, and the person it acted for when it said so.
    created_by: str | None = Field(default=None, max_length=512)


class WorkspacePolicyRow(NotifyModel, table=True):
    __tablename__ = "workspace_policies"

    workspace_id: str = Field(primary_key=True, max_length=256)
    policy: dict[str, Any] = _json()
    updated_at: datetime = _when()


class UserRow(NotifyModel, table=True):
    """Notify's copy of a user's traits (from identify calls) and activity."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_account", "workspace_id", "account_id"),)

    workspace_id: str = Field(primary_key=True, max_length=256)
    user_id: str = Field(primary_key=True, max_length=256)
    account_id: str | None = Field(default=None, max_length=256)
    traits: dict[str, Any] = _json()
    #: their identify arrived (with traits or none): the source said who they are
    identified: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    signed_up_at: datetime | None = _when(nullable=True)
    last_seen_at: datetime | None = _when(nullable=True)


class AccountRow(NotifyModel, table=True):
    """Notify's copy of an account's traits and health."""

    __tablename__ = "accounts"

    workspace_id: str = Field(primary_key=True, max_length=256)
    account_id: str = Field(primary_key=True, max_length=256)
    traits: dict[str, Any] = _json()
    band: str | None = Field(default=None, max_length=16)
    score: float | None = None
    #: risk signals raised by the last health change ("code:text"), to trigger only on new ones
    raised_risks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    seat_utilisation: float | None = None


class TicketRow(NotifyModel, table=True):
    """Titles and links of product tickets, for the "it is fixed" message."""

    __tablename__ = "tickets"

    workspace_id: str = Field(primary_key=True, max_length=256)
    ticket_id: str = Field(primary_key=True, max_length=256)
    title: str = Field(sa_column=Column(Text, nullable=False))
    url: str | None = Field(default=None, max_length=2048)


class Suppression(NotifyModel, table=True):
    """Who must not be contacted: ``user:<id>`` (unsubscribe, manual) or ``email:<address>``."""

    __tablename__ = "suppressions"

    workspace_id: str = Field(primary_key=True, max_length=256)
    subject: str = Field(primary_key=True, max_length=512)
    unsubscribed: bool = False
    reason: str | None = Field(default=None, max_length=64)
    created_at: datetime = _when()


class Nudge(NotifyModel, table=True):
    """One nudge: its decision, its delivery state machine and its idempotency key."""

    __tablename__ = "nudges"
    __table_args__ = (
        UniqueConstraint("workspace_id", "idempotency_key", name="uq_nudges_idempotency_key"),
        Index("ix_nudges_due", "state", "due_at"),
        Index("ix_nudges_account_sends", "workspace_id", "account_id", "counted_at"),
        Index("ix_nudges_recipient_sends", "workspace_id", "recipient_key", "counted_at"),
        Index("ix_nudges_playbook", "workspace_id", "playbook_id", "state"),
    )

    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(max_length=256)
    idempotency_key: str = Field(max_length=1024)
    playbook_id: str = Field(max_length=64)
    playbook_version: int
    step_index: int = 0
    account_id: str = Field(max_length=256)
    #: the customer the nudge is about (None for CSM alerts that are not rerouted)
    user_id: str | None = Field(default=None, max_length=256)
    recipient_kind: str = Field(max_length=8)
    recipient_id: str = Field(max_length=256)
    recipient_key: str = Field(max_length=300)
    channel: str = Field(max_length=16)
    address: str | None = Field(default=None, max_length=2048)
    template: str | None = Field(default=None, max_length=128)
    locale: str | None = Field(default=None, max_length=35)
    state: str = Field(max_length=16)
    reason: str | None = Field(default=None, max_length=64)
    detail: str | None = Field(default=None, max_length=512)
    variant: str = Field(default="treatment", max_length=16)
    trigger_event_id: str = Field(max_length=512)
    #: what the templates and re-decisions need: the signal, recipient and account at trigger time
    context: dict[str, Any] = _json()
    due_at: datetime | None = _when(nullable=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    message_id: str | None = Field(default=None, max_length=256)
    provider_message_id: str | None = Field(default=None, max_length=256)
    #: when the nudge began to count against caps (decided to send); None while it does not
    counted_at: datetime | None = _when(nullable=True)
    created_at: datetime = _when()
    sent_at: datetime | None = _when(nullable=True)
    updated_at: datetime = _when()


class Timer(NotifyModel, table=True):
    """A time-based trigger armed for one subject (inactivity, overdue milestone)."""

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_due", "due_at"),)

    workspace_id: str = Field(primary_key=True, max_length=256)
    playbook_id: str = Field(primary_key=True, max_length=64)
    subject: str = Field(primary_key=True, max_length=300)
    account_id: str = Field(max_length=256)
    user_id: str | None = Field(default=None, max_length=256)
    anchor_at: datetime = _when()
    due_at: datetime = _when()


class InboxMessage(NotifyModel, table=True):
    """An in-app message, served by ``GET /v1/inapp/{user_id}``."""

    __tablename__ = "inbox_messages"
    __table_args__ = (Index("ix_inbox_user", "workspace_id", "user_id", "created_at"),)

    id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(max_length=256)
    user_id: str = Field(max_length=256)
    nudge_id: str = Field(max_length=40, unique=True)
    playbook_id: str = Field(max_length=64)
    title: str = Field(sa_column=Column(Text, nullable=False))
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = _when()
    read_at: datetime | None = _when(nullable=True)
    dismissed_at: datetime | None = _when(nullable=True)


class Enrolment(NotifyModel, table=True):
    """A nudge that entered the experiment: sent (treatment) or held out, with its goal window."""

    __tablename__ = "enrolments"
    __table_args__ = (
        Index("ix_enrolments_open", "workspace_id", "account_id", "window_ends_at"),
        Index("ix_enrolments_playbook", "workspace_id", "playbook_id", "variant"),
    )

    nudge_id: str = Field(primary_key=True, max_length=40)
    workspace_id: str = Field(max_length=256)
    playbook_id: str = Field(max_length=64)
    account_id: str = Field(max_length=256)
    user_id: str | None = Field(default=None, max_length=256)
    variant: str = Field(max_length=16)
    goal_event: str = Field(max_length=512)
    goal_scope: str = Field(max_length=8)
    started_at: datetime = _when()
    window_ends_at: datetime = _when()
    converted_at: datetime | None = _when(nullable=True)


class GoalSighting(NotifyModel, table=True):
    """A usage event, kept for the longest goal window, so an enrolment made after the event was
    processed (a replay decides after later events arrived) is still converted by it."""

    __tablename__ = "goal_sightings"
    __table_args__ = (Index("ix_goal_sightings_age", "workspace_id", "occurred_at"),)

    workspace_id: str = Field(primary_key=True, max_length=256)
    account_id: str = Field(primary_key=True, max_length=256)
    #: "" for an event without a user
    user_id: str = Field(primary_key=True, max_length=256)
    event: str = Field(primary_key=True, max_length=512)
    occurred_at: datetime = Field(sa_column=Column(UtcDateTime(), primary_key=True))
    event_id: str = Field(max_length=512)


class CsmBudgetUse(NotifyModel, table=True):
    """Alerts a CSM received on one of their local days."""

    __tablename__ = "csm_budget_use"

    workspace_id: str = Field(primary_key=True, max_length=256)
    csm_id: str = Field(primary_key=True, max_length=256)
    day: str = Field(primary_key=True, max_length=10)
    used: int = 0
