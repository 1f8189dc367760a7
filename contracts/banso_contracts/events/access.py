"""Access to the APIs: bearer tokens revoked before they expire."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from banso_contracts.events.base import Event, Id, UtcDateTime


class TokenRevoked(Event):
    """An API bearer token (JWT, id = its ``jti`` claim) must no longer be accepted.

    Tokens are signed with ``BANSO_SECRET`` and checked by every service without a shared
    database; each service keeps the set of revoked ids from this compacted topic, keyed
    ``<workspace_id>:<token_id>``, read from the beginning at start. Once ``expires_at`` has
    passed the token is refused anyway, so a consumer may forget it.
    """

    EVENT_TYPE: ClassVar[str] = "banso.token.revoked.v1"

    token_id: Id = Field(description="The token's `jti` claim.")
    revoked_at: UtcDateTime = Field(description="When an operator revoked it.")
    expires_at: UtcDateTime | None = Field(
        default=None, description="When the token would have expired (None: never)."
    )
    reason: str = Field(
        default="revoked",
        max_length=64,
        description="Why: `revoked` by an operator, or `workspace_deleted`.",
    )

    @property
    def subject(self) -> str:
        return self.token_id

    @property
    def event_time(self) -> datetime:
        return self.revoked_at
