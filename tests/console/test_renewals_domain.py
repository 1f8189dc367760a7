"""The portfolio's renewals ahead: which accounts renew in the next 90 days, by band."""

from __future__ import annotations

from datetime import UTC, datetime

from banso_console.domain.portfolio import renewals

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def _account(
    account_id: str, band: str, renewal: str | None, arr: float | None
) -> dict[str, object]:
    return {"account_id": account_id, "band": band, "renewal_at": renewal, "arr": arr}


def test_renewals_in_the_next_90_days_are_counted_and_summed_per_band() -> None:
    accounts = [
        _account("past", "red", "2026-12-01T00:00:00+00:00", 50_000),  # already renewed (or lost)
        _account("now", "red", "2026-12-06T09:00:00+00:00", 10_000),  # today counts
        _account("soon", "yellow", "2026-12-20T00:00:00+00:00", 20_000),
        _account("later", "red", "2027-02-01T00:00:00+00:00", None),  # no ARR: counted, $0
        _account("edge", "green", "2027-03-06T09:00:00+00:00", 99_000),  # day 90: outside
        _account("undated", "red", None, 70_000),
        _account("mid", "green", "2027-01-10T00:00:00+00:00", 5_000),
    ]
    found = renewals(accounts, NOW)
    by_band = {row.band: (row.accounts, row.arr) for row in found.by_band}
    assert by_band == {
        "red": (2, 10_000.0),
        "yellow": (1, 20_000.0),
        "green": (1, 5_000.0),
        "unknown": (0, 0.0),
    }
    assert (found.accounts, found.arr) == (4, 35_000.0)
    assert [a["account_id"] for a in found.soonest] == ["now", "soon", "mid", "later"]
    assert [a["account_id"] for a in renewals(accounts, NOW, soonest=2).soonest] == ["now", "soon"]


def test_no_renewal_ahead() -> None:
    found = renewals([_account("a", "red", "2028-01-01T00:00:00+00:00", 1.0)], NOW)
    assert found.accounts == 0
    assert found.soonest == ()
