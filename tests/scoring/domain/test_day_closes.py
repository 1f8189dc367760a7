"""Closing event-time days (pure: an account in memory, what a round would write)."""

from __future__ import annotations

from banso_scoring.domain.durations import day_of
from banso_scoring.domain.facts import Touch, TraitsUpdate
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


def _history_of(*, late: bool) -> dict[object, tuple[object, object]]:
    """Thirty days of an account closed day by day, as a slot's end closes them; its seats
    double and a CSM writes on day 21. With ``late``, one of day 20's events arrives on day
    21, after those changes and after day 20 was closed. The last close of each day."""
    entry = AccountEntry(account(seats=12), partition=0)
    aggregate = entry.aggregate
    closes: dict[object, tuple[object, object]] = {}
    for day in range(30):
        for user in range(2 if day % 3 == 0 else 6):
            if not (late and day == 20 and user == 0):
                use(aggregate, POLICY, day, f"u{user}", hours=1 + user)
        if day == 21:
            aggregate.apply_traits(TraitsUpdate(at=ts(21), seats=24))
            aggregate.apply_touch(Touch(at=ts(21), kind="csm_note"))
            if late:
                use(aggregate, POLICY, 20, "u0", hours=23, received_day=21.5)
        for row in close(entry, day, recorded=ts(day + 1, 0.5)).history:
            closes[row["at"]] = (row["score"], row["band"])
    return closes


def test_a_day_revised_after_a_late_record_gets_the_close_events_in_order_give() -> None:
    in_order = _history_of(late=False)
    revised = _history_of(late=True)
    assert len(in_order) == 30
    # Day 20 was closed without the late event, then again with it: it reads the seats and
    # the touch of day 20, not those that changed on day 21, as a replay in order does.
    assert revised == in_order
    assert in_order[ts(20, 24) - 1] != in_order[ts(21, 24) - 1]


def test_a_close_reads_no_measure_while_the_account_is_too_young_and_agrees_with_assess() -> None:
    entry = AccountEntry(account(created_day=None), partition=0)
    for day in (0, 3, 4, 9, 15, 16, 17, 18):
        use(entry.aggregate, POLICY, day, "u1")
    rows = close(entry, 24, recorded=ts(25)).history
    assert [row["at"] for row in rows] == [ts(day, 24) - 1 for day in range(25)]
    young = [row for row in rows if row["band"] == "unknown"]
    assert young
    assert len(young) < len(rows)
    for row in rows:
        moment = row["at"]
        assert isinstance(moment, float)
        numbers = assess(entry.aggregate, CARD.scorecard, now=moment)
        assert (row["score"], row["band"]) == (numbers.score, numbers.band)


def test_a_touch_or_trait_change_for_a_closed_day_records_it_again_unless_final() -> None:
    entry = AccountEntry(account(seats=12), partition=0)
    aggregate = entry.aggregate
    daily(aggregate, POLICY, range(0, 10), users=6)
    close(entry, 9, recorded=ts(10))
    aggregate.apply_touch(Touch(at=ts(8), kind="csm_note"))
    assert aggregate.reopened_from == DAY0 + 8
    writes = close(entry, 9, recorded=ts(10) + 600)
    assert [(row["at"], row["revised"]) for row in writes.history] == [
        (ts(8, 24) - 1, True),
        (ts(9, 24) - 1, True),
    ]
    aggregate.apply_traits(TraitsUpdate(at=ts(9), seats=6))
    assert aggregate.reopened_from == DAY0 + 9
    close(entry, 9, recorded=ts(10) + GRACE + 600)
    # Days before the lateness reference are final: a touch for one of them moves nothing.
    assert aggregate.late_before is not None
    aggregate.apply_touch(Touch(at=aggregate.late_before - DAY, kind="nudge"))
    assert aggregate.reopened_from is None
