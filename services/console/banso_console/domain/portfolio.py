"""The portfolio page's decisions: which filters a query string asks for, paging, trend arrows."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

BANDS = ("red", "yellow", "green", "unknown")
# The sorts the page offers, in the order of its menu (scoring's /v1/portfolio sort names).
SORTS = ("arr_at_risk", "-arr", "arr", "score", "-score", "name", "renewal", "trend", "-trend")
PER_PAGE = 25
MAX_QUERY = 200
# An owner as scoring keeps it: the account's `csm_email` trait, else its `csm` trait's e-mail
# (a string, or an object's `email`), else the owner's name.
MAX_CSM = 256


@dataclass(frozen=True, slots=True)
class Filters:
    q: str = ""
    bands: tuple[str, ...] = ()
    sort: str = "arr_at_risk"
    page: int = 1
    # One CSM's book of business (exact owner, any case): "my accounts" is the viewer's e-mail.
    csm: str = ""

    def api_params(self, per_page: int = PER_PAGE) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = [
            ("sort", self.sort),
            ("limit", str(per_page)),
            ("offset", str((self.page - 1) * per_page)),
        ]
        if self.q:
            params.append(("q", self.q))
        if self.csm:
            params.append(("csm", self.csm))
        params += [("band", band) for band in self.bands]
        return params

    def query(self, **changes: str | int) -> list[tuple[str, str]]:
        """The page's own query string with some parameters changed (links to sorts, pages)."""
        values: dict[str, str | int] = {
            "q": self.q,
            "csm": self.csm,
            "sort": self.sort,
            "page": self.page,
        }
        values.update(changes)
        params = [(key, str(value)) for key, value in values.items() if value not in ("", None)]
        return params + [("band", band) for band in self.bands]


@dataclass(slots=True)
class ParsedFilters:
    filters: Filters
    problems: dict[str, str] = field(default_factory=dict)


def parse_filters(params: Mapping[str, Sequence[str]]) -> ParsedFilters:
    """Filters from the query string; what cannot be used is named (by field) and left out."""
    problems: dict[str, str] = {}
    q = (params.get("q") or [""])[-1].strip()
    if len(q) > MAX_QUERY:
        problems["q"] = "too_long"
        q = q[:MAX_QUERY]
    csm = (params.get("csm") or [""])[-1].strip()
    if len(csm) > MAX_CSM:
        problems["csm"] = "too_long"
        csm = ""
    bands = tuple(b for b in BANDS if b in set(params.get("band") or ()))
    unknown = set(params.get("band") or ()) - set(BANDS)
    if unknown:
        problems["band"] = "unknown_band"
    sort = (params.get("sort") or ["arr_at_risk"])[-1]
    if sort not in SORTS:
        problems["sort"] = "unknown_sort"
        sort = "arr_at_risk"
    raw_page = (params.get("page") or ["1"])[-1]
    page = int(raw_page) if raw_page.isdigit() and int(raw_page) >= 1 else 1
    if raw_page != str(page) and raw_page != "":
        problems["page"] = "not_a_page"
    return ParsedFilters(Filters(q=q, bands=bands, sort=sort, page=page, csm=csm), problems)


@dataclass(frozen=True, slots=True)
class Paging:
    page: int
    pages: int
    total: int
    first: int
    last: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paging(total: int, page: int, per_page: int = PER_PAGE) -> Paging:
    pages = max(1, math.ceil(total / per_page))
    first = 0 if total == 0 else (page - 1) * per_page + 1
    return Paging(
        page=page, pages=pages, total=total, first=first, last=min(total, page * per_page)
    )


Trend = Literal["up", "down", "flat"]
# Moves smaller than this many points read as steady.
FLAT_POINTS = 1.0


def trend_direction(trend: float | None) -> Trend | None:
    if trend is None:
        return None
    if trend >= FLAT_POINTS:
        return "up"
    if trend <= -FLAT_POINTS:
        return "down"
    return "flat"


def arr_at_risk(arr_by_band: Mapping[str, float]) -> float:
    """ARR of the red and yellow accounts."""
    return float(arr_by_band.get("red", 0.0) + arr_by_band.get("yellow", 0.0))


RENEWAL_HORIZON_DAYS = 90
# The soonest renewals listed under the counts.
RENEWALS_SHOWN = 5
# What moved this week: the accounts shown (the worst news and the largest ARR first).
MOVES_SHOWN = 10
MOVE_BANDS = ("red", "yellow", "green")


@dataclass(frozen=True, slots=True)
class BandRenewals:
    band: str
    accounts: int
    arr: float


@dataclass(frozen=True, slots=True)
class Renewals:
    """Accounts renewing from now to the horizon, by band (red first), and the soonest ones."""

    by_band: tuple[BandRenewals, ...]
    soonest: tuple[Mapping[str, Any], ...]
    accounts: int
    arr: float


def renewals(page: Mapping[str, Any]) -> Renewals:
    """The renewals from a portfolio page of scoring's /v1/portfolio filtered to the renewal
    window and sorted by renewal (ScoringClient.renewals): its accounts are the soonest, its
    totals per band those of every account renewing in the window."""
    counts: Mapping[str, int] = page.get("accounts_by_band") or {}
    arrs: Mapping[str, float] = page.get("arr_by_band") or {}
    by_band = tuple(
        BandRenewals(band=band, accounts=int(counts.get(band, 0)), arr=float(arrs.get(band, 0.0)))
        for band in BANDS
    )
    return Renewals(
        by_band=by_band,
        soonest=tuple(page.get("accounts") or ()),
        accounts=sum(b.accounts for b in by_band),
        arr=float(sum(b.arr for b in by_band)),
    )
