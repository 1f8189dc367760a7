"""The portfolio: a workspace's accounts with their traits and health, filtered, sorted and paged.

Pure: which accounts a query matches and in what order. Storage does the same in SQL
(adapters/portfolio_store.py); ``select`` and ``totals`` are the reference it is tested against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

SECONDS_PER_WEEK = 7 * 86_400

PortfolioSort = Literal[
    "arr_at_risk",
    "arr",
    "-arr",
    "score",
    "-score",
    "name",
    "-name",
    "renewal",
    "-renewal",
    "trend",
    "-trend",
]
SORTS: tuple[str, ...] = PortfolioSort.__args__  # type: ignore[attr-defined]
# How much of an account's ARR is at risk by band: all of a red account's, none of a green's.
RISK_ORDER = {"red": 0, "yellow": 1, "unknown": 2, "green": 3}


@dataclass(frozen=True, slots=True)
class PortfolioRow:
    account_id: str
    name: str | None
    plan: str | None
    arr: float | None
    csm: str | None
    renewal_at: float | None
    seats: int | None
    score: float | None
    band: str
    trend: float | None
    evaluated_at: float | None


@dataclass(frozen=True, slots=True)
class PortfolioQuery:
    q: str | None = None
    bands: frozenset[str] = frozenset()
    plans: frozenset[str] = frozenset()
    csm: str | None = None
    sort: PortfolioSort = "arr_at_risk"
    # Renewing in [renewal_after, renewal_before) (epoch seconds); with either, undated
    # accounts are left out.
    renewal_after: float | None = None
    renewal_before: float | None = None


@dataclass(frozen=True, slots=True)
class Totals:
    accounts: int
    arr: float
    arr_by_band: dict[str, float]
    accounts_by_band: dict[str, int]


def trend_of(
    score: float | None, at: float | None, recent: Sequence[Sequence[float]]
) -> float | None:
    """Points gained (lost) against the last published score at least a week before ``at``."""
    if score is None or at is None:
        return None
    before = [float(s) for t, s in recent if float(t) <= at - SECONDS_PER_WEEK]
    return None if not before else round(score - before[-1], 1)


def _matches(row: PortfolioRow, query: PortfolioQuery) -> bool:
    if query.bands and row.band not in query.bands:
        return False
    if query.plans and (row.plan or "") not in query.plans:
        return False
    if query.csm and (row.csm or "").casefold() != query.csm.casefold():
        return False
    if query.renewal_after is not None or query.renewal_before is not None:
        if row.renewal_at is None:
            return False
        if query.renewal_after is not None and row.renewal_at < query.renewal_after:
            return False
        if query.renewal_before is not None and row.renewal_at >= query.renewal_before:
            return False
    if query.q:
        needle = query.q.casefold()
        haystack = (row.account_id, row.name or "", row.csm or "")
        if not any(needle in text.casefold() for text in haystack):
            return False
    return True


def _nulls_last(value: Callable[[PortfolioRow], Any], descending: bool) -> Callable[..., Any]:
    def key(row: PortfolioRow) -> tuple[bool, Any]:
        got = value(row)
        if got is None:
            return (True, 0)
        return (False, -got if descending else got)

    return key


def _sort_key(sort: PortfolioSort) -> Callable[[PortfolioRow], Any]:
    if sort == "arr_at_risk":
        # The riskiest money first: red before yellow, then the largest ARR within a band.
        return lambda row: (RISK_ORDER.get(row.band, 2), -(row.arr or 0.0), row.account_id)
    descending = sort.startswith("-")
    field = sort.lstrip("-")
    if field == "name":

        def name_key(row: PortfolioRow) -> tuple[bool, str]:
            return (row.name is None, (row.name or row.account_id).casefold())

        return name_key
    getters: dict[str, Callable[[PortfolioRow], Any]] = {
        "arr": lambda row: row.arr,
        "score": lambda row: row.score,
        "renewal": lambda row: row.renewal_at,
        "trend": lambda row: row.trend,
    }
    return _nulls_last(getters[field], descending)


def select(rows: Iterable[PortfolioRow], query: PortfolioQuery) -> list[PortfolioRow]:
    """The rows the query matches, in its order (account id breaks ties, so pages are stable)."""
    matched = sorted((row for row in rows if _matches(row, query)), key=lambda r: r.account_id)
    ordered = sorted(matched, key=_sort_key(query.sort))
    if query.sort == "-name":
        named = [row for row in ordered if row.name is not None]
        return named[::-1] + [row for row in ordered if row.name is None]
    return ordered


def totals(rows: Sequence[PortfolioRow]) -> Totals:
    return totals_of((row.band, 1, row.arr or 0.0) for row in rows)


def totals_of(groups: Iterable[tuple[str, int, float | None]]) -> Totals:
    """Totals from (band, accounts, ARR) groups; a band may come in several groups."""
    by_band: dict[str, float] = {}
    counts: dict[str, int] = {}
    for band, accounts, arr in groups:
        by_band[band] = by_band.get(band, 0.0) + float(arr or 0.0)
        counts[band] = counts.get(band, 0) + int(accounts)
    return Totals(
        accounts=sum(counts.values()),
        arr=sum(by_band.values()),
        arr_by_band=by_band,
        accounts_by_band=counts,
    )
