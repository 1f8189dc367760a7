"""How much a theme matters: accounts, revenue, health of those accounts, and where it is heading."""

from __future__ import annotations

import math
from dataclasses import dataclass

DAY_S = 86_400.0
RECENT_DAYS = 7
BASELINE_DAYS = 28


@dataclass(frozen=True, slots=True)
class ThemeStats:
    items: int
    accounts: int
    arr: float
    at_risk_accounts: int  # accounts in yellow or red health
    items_last_7d: int
    items_prev_28d: int
    first_seen: float | None
    last_seen: float | None
    #: items that report a problem (see ``domain.tickets.policy.is_problem_report``)
    problem_items: int = 0

    @property
    def problem_share(self) -> float:
        return self.problem_items / self.items if self.items else 0.0

    @property
    def at_risk_share(self) -> float:
        return self.at_risk_accounts / self.accounts if self.accounts else 0.0

    @property
    def trend(self) -> float:
        """Items per day in the last 7 days over items per day in the 28 before (1 = steady).

        A theme with no history is "new": its recent rate over half an item a day.
        """
        recent = self.items_last_7d / RECENT_DAYS
        baseline = max(self.items_prev_28d / BASELINE_DAYS, 0.5 / BASELINE_DAYS)
        return recent / baseline


def priority(stats: ThemeStats) -> float:
    """One number to sort themes by: breadth (accounts) times revenue weight, health and trend.

    log(1 + ARR) keeps a single large account from drowning a problem many accounts share;
    accounts already at risk count up to double; a growing theme up to double, a fading one
    down to half.
    """
    if stats.items == 0:
        return 0.0
    breadth = stats.accounts + math.log1p(max(stats.arr, 0.0))
    risk = 1.0 + stats.at_risk_share
    momentum = min(2.0, max(0.5, math.sqrt(stats.trend)))
    return round(breadth * risk * momentum, 4)
