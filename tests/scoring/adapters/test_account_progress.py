"""Accounts in SQL (SQLite and PostgreSQL): a day's close that moves only the days closed and
the lateness reference writes those alone (the ``progress`` column), and the account read back
is the one in memory, whether its last write was the whole header or only its progress; a row
written before the column existed reads them from its header."""

from __future__ import annotations

import orjson
from sqlalchemy import update
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters.accounts import load_account, save_accounts
from banso_scoring.adapters.portfolio_store import portfolio_page
from banso_scoring.adapters.tables import ACCOUNTS
from banso_scoring.domain.aggregate_codec import header_document, progress_document, to_document
from banso_scoring.domain.durations import day_of
from banso_scoring.domain.facts import TraitsUpdate
from banso_scoring.domain.portfolio import PortfolioQuery, PortfolioRow
from banso_scoring.domain.published import Published
from banso_scoring.domain.state import AccountEntry, Scorecards
from banso_scoring.service.days import close_account_days
from banso_scoring.service.writes import RoundWrites

from ..domain.builders import T0, account, daily, health_at, policy_of, scorecard, ts, use

CARD = Scorecards().default
POLICY = policy_of(scorecard())
DAY0 = day_of(T0)
GRACE = 3_600.0


async def _save(session: AsyncSession, entry: AccountEntry, writes: RoundWrites) -> None:
    await save_accounts(
        session,
        entries=[entry],
        aggregates=writes.aggregates_changed,
        evaluated=writes.health_changed,
        published=writes.published,
        progress=writes.progress_changed,
    )
    await session.commit()


async def _reloaded(session: AsyncSession, entry: AccountEntry) -> AccountEntry:
    found = await load_account(session, workspace_id=entry.key[0], account_id=entry.key[1])
    assert found is not None
    return found


def _close(entry: AccountEntry, last_day: int, recorded: float) -> RoundWrites:
    writes = RoundWrites()
    close_account_days(
        entry, CARD, last=DAY0 + last_day, recorded=recorded, grace=GRACE, writes=writes
    )
    return writes


async def test_progress_written_alone_reads_back_as_in_memory(session: AsyncSession) -> None:
    entry = AccountEntry(account(), partition=0)
    daily(entry.aggregate, POLICY, range(0, 10), users=3)
    await _save(session, entry, RoundWrites())
    # Stream time within the lateness grace (a backlog caught up): the reference holds still.
    for day, recorded in ((9, ts(12)), (10, ts(12) + 60), (11, ts(12) + 120)):
        writes = _close(entry, day, recorded)
        # Only the days closed and the lateness reference moved: the header is not rewritten.
        assert writes.progress_changed == {entry.key}
        assert writes.aggregates_changed == set()
        await _save(session, entry, writes)
        assert to_document((await _reloaded(session, entry)).aggregate) == to_document(
            entry.aggregate
        )
    assert entry.aggregate.closed_through == DAY0 + 11
    # A grace period of stream time later the lateness reference moves (and may prune): the
    # whole header is written, with its progress.
    writes = _close(entry, 11, ts(12) + GRACE)
    assert writes.aggregates_changed == {entry.key}
    await _save(session, entry, writes)
    assert to_document((await _reloaded(session, entry)).aggregate) == to_document(entry.aggregate)
    # Events for a closed day reopen it; the whole header is written with its progress.
    use(entry.aggregate, POLICY, 11, "newcomer", received_day=12, hours=13.0)
    writes = RoundWrites()
    writes.aggregates_changed.add(entry.key)
    await _save(session, entry, writes)
    back = await _reloaded(session, entry)
    assert back.aggregate.reopened_from == DAY0 + 11
    assert to_document(back.aggregate) == to_document(entry.aggregate)


async def test_a_row_without_progress_reads_it_from_its_header(session: AsyncSession) -> None:
    entry = AccountEntry(account(), partition=0)
    daily(entry.aggregate, POLICY, range(0, 10), users=3)
    _close(entry, 9, ts(10))
    await _save(session, entry, RoundWrites())
    # As the header was written before the progress column: with those fields in it.
    legacy = {**header_document(entry.aggregate), **progress_document(entry.aggregate)}
    connection = await session.connection()
    await connection.execute(update(ACCOUNTS).values(aggregate=orjson.dumps(legacy), progress=None))
    await session.commit()
    back = await _reloaded(session, entry)
    assert back.aggregate.closed_through == DAY0 + 9
    assert to_document(back.aggregate) == to_document(entry.aggregate)


async def test_header_score_and_publication_of_one_round_read_back(session: AsyncSession) -> None:
    """An account whose events, evaluation and publication land in one round is written in one
    statement (its changed day buckets in one more); each part reads back, and so does a later
    round that changes only some."""
    entry = AccountEntry(account(), partition=0)
    daily(entry.aggregate, POLICY, range(0, 10), users=3)
    await _save(session, entry, RoundWrites())
    # A stored day bucket changed (replaced in place) and a new one.
    use(entry.aggregate, POLICY, 9, "newcomer", hours=20.0)
    use(entry.aggregate, POLICY, 10, "newcomer", hours=9.0)
    health = health_at(entry.aggregate, CARD.scorecard, 10)
    entry.score, entry.band, entry.evaluated_at = health.score, health.band, ts(10)
    entry.published = Published.of(health)
    entry.remember_score(ts(10), health.score)
    writes = RoundWrites()
    writes.aggregates_changed.add(entry.key)
    writes.health_changed.add(entry.key)
    writes.published.add(entry.key)
    await _save(session, entry, writes)
    back = await _reloaded(session, entry)
    assert to_document(back.aggregate) == to_document(entry.aggregate)
    assert (back.score, back.band, back.evaluated_at) == (health.score, health.band, ts(10))
    assert back.published is not None
    assert back.published.document == entry.published.document
    assert back.recent_scores == [(ts(10), health.score)]
    # A later round: a publication without an evaluation in it, then an evaluation alone.
    later = health_at(entry.aggregate, CARD.scorecard, 11)
    entry.published = Published.of(later)
    writes = RoundWrites()
    writes.published.add(entry.key)
    await _save(session, entry, writes)
    entry.score, entry.band, entry.evaluated_at = 12.5, "red", ts(12)
    writes = RoundWrites()
    writes.health_changed.add(entry.key)
    await _save(session, entry, writes)
    back = await _reloaded(session, entry)
    assert back.published is not None
    assert back.published.document == entry.published.document
    assert (back.score, back.band, back.evaluated_at) == (12.5, "red", ts(12))
    assert to_document(back.aggregate) == to_document(entry.aggregate)


async def test_traits_changed_in_a_later_round_reach_the_portfolio(session: AsyncSession) -> None:
    """The portfolio's trait columns are written with the header only when they change; a
    change in a later round, and one after the account was read back, still reaches them."""

    async def portfolio_row() -> PortfolioRow:
        page = await portfolio_page(
            session, workspace_id="ws_1", query=PortfolioQuery(), limit=10, offset=0
        )
        (row,) = page.rows
        return row

    entry = AccountEntry(account(renewal_day=90), partition=0)
    daily(entry.aggregate, POLICY, range(0, 3), users=3)
    await _save(session, entry, RoundWrites())
    changed = RoundWrites()
    changed.aggregates_changed.add(entry.key)
    # Events alone: the header is written, the traits stay.
    use(entry.aggregate, POLICY, 3, "newcomer")
    await _save(session, entry, changed)
    row = await portfolio_row()
    assert (row.plan, row.seats, row.renewal_at) == ("pro", 20, ts(90))
    entry.aggregate.apply_traits(TraitsUpdate(at=ts(3), plan="enterprise", renewal_at=ts(120)))
    await _save(session, entry, changed)
    row = await portfolio_row()
    assert (row.plan, row.seats, row.renewal_at) == ("enterprise", 20, ts(120))
    # Read back (as after a restart), then changed again.
    entry = await _reloaded(session, entry)
    entry.aggregate.apply_traits(TraitsUpdate(at=ts(4), seats=40, name="Acme KK"))
    await _save(session, entry, changed)
    row = await portfolio_row()
    assert (row.name, row.plan, row.seats, row.renewal_at) == ("Acme KK", "enterprise", 40, ts(120))
