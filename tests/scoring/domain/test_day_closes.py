"""Closing event-time days (pure: an account in memory, what a round would write)."""

from __future__ import annotations

from banso_scoring.domain.durations import day_of
from banso_scoring.domain.health import assess
from banso_scoring.domain.state import AccountEntry, Scorecards
from banso_scoring.service.days import close_account_days
from banso_scoring.service.writes import RoundWrites

from .builders import DAY, T0, account, daily, policy_of, scorecard, ts, use

CARD = Scorecards().default
POLICY = policy_of(scorecard())
DAY0 = day_of(T0)
GRACE = 3_600.0


def close(entry: AccountEntry, last_day: int, recorded: float) -> RoundWrites:
    writes = RoundWrites()
    close_account_days(
        entry, CARD, last=DAY0 + last_day, recorded=recorded, grace=GRACE, writes=writes
    )
    return writes


def test_each_day_from_the_first_event_gets_its_health_at_its_end() -> None:
    entry = AccountEntry(account(), partition=0)
    daily(entry.aggregate, POLICY, range(3, 20), users=8)
    writes = close(entry, 24, recorded=ts(25))
    rows = writes.history
    assert [row["at"] for row in rows] == [ts(day, 24) - 1 for day in range(3, 25)]
    assert {row["cause"] for row in rows} == {"day"}
    assert not any(row["revised"] for row in rows)
    # As of each day's end: the same numbers an evaluation at that moment gives.
    for row in rows:
        moment = row["at"]
        assert isinstance(moment, float)
        numbers = assess(entry.aggregate, CARD.scorecard, now=moment)
        assert (row["score"], row["band"]) == (numbers.score, numbers.band)
    assert entry.aggregate.closed_through == DAY0 + 24
    # Nothing new: closing again writes nothing.
    assert close(entry, 24, recorded=ts(25) + 60).history == []


def test_events_for_a_closed_day_record_it_and_the_days_after_again() -> None:
    entry = AccountEntry(account(), partition=0)
    daily(entry.aggregate, POLICY, range(0, 10), users=8)
    close(entry, 9, recorded=ts(10))
    use(entry.aggregate, POLICY, 7, "newcomer", received_day=10)
    assert entry.aggregate.reopened_from == DAY0 + 7
    writes = close(entry, 10, recorded=ts(10) + 600)
    assert [(row["at"], row["revised"]) for row in writes.history] == [
        (ts(7, 24) - 1, True),
        (ts(8, 24) - 1, True),
        (ts(9, 24) - 1, True),
        (ts(10, 24) - 1, False),
    ]
    assert writes.revised_days == 3
    assert entry.aggregate.reopened_from is None


def test_closing_moves_the_lateness_reference_a_grace_period_later() -> None:
    entry = AccountEntry(account(), partition=0)
    daily(entry.aggregate, POLICY, range(0, 10), users=2)
    close(entry, 9, recorded=ts(10))
    assert entry.aggregate.late_before is None
    close(entry, 9, recorded=ts(10) + GRACE)
    assert entry.aggregate.late_before == ts(9, 1.01) - 2 * DAY
    assert entry.aggregate.final_through == DAY0 + 6
