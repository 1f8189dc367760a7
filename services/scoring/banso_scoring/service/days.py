"""Closing event-time days: each account's health at the end of every UTC day its partition's
event time has left behind, recorded in its history (cause ``day``), and recorded again
(``revised``) when events reach a day after it closed. Closing also moves the account's
lateness reference on (``AccountAggregate.settle``), so the days become final in turn."""

from __future__ import annotations

from banso_scoring.adapters.history import DAY_CLOSE
from banso_scoring.domain.day_scores import day_end, day_scores
from banso_scoring.domain.durations import day_of
from banso_scoring.domain.state import AccountEntry, WorkspaceScorecard
from banso_scoring.service.writes import RoundWrites

# Most event-time days closed for one account at once (a year and a bit): an account whose
# first event is older still gets the days a chart can show.
MAX_CLOSED_DAYS = 400


def close_account_days(
    entry: AccountEntry,
    card: WorkspaceScorecard,
    *,
    last: int,
    recorded: float,
    grace: float,
    writes: RoundWrites,
) -> None:
    """Record the health at the end of each day up to ``last`` (days since the epoch) not
    recorded yet or reached by events since; ``recorded`` is the stream time it happens at."""
    aggregate = entry.aggregate
    key = entry.key
    first = aggregate.first_event_at
    closed = aggregate.closed_through
    if first is not None:
        start = day_of(first) if closed is None else closed + 1
        if aggregate.reopened_from is not None:
            start = min(start, aggregate.reopened_from)
        start = max(start, last - MAX_CLOSED_DAYS + 1)
        # Traits and touches as they were then: a revised day reads what a replay in
        # event-time order would have read.
        days = range(start, last + 1)
        scores = day_scores(
            aggregate, card.scorecard, days, goals=entry.goals, milestones=entry.milestones
        )
        for day, (score, band) in zip(days, scores, strict=True):
            moment = day_end(day)
            revised = closed is not None and day <= closed
            writes.history.append(
                {
                    "workspace_id": key[0],
                    "account_id": key[1],
                    "at": moment,
                    "recorded_at": recorded,
                    "score": score,
                    "band": band,
                    "previous_score": None,
                    "previous_band": None,
                    "cause": DAY_CLOSE,
                    "change": None,
                    "scorecard_version": card.version,
                    "event_id": None,
                    "health": b"",
                    "revised": revised,
                }
            )
            writes.revised_days += int(revised)
            writes.closed_days += 1
        if start <= last:
            aggregate.closed_through = last if closed is None else max(closed, last)
            aggregate.reopened_from = None
            writes.progress_changed.add(key)
    since, floor = aggregate.late_since, aggregate.late_before
    aggregate.settle(recorded, grace, card.policy)
    if aggregate.late_before != floor:
        # The lateness reference moved, and with it, maybe, the pruning: the whole header.
        writes.aggregates_changed.add(key)
    elif aggregate.late_since != since:
        writes.progress_changed.add(key)
