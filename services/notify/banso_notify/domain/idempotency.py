"""Idempotency keys: one nudge per (playbook, recipient, triggering event, step)."""

from __future__ import annotations

import hashlib


def nudge_key(*, playbook_id: str, recipient_key: str, event_id: str, step: int = 0) -> str:
    """Readable and unique; step 0 is the first send step of a playbook."""
    return f"{playbook_id}|{recipient_key}|{event_id}|{step}"


def message_id(key: str, *, domain: str) -> str:
    """An RFC 5322 Message-ID derived from the key, so a resend after a crash is recognisable
    as the same message (receivers and our own SMTP logs can drop the duplicate)."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<nudge.{digest}@{domain}>"
