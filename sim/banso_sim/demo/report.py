"""What the demo report says, gathered from the services and the stand-ins (no rendering here)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from banso_sim.demo.purity import TicketScores
from banso_sim.demo.reaction import Planted

BANDS = ("green", "yellow", "red", "unknown")


@dataclass(frozen=True, slots=True)
class AccountRow:
    account_id: str
    name: str
    band: str
    score: float | None
    arr: float
    plan: str
    drivers: tuple[str, ...]
    signals: tuple[str, ...]
    story: str
    """What the simulation made of the account (ground truth): healthy, declining, ..."""


@dataclass
class HealthSection:
    available: bool
    note: str = ""
    bands: Counter[str] = field(default_factory=Counter)
    arr_by_band: dict[str, float] = field(default_factory=dict)
    at_risk: list[AccountRow] = field(default_factory=list)
    """Red accounts first, then yellow; highest ARR first within a band."""
    expansion: list[AccountRow] = field(default_factory=list)
    by_story: dict[str, Counter[str]] = field(default_factory=dict)
    """Simulated story -> bands scoring gave those accounts (does health see the truth?)."""
    timeline: list[tuple[date, Counter[str]]] = field(default_factory=list)
    """Accounts per band at the end of each day of event time (scoring's history)."""


@dataclass(frozen=True, slots=True)
class ThemeRow:
    theme_id: str
    title: str
    keywords: tuple[str, ...]
    languages: dict[str, float]
    items: int
    accounts: int
    arr: float
    at_risk_share: float | None
    status: str
    ticket: str | None
    ticket_url: str | None
    quotes: tuple[str, ...]
    kinds: dict[str, int] = field(default_factory=dict)
    """Feedback kinds of its latest items (support_ticket, nps_comment, csm_note, ...)."""
    held_back: str | None = None
    """Why it has no ticket though it reached the threshold (bridge's `held_back`)."""

    @property
    def complaint_share(self) -> float | None:
        """Share of its items that are support tickets, feature requests or churn reasons."""
        total = sum(self.kinds.values())
        if not total:
            return None
        asks = ("support_ticket", "feature_request", "churn_reason")
        return sum(self.kinds.get(kind, 0) for kind in asks) / total


@dataclass
class ThemesSection:
    available: bool
    note: str = ""
    themes: list[ThemeRow] = field(default_factory=list)
    total_themes: int = 0
    feedback_items: int = 0
    tickets_in_jira: int = 0
    #: issues filed twice for one theme (a broken search-before-create: should be 0)
    duplicate_tickets: int = 0
    #: tickets the bridge marked duplicates of another when their theme merged into its theme
    merged_tickets: int = 0
    #: issues the bridge filed in this run's Jira for the workspaces of earlier demo runs
    other_workspaces_tickets: int = 0
    #: purity and coverage of the tickets against the simulator's labels (None: not scored)
    scores: TicketScores | None = None


@dataclass(frozen=True, slots=True)
class PlaybookRow:
    playbook_id: str
    name: str
    sent: int
    failed: int
    pending: int
    suppressed: dict[str, int]
    converted: int
    treatment_rate: float | None
    holdout_rate: float | None
    uplift: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass
class NudgesSection:
    available: bool
    note: str = ""
    playbooks: list[PlaybookRow] = field(default_factory=list)
    emails: int = 0
    emails_ja: int = 0
    slack_alerts: int = 0
    planted: dict[str, Planted] = field(default_factory=dict)
    """What the simulated customers were made to do after their nudges, by playbook."""

    @property
    def sent(self) -> int:
        return sum(row.sent for row in self.playbooks)

    @property
    def suppressed(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for row in self.playbooks:
            total.update(row.suppressed)
        return total


@dataclass
class LoopSection:
    """Closing the loop: a ticket resolved in Jira, its reporters told by notify."""

    available: bool
    note: str = ""
    ticket: str | None = None
    title: str | None = None
    accounts: int = 0
    emails: int = 0


@dataclass
class Simulation:
    accounts: int
    users: int
    days: int
    start: datetime
    end: datetime
    by_topic: dict[str, int]
    acknowledged: int
    seconds: float
    stories: Counter[str]


@dataclass
class DemoReport:
    generated_at: datetime
    workspace_id: str
    simulation: Simulation
    setup: list[tuple[str, str, bool, str]]
    health: HealthSection
    themes: ThemesSection
    nudges: NudgesSection
    loop: LoopSection
    caught_up: bool = True
    lagging: list[str] = field(default_factory=list)
