"""What every channel gets to deliver, and how it reports failure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One rendered nudge, ready for its channel."""

    idempotency_key: str
    message_id: str  # RFC 5322 Message-ID, derived from the idempotency key
    address: str  # e-mail address or webhook URL
    subject: str
    text: str
    html: str | None = None
    unsubscribe_url: str | None = None
    #: the nudge as JSON for webhook receivers (ids, playbook, recipient, message)
    payload: Mapping[str, Any] = field(default_factory=dict)
    #: the workspace's webhook signing secret (webhook channel only)
    signing_secret: str | None = None
    #: when the message was decided; a resend after a crash keeps the same Date
    decided_at: datetime | None = None
    #: a test send (``POST /v1/playbooks/{id}/test-send``): channels mark it in a header too
    test: bool = False


class DeliveryError(Exception):
    """A failed delivery; ``permanent`` ones are not retried (e.g. a 5xx SMTP reply, HTTP 404)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Sender(Protocol):
    async def send(self, message: OutgoingMessage) -> str | None:
        """Deliver; return the provider's message id if it gives one; raise DeliveryError."""
        ...
