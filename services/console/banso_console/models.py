"""The console's own tables: its users and their sessions. Nothing of the services is kept here.

Times are epoch seconds (SQLite would drop a datetime's time zone).
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class ConsoleModel(SQLModel, registry=registry()):
    """Base of every table of the console."""


class ConsoleUser(ConsoleModel, table=True):
    __tablename__ = "console_users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    # argon2id hash (PHC string) of the password
    password_hash: str = Field(max_length=512)
    role: str = Field(max_length=16)
    # The workspace ids the user may see, JSON list.
    workspaces: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    # The language the user chose ("en", "ja"); None follows the browser's Accept-Language.
    locale: str | None = Field(default=None, max_length=8)
    created_at: float


class ConsoleSession(ConsoleModel, table=True):
    """A browser session: a sign-in form's (no user yet) or a signed-in user's."""

    __tablename__ = "console_sessions"
    __table_args__ = (Index("ix_console_sessions_expires", "expires_at"),)

    # SHA-256 of the cookie's random value: the stored id alone cannot be replayed as a cookie.
    id: str = Field(primary_key=True, max_length=64)
    user_id: int | None = Field(default=None, foreign_key="console_users.id", ondelete="CASCADE")
    # Every form of the session carries this token; a POST without it is refused.
    csrf_token: str = Field(max_length=64)
    created_at: float
    expires_at: float


class SignInFailures(ConsoleModel, table=True):
    """Failed sign-ins per account and client address, in the current window (rate limiting)."""

    __tablename__ = "console_sign_in_failures"

    # SHA-256 of the normalised email address and the client's IP address.
    key: str = Field(primary_key=True, max_length=64)
    failures: int
    window_started_at: float
