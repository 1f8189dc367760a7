"""Holdout assignment: deterministic per account, stable across playbook versions.

B2B accounts are the unit: people at one account talk to each other, so an account is wholly
nudged or wholly held out. The bucket hashes (salt, workspace, playbook id, account) — not the
version — so editing a playbook never reshuffles who is held out, and raising the percentage only
adds accounts to the holdout (a bucket below 10 is also below 20).
"""

from __future__ import annotations

import hashlib

_SCALE = 2**64


def holdout_bucket(*, salt: str, workspace_id: str, playbook_id: str, account_id: str) -> float:
    """A uniform number in [0, 100) for this account in this playbook."""
    material = "\x1f".join((salt, workspace_id, playbook_id, account_id)).encode()
    digest = hashlib.sha256(material).digest()
    return int.from_bytes(digest[:8], "big") / _SCALE * 100.0


def in_holdout(
    percent: float, *, salt: str, workspace_id: str, playbook_id: str, account_id: str
) -> bool:
    if percent <= 0:
        return False
    bucket = holdout_bucket(
        salt=salt, workspace_id=workspace_id, playbook_id=playbook_id, account_id=account_id
    )
    return bucket < percent
