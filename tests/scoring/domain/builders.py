"""Builders for scoring unit tests: a fixed calendar, accounts and usage in a few words."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from banso_scoring.domain.aggregates import AccountAggregate, ApplyPolicy
from banso_scoring.domain.facts import TraitsUpdate, Usage
from banso_scoring.domain.health import Health, compute_health
from banso_scoring.domain.scorecard import Scorecard
from banso_scoring.domain.scorecard_yaml import default_scorecard

DAY = 86_400.0
# Day 0 of every test calendar: Monday 3 March 2025, 00:00 UTC.
T0 = datetime(2025, 3, 3, tzinfo=UTC).timestamp()


def ts(day: float, hours: float = 12.0) -> float:
    return T0 + day * DAY + hours * 3_600


def moment(day: float, hours: float = 12.0) -> datetime:
    return datetime.fromtimestamp(ts(day, hours), tz=UTC)


def scorecard(*measures: dict[str, Any], **fields: Any) -> Scorecard:
    """A scorecard with just these measures (default: the shipped one)."""
    if not measures and not fields:
        return default_scorecard()
    document: dict[str, Any] = {"measures": list(measures) or [_default_measures()]}
    document.update(fields)
    return Scorecard.model_validate(document)


def _default_measures() -> dict[str, Any]:
    return {"measure": "licence_utilisation", "weight": 1}


def policy_of(card: Scorecard) -> ApplyPolicy:
    return ApplyPolicy.from_scorecard(card)


def account(
    *,
    seats: int | None = 20,
    created_day: float | None = -60,
    plan: str | None = "pro",
    renewal_day: float | None = None,
    arr: float | None = None,
) -> AccountAggregate:
    aggregate = AccountAggregate(workspace_id="ws_1", account_id="acme")
    aggregate.apply_traits(
        TraitsUpdate(
            at=ts(-100),
            seats=seats,
            plan=plan,
            arr=arr,
            created_at=None if created_day is None else ts(created_day, 0),
            renewal_at=None if renewal_day is None else ts(renewal_day),
        )
    )
    return aggregate


def use(
    aggregate: AccountAggregate,
    policy: ApplyPolicy,
    day: float,
    user: str | None = "u1",
    name: str = "Page Viewed",
    *,
    hours: float = 12.0,
    received_day: float | None = None,
    properties: dict[str, object] | None = None,
) -> None:
    at = ts(day, hours)
    received = at if received_day is None else ts(received_day, hours)
    aggregate.apply_usage(
        Usage(name=name, at=at, received_at=received, user_id=user, properties=properties),
        policy,
    )


def daily(
    aggregate: AccountAggregate,
    policy: ApplyPolicy,
    days: range,
    users: int,
    name: str = "Page Viewed",
) -> None:
    """``users`` distinct users each use ``name`` once on each of ``days``."""
    for day in days:
        for user in range(users):
            use(aggregate, policy, day, f"u{user}", name, hours=1 + user * 0.01)


def health_at(
    aggregate: AccountAggregate, card: Scorecard, day: float, hours: float = 12.0, **kwargs: Any
) -> Health:
    return compute_health(aggregate, card, now=moment(day, hours), **kwargs)


def measure(health: Health, name: str) -> Any:
    return next(part for part in health.measures if part.measure == name)
