"""What moved this week: accounts that turned red, yellow or green, ordered for a CS lead (the
worst news and the largest ARR first), with counts and ARR per band they moved to.

Pure: the adapter finds the moves in the health history, this orders and sums them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MOVE_BANDS = ("red", "yellow", "green")
# Worse is a higher rank; unknown sits between yellow and green (nothing known is no comfort).
RANK = {"green": 0, "unknown": 1, "yellow": 2, "red": 3}


@dataclass(frozen=True, slots=True)
class Move:
    account_id: str
    name: str | None
    arr: float | None
    csm: str | None
    from_band: str
    to_band: str
    score: float | None

    @property
    def worse(self) -> bool:
        return RANK.get(self.to_band, 1) > RANK.get(self.from_band, 1)


@dataclass(frozen=True, slots=True)
class BandTotal:
    accounts: int
    arr: float


@dataclass(frozen=True, slots=True)
class MoveTotals:
    by_band: dict[str, BandTotal]
    arr_at_risk: float


def ordered(moves: Iterable[Move]) -> list[Move]:
    """Turned red first, then yellow, then green; the largest ARR first within each."""
    return sorted(moves, key=lambda m: (-RANK.get(m.to_band, 1), -(m.arr or 0.0), m.account_id))


def totals(moves: Sequence[Move]) -> MoveTotals:
    """Accounts and ARR per band moved to; ARR at risk is the ARR of the accounts whose band
    got worse."""
    by_band = {band: BandTotal(accounts=0, arr=0.0) for band in MOVE_BANDS}
    for move in moves:
        got = by_band.setdefault(move.to_band, BandTotal(accounts=0, arr=0.0))
        by_band[move.to_band] = BandTotal(got.accounts + 1, got.arr + (move.arr or 0.0))
    at_risk = sum(move.arr or 0.0 for move in moves if move.worse)
    return MoveTotals(by_band=by_band, arr_at_risk=at_risk)
