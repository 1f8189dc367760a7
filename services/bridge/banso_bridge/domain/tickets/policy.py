"""When a theme deserves a ticket, and when a ticket's evidence is worth refreshing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TicketThreshold:
    min_accounts: int = 3
    min_arr: float = 0.0  # 0: ARR alone never triggers

    def reached(self, *, accounts: int, arr: float) -> bool:
        return accounts >= self.min_accounts or (self.min_arr > 0 and arr >= self.min_arr)


def theme_key(workspace_id: str, theme_id: int) -> str:
    """The marker a ticket carries in the sink (label, or text) so it can be found again.

    Hashing the workspace keeps tenant names out of other tools and fits label rules (no spaces,
    short, ASCII) in Jira, GitHub and Linear.
    """
    tenant = hashlib.sha256(workspace_id.encode()).hexdigest()[:10]
    return f"banso-{tenant}-theme-{theme_id}"


def evidence_grew(*, accounts: int, arr: float, synced_accounts: int, synced_arr: float) -> bool:
    """Worth a comment on the ticket: another account, or ARR up by at least 10 %."""
    return accounts > synced_accounts or arr > synced_arr * 1.1 + 1e-9


def backoff_s(attempts: int, *, initial_s: float, max_s: float) -> float:
    """Delay before the next attempt after `attempts` failures (doubling, capped)."""
    return float(min(max_s, initial_s * 2 ** max(attempts - 1, 0)))
