"""Reading aggregates over windows of whole UTC days ending today (today included)."""

from __future__ import annotations

from collections.abc import Iterable

from banso_scoring.domain.aggregates import SUM_SEPARATOR, AccountAggregate


def day_range(today: int, days: int, *, offset: int = 0) -> range:
    """The ``days`` days ending ``offset`` days before ``today`` (inclusive)."""
    last = today - offset
    return range(last - days + 1, last + 1)


def active_users(aggregate: AccountAggregate, days: Iterable[int]) -> int:
    mask = 0
    buckets = aggregate.days
    for day in days:
        bucket = buckets.get(day)
        if bucket is not None:
            mask |= bucket.users
    return mask.bit_count()


def event_count(aggregate: AccountAggregate, days: Iterable[int], name: str | None = None) -> int:
    """Events of ``name`` (all events when None) in ``days``."""
    total = 0
    buckets = aggregate.days
    for day in days:
        bucket = buckets.get(day)
        if bucket is not None:
            total += sum(bucket.counts.values()) if name is None else bucket.counts.get(name, 0)
    return total


def property_sum(aggregate: AccountAggregate, days: Iterable[int], event: str, prop: str) -> float:
    key = f"{event}{SUM_SEPARATOR}{prop}"
    total = 0.0
    for day in days:
        bucket = aggregate.days.get(day)
        if bucket is not None:
            total += bucket.sums.get(key, 0.0)
    return total


def active_days(aggregate: AccountAggregate, today: int) -> int:
    """Days up to today with any usage at all, among those kept."""
    return sum(1 for day, bucket in aggregate.days.items() if day <= today and bucket.counts)


def feedback_tally(
    aggregate: AccountAggregate, days: Iterable[int], kinds: Iterable[str]
) -> dict[str, tuple[int, int]]:
    """Per kind: (items, negative items) in ``days``."""
    tally: dict[str, tuple[int, int]] = {}
    feedback_days = aggregate.feedback_days
    if not feedback_days:
        # Most accounts, most days: assessed for every day's close, so no loop over the window.
        return tally
    wanted = set(kinds)
    for day in days:
        per_kind = feedback_days.get(day)
        if per_kind is None:
            continue
        for kind, (items, negative) in per_kind.items():
            if kind in wanted:
                before = tally.get(kind, (0, 0))
                tally[kind] = (before[0] + items, before[1] + negative)
    return tally
