"""Build a world from a config: accounts with their plans and stories, and the people at them.

Every random draw comes from a generator seeded with the config's seed and a stable stream name
(`"7:account:12"`), so the same config gives the same world on any machine and Python version.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from banso_sim.world import catalog
from banso_sim.world.catalog import CSMS, OTHER_ZONES, PLANS, TOKYO, Csm, PlanTerms
from banso_sim.world.model import Account, Archetype, Trajectory, User, World, WorldConfig
from banso_sim.world.names import company_name, person_name

T = TypeVar("T")

ARCHETYPE_SHARES: tuple[tuple[Archetype, float], ...] = (
    (Archetype.HEALTHY, 0.45),
    (Archetype.DECLINING, 0.20),
    (Archetype.CHURNING, 0.10),
    (Archetype.EXPANDING, 0.15),
    (Archetype.ONBOARDING, 0.10),
)
# How full an account's seats are at the end of the window, by story.
_FILL: dict[Archetype, tuple[float, float]] = {
    Archetype.HEALTHY: (0.6, 0.88),
    Archetype.DECLINING: (0.65, 0.88),
    Archetype.CHURNING: (0.45, 0.75),
    Archetype.ONBOARDING: (0.5, 0.85),
}


def rng_for(seed: int, stream: str) -> random.Random:
    """A generator of its own for one stream of draws (str seeds hash with SHA-512: stable)."""
    return random.Random(f"{seed}:{stream}")


def token(rng: random.Random, prefix: str, digits: int = 12) -> str:
    return f"{prefix}_{rng.getrandbits(digits * 4):0{digits}x}"


def apportion(total: int, weights: Sequence[float], minimum: int = 1) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainder), each >= minimum."""
    count = len(weights)
    if total < minimum * count:
        raise ValueError(f"cannot give {count} parts at least {minimum} out of {total}")
    spare = total - minimum * count
    scale = sum(weights)
    exact = [spare * weight / scale for weight in weights]
    parts = [math.floor(value) for value in exact]
    by_remainder = sorted(range(count), key=lambda i: (parts[i] - exact[i], i))
    for index in by_remainder[: spare - sum(parts)]:
        parts[index] += 1
    return [part + minimum for part in parts]


def build_world(config: WorldConfig) -> World:
    seed = config.seed
    shuffle_rng = rng_for(seed, "archetypes")
    counts = apportion(config.accounts, [share for _, share in ARCHETYPE_SHARES], minimum=0)
    archetypes = [
        kind for (kind, _), n in zip(ARCHETYPE_SHARES, counts, strict=True) for _ in range(n)
    ]
    shuffle_rng.shuffle(archetypes)

    drafts = [_draft_account(config, index, kind) for index, kind in enumerate(archetypes)]
    user_counts = apportion(config.users, [draft.weight for draft in drafts], minimum=1)
    accounts: list[Account] = []
    users: list[User] = []
    domains: set[str] = set()
    for draft, count in zip(drafts, user_counts, strict=True):
        account, people = _complete(config, draft, count, domains)
        accounts.append(account)
        users.extend(people)
    return World(config=config, accounts=tuple(accounts), users=tuple(users))


class _Draft:
    """An account before its size is known (sizes are apportioned across all accounts)."""

    def __init__(
        self,
        index: int,
        rng: random.Random,
        terms: PlanTerms,
        trajectory: Trajectory,
        timezone: str,
        locale: str,
        weight: float,
    ) -> None:
        self.index = index
        self.rng = rng
        self.terms = terms
        self.trajectory = trajectory
        self.timezone = timezone
        self.locale = locale
        self.weight = weight


def _draft_account(config: WorldConfig, index: int, kind: Archetype) -> _Draft:
    rng = rng_for(config.seed, f"account:{index}")
    if rng.random() < catalog.TOKYO_SHARE:
        timezone = TOKYO
        locale = "ja" if rng.random() < catalog.JA_SHARE_IN_TOKYO else "en"
    else:
        timezone = _weighted(rng, OTHER_ZONES)
        locale = "en"
    terms = _weighted(rng, tuple((terms, terms.share) for terms in PLANS))
    trajectory = _trajectory(rng, kind)
    weight = terms.typical_users * rng.lognormvariate(0.0, 0.45)
    return _Draft(index, rng, terms, trajectory, timezone, locale, weight)


def _trajectory(rng: random.Random, kind: Archetype) -> Trajectory:
    if kind is Archetype.DECLINING:
        return Trajectory(kind, onset=rng.uniform(0.25, 0.55), end=1.0, floor=rng.uniform(0.1, 0.3))
    if kind is Archetype.CHURNING:
        onset = rng.uniform(0.2, 0.45)
        return Trajectory(kind, onset=onset, end=rng.uniform(0.62, 0.85), floor=0.0)
    if kind is Archetype.EXPANDING:
        return Trajectory(kind, onset=rng.uniform(0.15, 0.45), end=1.0, floor=1.0)
    if kind is Archetype.ONBOARDING:
        return Trajectory(kind, onset=0.0, end=1.0, floor=1.0, struggling=rng.random() < 0.35)
    return Trajectory(kind, onset=0.0, end=1.0, floor=1.0)


def _complete(
    config: WorldConfig, draft: _Draft, count: int, domains: set[str]
) -> tuple[Account, list[User]]:
    rng, terms, kind = draft.rng, draft.terms, draft.trajectory.archetype
    days = config.days
    company = company_name(rng, japanese=draft.locale == "ja")
    domain = f"{company.slug}.example"
    if domain in domains:
        domain = f"{company.slug}-{draft.index}.example"
    domains.add(domain)
    account_id = token(rng, "acct", 10)
    now = config.now.astimezone(UTC)
    created_day: int | None = None
    if kind is Archetype.ONBOARDING:
        created_day = rng.randint(max(1, round(days * 0.05)), max(1, round(days * 0.75)))
        created_at = config.start + timedelta(days=created_day, hours=rng.randint(0, 9))
        renewal = (created_at + timedelta(days=365)).date()
    else:
        low, high = {Archetype.CHURNING: (15, 75), Archetype.DECLINING: (30, 240)}.get(
            kind, (20, 365)
        )
        renewal = (now + timedelta(days=rng.randint(low, high))).date()
        years = rng.randint(1, 3)
        created_at = datetime.combine(renewal, datetime.min.time(), UTC) - timedelta(
            days=365 * years
        )
        while created_at > config.start - timedelta(days=30):
            created_at -= timedelta(days=365)
    step = terms.seat_step
    upgrade_day: int | None = None
    upgraded: int | None = None
    if kind is Archetype.EXPANDING:
        seats = max(1, min(count, _round_up(count / rng.uniform(1.35, 1.7), step)))
        initial = max(1, min(count, round(seats * rng.uniform(0.8, 0.92))))
        onset_day = round(draft.trajectory.onset * days)
        last_join = max(onset_day, round(days * 0.85))
        joins = sorted(
            [-rng.randint(1, 400) for _ in range(initial)]
            + [rng.randint(onset_day, last_join) for _ in range(count - initial)]
        )
        if count > seats:
            upgrade_day = joins[seats]
            # they buy about what they need, so the new seats fill up again
            upgraded = count + rng.randint(0, count // 10)
    else:
        low_fill, high_fill = _FILL[kind]
        seats = max(count, _round_up(count / rng.uniform(low_fill, high_fill), step))
        # nobody new joins an account after it has stopped using the product
        last_join = days - 1
        if kind is Archetype.CHURNING:
            last_join = max(0, round(draft.trajectory.end * days) - 1)
        joins = _join_days(rng, kind, count, last_join, created_day)
    csm = _csm_for(rng, draft.locale, draft.timezone)
    account = Account(
        index=draft.index,
        id=account_id,
        name=company.name,
        domain=domain,
        plan=terms.plan,
        segment=terms.segment,
        industry=company.slug.rsplit("-", 1)[-1],
        seats=seats,
        seat_price_usd=terms.seat_price_usd,
        discount=rng.choice((1.0, 0.95, 0.9, 0.85)) if terms.segment != "smb" else 1.0,
        created_at=created_at,
        renewal_date=renewal,
        timezone=draft.timezone,
        locale=draft.locale,
        csm=csm,
        trajectory=draft.trajectory,
        upgrade_day=upgrade_day,
        upgraded_seats=upgraded,
    )
    users = [_user(rng, account, n, joins[n], days) for n in range(count)]
    return account, _unique_emails(users)


def _join_days(
    rng: random.Random, kind: Archetype, count: int, last_join: int, created_day: int | None
) -> list[int]:
    if kind is Archetype.ONBOARDING:
        assert created_day is not None
        return [created_day] + sorted(
            min(last_join, created_day + rng.randint(0, 21)) for _ in range(count - 1)
        )
    # Existing customers: most people were there before the window, a few new hires join in it.
    return [
        rng.randint(0, last_join) if rng.random() < 0.07 and n > 0 else -rng.randint(1, 400)
        for n in range(count)
    ]


def _user(rng: random.Random, account: Account, n: int, joined_day: int, days: int) -> User:
    if account.locale == "ja":
        locale = "ja" if rng.random() < 0.92 else "en"
    else:
        locale = "ja" if rng.random() < 0.07 else "en"
    timezone = account.timezone if rng.random() < 0.95 else _weighted(rng, OTHER_ZONES)
    if n == 0:
        role = "owner"
    else:
        draw = rng.random()
        role = "admin" if draw < 0.08 else "viewer" if draw < 0.33 else "member"
    person = person_name(rng, japanese=locale == "ja")
    left_day: int | None = None
    trajectory = account.trajectory
    if trajectory.archetype is Archetype.DECLINING and n > 0 and rng.random() < 0.2:
        left_day = max(joined_day + 1, rng.randint(round(trajectory.onset * days), days - 1))
    engagement = rng.betavariate(2.2, 2.0) * 0.9 + 0.05
    weights = []
    for event, base in catalog.FEATURE_EVENTS:
        taste = base * rng.lognormvariate(0.0, 0.5)
        if role == "viewer" and event in ("Report Created", "Alert Configured"):
            taste *= 0.1
        weights.append(taste)
    return User(
        id=token(rng, "usr"),
        account_id=account.id,
        name=person.name,
        first_name=person.first_name,
        last_name=person.last_name,
        email=f"{person.email_local}@{account.domain}",
        role=role,
        locale=locale,
        timezone=timezone,
        joined_day=joined_day,
        left_day=left_day,
        engagement=engagement * (0.6 if role == "viewer" else 1.0),
        feature_weights=tuple(weights),
    )


def _unique_emails(users: list[User]) -> list[User]:
    seen: dict[str, int] = {}
    unique: list[User] = []
    for user in users:
        count = seen.get(user.email, 0)
        seen[user.email] = count + 1
        if count:
            local, domain = user.email.split("@", 1)
            user = replace(user, email=f"{local}{count + 1}@{domain}")
        unique.append(user)
    return unique


def _csm_for(rng: random.Random, locale: str, timezone: str) -> Csm:
    if locale == "ja":
        return rng.choice([csm for csm in CSMS if csm.locale == "ja"])
    english = [csm for csm in CSMS if csm.locale == "en"]
    if timezone.startswith(("America/", "Europe/")):
        return english[-1]
    return english[0]


def _round_up(value: float, step: int) -> int:
    return max(step, math.ceil(value / step) * step)


def _weighted(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights=weights, k=1)[0]
