"""The simulated customers: accounts, the people at them, and how each account's story goes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from banso_sim.world.catalog import Csm, Plan


class Archetype(StrEnum):
    """How an account's 90 days go: what a CS team would want health to reveal."""

    HEALTHY = "healthy"
    DECLINING = "declining"
    """Usage falls after an onset day and some people are removed."""
    CHURNING = "churning"
    """Usage dies out before the window ends; the renewal is near."""
    EXPANDING = "expanding"
    """People keep joining, seats run out, the account buys more."""
    ONBOARDING = "onboarding"
    """Signed up during the window; some reach their milestones on time, some do not."""


@dataclass(frozen=True, slots=True)
class WorldConfig:
    """What to simulate. The same config always yields the same world and the same events."""

    now: datetime
    """The end of the simulated window (aware); events fall in [now - days, now)."""
    seed: int = 7
    accounts: int = 200
    users: int = 3000
    days: int = 90
    activity: float = 1.0
    """Scales how often people use the product (and so the number of usage events)."""

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        if self.accounts < 1 or self.users < self.accounts or self.days < 1:
            raise ValueError("need at least one account, one user per account and one day")
        if self.activity <= 0:
            raise ValueError("activity must be positive")

    @property
    def start(self) -> datetime:
        return self.now.astimezone(UTC) - timedelta(days=self.days)


@dataclass(frozen=True, slots=True)
class Trajectory:
    """How intensely an account uses the product over the window (1.0 = its normal)."""

    archetype: Archetype
    onset: float
    """Fraction of the window at which the story turns (decline, churn, expansion)."""
    end: float
    """Churning: the fraction at which usage has died out. Others: 1.0."""
    floor: float
    """Declining: the intensity reached at the end of the window."""
    struggling: bool = False
    """Onboarding: the account never really gets going and misses milestones."""

    def intensity(self, fraction: float, *, age_days: float | None = None) -> float:
        """Relative usage at `fraction` of the window (0..1); `age_days` since the account's
        creation matters for onboarding accounts."""
        kind = self.archetype
        if kind is Archetype.DECLINING:
            if fraction <= self.onset:
                return 1.0
            progress = (fraction - self.onset) / max(1e-9, 1.0 - self.onset)
            return 1.0 - (1.0 - self.floor) * progress
        if kind is Archetype.CHURNING:
            if fraction <= self.onset:
                return 0.9
            if fraction >= self.end:
                return 0.0
            progress = (fraction - self.onset) / max(1e-9, self.end - self.onset)
            return 0.9 * float((1.0 - progress) ** 1.5)
        if kind is Archetype.EXPANDING:
            return 1.0 if fraction <= self.onset else 1.25
        if kind is Archetype.ONBOARDING:
            if age_days is None or age_days < 0:
                return 0.0
            ramp = min(1.0, 0.3 + age_days / 14)
            return ramp * (0.45 if self.struggling else 1.0)
        return 1.0


@dataclass(frozen=True, slots=True)
class Account:
    """A customer company (Segment `groupId`) and its commercial facts."""

    index: int
    id: str
    name: str
    domain: str
    plan: Plan
    segment: str
    industry: str
    seats: int
    """Seats bought at the start of the window."""
    seat_price_usd: int
    discount: float
    created_at: datetime
    renewal_date: date
    timezone: str
    locale: str
    csm: Csm
    trajectory: Trajectory
    upgrade_day: int | None = None
    """Expanding accounts buy more seats on this day of the window."""
    upgraded_seats: int | None = None

    @property
    def archetype(self) -> Archetype:
        return self.trajectory.archetype

    def seats_on(self, day: int) -> int:
        if self.upgrade_day is not None and self.upgraded_seats and day >= self.upgrade_day:
            return self.upgraded_seats
        return self.seats

    def arr_on(self, day: int) -> int:
        """Annual recurring revenue in USD, rounded to 100."""
        return round(self.seats_on(day) * self.seat_price_usd * 12 * self.discount / 100) * 100


@dataclass(frozen=True, slots=True)
class User:
    """A person at an account (Segment `userId`)."""

    id: str
    account_id: str
    name: str
    first_name: str
    last_name: str
    email: str
    role: str
    locale: str
    timezone: str
    joined_day: int
    """Day of the window the person was provisioned; negative = before the window."""
    left_day: int | None
    """Day the person was removed (deprovisioned), if they were."""
    engagement: float
    """Probability of using the product on a working day at the account's normal intensity."""
    feature_weights: tuple[float, ...]
    """The person's taste for each of catalog.FEATURE_EVENTS."""

    def present_on(self, day: int) -> bool:
        return self.joined_day <= day and (self.left_day is None or day < self.left_day)


@dataclass(frozen=True, slots=True)
class World:
    config: WorldConfig
    accounts: tuple[Account, ...]
    users: tuple[User, ...]

    def users_of(self, account: Account) -> tuple[User, ...]:
        return tuple(user for user in self.users if user.account_id == account.id)

    def busiest_csm(self) -> tuple[Csm, int]:
        """The CSM who owns the most accounts (the first by id on a tie), and how many."""
        books: dict[str, list[Account]] = {}
        for account in self.accounts:
            books.setdefault(account.csm.id, []).append(account)
        csm_id = max(sorted(books), key=lambda key: len(books[key]))
        return books[csm_id][0].csm, len(books[csm_id])
