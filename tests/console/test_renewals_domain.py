"""The portfolio's renewals ahead: scoring's page of the renewal window (the soonest accounts,
counts and ARR per band of them all) read as the renewals section shows it."""

from __future__ import annotations

from typing import Any

from banso_console.domain.portfolio import renewals


def _account(account_id: str, band: str) -> dict[str, object]:
    return {"account_id": account_id, "band": band, "renewal_at": "2026-12-20T00:00:00+00:00"}


def test_renewals_are_counted_and_summed_per_band_red_first() -> None:
    page: dict[str, Any] = {
        "accounts": [_account("now", "red"), _account("soon", "yellow")],
        "total": 7,
        "arr": 35_000.0,
        "arr_by_band": {"yellow": 20_000.0, "red": 10_000.0, "green": 5_000.0},
        "accounts_by_band": {"yellow": 1, "red": 5, "green": 1},
    }
    found = renewals(page)
    assert [(row.band, row.accounts, row.arr) for row in found.by_band] == [
        ("red", 5, 10_000.0),
        ("yellow", 1, 20_000.0),
        ("green", 1, 5_000.0),
        ("unknown", 0, 0.0),
    ]
    assert (found.accounts, found.arr) == (7, 35_000.0)
    assert [a["account_id"] for a in found.soonest] == ["now", "soon"]


def test_no_renewal_ahead() -> None:
    found = renewals({"accounts": [], "total": 0, "arr": 0.0, "arr_by_band": {}})
    assert found.accounts == 0
    assert found.arr == 0.0
    assert found.soonest == ()
    assert {row.accounts for row in found.by_band} == {0}
