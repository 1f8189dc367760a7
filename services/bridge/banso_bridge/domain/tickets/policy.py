"""When a theme deserves a ticket, and when a ticket's evidence is worth refreshing."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Set
from dataclasses import dataclass

#: feedback kinds that report a problem by their nature
PROBLEM_KINDS = ("support_ticket", "feature_request", "churn_reason")
#: feedback kinds that report a problem when their words tell of one (a CSM's note, an NPS comment)
WORDED_KINDS = ("csm_note", "nps_comment")
#: an NPS comment reports a problem when its score is a detractor's (0-6)
DETRACTOR_MAX_SCORE = 6.0


def is_problem_report(
    kind: str, score: float | None, *, business_reason: bool = False, trouble: bool = False
) -> bool:
    """A ticket, a request, a churn reason, a detractor's comment, or a CSM's note or an NPS
    comment whose words tell of trouble with the product or a wish for it (`trouble`,
    text/trouble.py: "Call with the customer: SSO login loops", a passive's "exports are slow") —
    not praise, not a CSM's "monthly review went well, no major issues" or "they plan to roll out
    to another team", not a churn reason that names only a business cause (`business_reason`,
    text/business_reason.py: "budget cuts", 活用が進まず). (The store counts the same rule in
    SQL.)"""
    if kind in PROBLEM_KINDS:
        return not (kind == "churn_reason" and business_reason)
    if kind in WORDED_KINDS and trouble:
        return True
    return kind == "nps_comment" and score is not None and score <= DETRACTOR_MAX_SCORE


@dataclass(frozen=True, slots=True)
class TicketThreshold:
    min_accounts: int = 3
    min_arr: float = 0.0  # 0: ARR alone never triggers
    #: share of a theme's items that problem reports must exceed (0: off): praise and routine CSM
    #: notes cluster into themes too, and a product team wants no tickets for them
    min_problem_share: float = 0.0

    def reached(self, *, accounts: int, arr: float, problem_share: float = 1.0) -> bool:
        # More than the share: a theme half check-ins, half problem reports is no problem yet.
        if self.min_problem_share > 0 and problem_share <= self.min_problem_share:
            return False
        return accounts >= self.min_accounts or (self.min_arr > 0 and arr >= self.min_arr)


def account_overlap(a: Set[str], b: Set[str]) -> float:
    """Share of accounts two themes have in common (Jaccard: shared over either)."""
    either = len(a | b)
    return len(a & b) / either if either else 0.0


#: shared accounts must be at least this many times what chance would give (see ticket_to_join)
MIN_ACCOUNT_LIFT = 2.0


def account_lift(a: Set[str], b: Set[str], accounts_reporting: int) -> float:
    """Accounts two themes share over the number expected if each theme's accounts were drawn
    independently from the `accounts_reporting` accounts that gave feedback at all."""
    expected = len(a) * len(b) / max(accounts_reporting, 1)
    return len(a & b) / expected if expected else 0.0


def ticket_to_join(
    accounts: Set[str],
    ticketed: Mapping[int, Set[str]],
    *,
    min_overlap: float,
    accounts_reporting: int,
    min_lift: float = MIN_ACCOUNT_LIFT,
) -> tuple[int, float] | None:
    """The ticketed theme a theme about to get its own ticket should join instead, and how much
    their accounts overlap; None when none overlaps by `min_overlap` (0 = never).

    The same accounts reporting a problem in other words, or in another language, are the same
    problem far more often than not: a product manager wants one ticket for it. Overlap alone is
    no evidence when the two themes' accounts are most of the accounts that report anything
    (four customers reporting two problems each): the shared accounts must also be `min_lift`
    times what chance would give. The largest overlap wins (the lowest theme id on ties, so the
    choice is deterministic).
    """
    if min_overlap <= 0:
        return None
    best: tuple[int, float] | None = None
    for theme_id in sorted(ticketed):
        others = ticketed[theme_id]
        overlap = account_overlap(accounts, others)
        if overlap < min_overlap or (best is not None and overlap <= best[1]):
            continue
        if account_lift(accounts, others, accounts_reporting) >= min_lift:
            best = (theme_id, overlap)
    return best


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
