"""The portfolio: a workspace's accounts with their traits and health, filtered, sorted and paged.

Pure: the route reads the rows, this decides which of them a page shows and in what order.
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


@dataclass(frozen=True, slots=True)
class Totals:
    accounts: int
    arr: float
    arr_by_band: dict[str, float]


def trend_of(
    score: float | None, at: float | None, recent: Sequence[Sequence[float]]
) -> float | None:
    """Points gained (lost) against the last published score at least a week before ``at``."""
    if score is None or at is None:
        return None
    before = [float(s) for t, s in recent if float(t) <= at - SECONDS_PER_WEEK]
    return None if not before else round(score - before[-1], 1)


def row_from_stored(
    *,
    account_id: str,
    traits: dict[str, Any],
    score: float | None,
    band: str,
    evaluated_at: float | None,
    recent_scores: Sequence[Sequence[float]],
) -> PortfolioRow:
    return PortfolioRow(
        account_id=account_id,
        name=traits.get("name"),
        plan=traits.get("plan"),
        arr=traits.get("arr"),
        csm=traits.get("csm"),
        renewal_at=traits.get("renewal_at"),
        seats=traits.get("seats"),
        score=score,
        band=band,
        trend=trend_of(score, evaluated_at, recent_scores),
        evaluated_at=evaluated_at,
    )


def _matches(row: PortfolioRow, query: PortfolioQuery) -> bool:
    if query.bands and row.band not in query.bands:
        return False
    if query.plans and (row.plan or "") not in query.plans:
        return False
    if query.csm and (row.csm or "").casefold() != query.csm.casefold():
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
    by_band: dict[str, float] = {}
    for row in rows:
        by_band[row.band] = by_band.get(row.band, 0.0) + (row.arr or 0.0)
    return Totals(accounts=len(rows), arr=sum(by_band.values()), arr_by_band=by_band)
