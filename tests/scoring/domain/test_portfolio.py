"""The portfolio's pure decisions: weekly trend, filters, the orders, totals."""

from __future__ import annotations

from banso_scoring.domain.portfolio import (
    PortfolioQuery,
    PortfolioRow,
    select,
    totals,
    trend_of,
)

DAY = 86_400.0


def row(
    account: str, band: str, arr: float | None, name: str | None = None, **more: object
) -> PortfolioRow:
    values: dict[str, object] = {
        "account_id": account,
        "name": name,
        "plan": None,
        "arr": arr,
        "csm": None,
        "renewal_at": None,
        "seats": None,
        "score": None,
        "band": band,
        "trend": None,
        "evaluated_at": None,
    }
    values.update(more)
    return PortfolioRow(**values)  # type: ignore[arg-type]


def test_the_trend_compares_with_the_last_score_a_week_before() -> None:
    at = 30 * DAY
    recent = [[20 * DAY, 80.0], [22 * DAY, 70.0], [25 * DAY, 50.0]]
    assert trend_of(45.0, at, recent) == -25.0  # 22 days is the last at least a week before 30
    assert trend_of(45.0, at, [[25 * DAY, 50.0]]) is None  # no score that old
    assert trend_of(None, at, recent) is None


def test_arr_at_risk_puts_red_money_first_then_yellow() -> None:
    rows = [
        row("g", "green", 900.0),
        row("y1", "yellow", 300.0),
        row("r1", "red", 100.0),
        row("u", "unknown", 50.0),
        row("r2", "red", None),
        row("y2", "yellow", 500.0),
    ]
    ordered = [r.account_id for r in select(rows, PortfolioQuery())]
    assert ordered == ["r1", "r2", "y2", "y1", "u", "g"]


def test_orders_keep_missing_values_last_whichever_the_direction() -> None:
    rows = [row("a", "red", 10.0, "beta"), row("b", "red", None), row("c", "red", 30.0, "Alpha")]
    assert [r.account_id for r in select(rows, PortfolioQuery(sort="-arr"))] == ["c", "a", "b"]
    assert [r.account_id for r in select(rows, PortfolioQuery(sort="arr"))] == ["a", "c", "b"]
    assert [r.account_id for r in select(rows, PortfolioQuery(sort="name"))] == ["c", "a", "b"]
    assert [r.account_id for r in select(rows, PortfolioQuery(sort="-name"))] == ["a", "c", "b"]


def test_filters_combine_and_totals_sum_per_band() -> None:
    rows = [
        row("a", "red", 10.0, "Acme", plan="pro", csm="Hanako@x.example"),
        row("b", "yellow", 20.0, "Bolt", plan="pro"),
        row("c", "red", 30.0, "Crane", plan="team"),
    ]
    query = PortfolioQuery(q="ACM", bands=frozenset({"red"}), plans=frozenset({"pro"}))
    assert [r.account_id for r in select(rows, query)] == ["a"]
    assert [r.account_id for r in select(rows, PortfolioQuery(csm="hanako@x.example"))] == ["a"]
    summed = totals(rows)
    assert (summed.accounts, summed.arr, summed.arr_by_band) == (
        3,
        60.0,
        {"red": 40.0, "yellow": 20.0},
    )
