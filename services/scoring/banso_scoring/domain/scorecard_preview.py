"""A draft scorecard's effect: each account's band under the scorecard in force and under the
draft, at the same moment, and the accounts whose band would change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from banso_scoring.domain.durations import from_epoch
from banso_scoring.domain.evaluation import glance
from banso_scoring.domain.portfolio import RISK_ORDER
from banso_scoring.domain.scorecard import Scorecard
from banso_scoring.domain.state import AccountEntry

BANDS = ("green", "yellow", "red", "unknown")


@dataclass(frozen=True, slots=True)
class BandChange:
    account_id: str
    name: str | None
    arr: float | None
    before_score: float | None
    before_band: str
    after_score: float | None
    after_band: str


def _counts() -> dict[str, int]:
    return dict.fromkeys(BANDS, 0)


@dataclass(slots=True)
class PreviewTally:
    """Bands before and after, counted over the accounts added so far."""

    accounts: int = 0
    before: dict[str, int] = field(default_factory=_counts)
    after: dict[str, int] = field(default_factory=_counts)
    changes: list[BandChange] = field(default_factory=list)

    def add(self, entry: AccountEntry, *, current: Scorecard, draft: Scorecard, now: float) -> None:
        """Both scorecards at ``now`` (epoch seconds); an override in force holds its band
        under either, so the account does not change."""
        moment = from_epoch(now)
        before, after = (
            glance(
                entry.aggregate,
                scorecard,
                now=moment,
                published=None,
                goals=entry.goals,
                milestones=entry.milestones,
                override=entry.override,
            )
            for scorecard in (current, draft)
        )
        self.accounts += 1
        self.before[before.band] = self.before.get(before.band, 0) + 1
        self.after[after.band] = self.after.get(after.band, 0) + 1
        if before.band != after.band:
            traits = entry.aggregate.traits
            self.changes.append(
                BandChange(
                    account_id=entry.aggregate.account_id,
                    name=traits.name,
                    arr=traits.arr,
                    before_score=before.score,
                    before_band=before.band,
                    after_score=after.score,
                    after_band=after.band,
                )
            )

    def add_all(
        self,
        entries: Iterable[tuple[AccountEntry, float]],
        *,
        current: Scorecard,
        draft: Scorecard,
    ) -> None:
        for entry, now in entries:
            self.add(entry, current=current, draft=draft, now=now)

    def ordered_changes(self) -> list[BandChange]:
        """Riskiest first: turning red before turning yellow, the largest ARR first."""
        return sorted(
            self.changes,
            key=lambda c: (RISK_ORDER.get(c.after_band, 2), -(c.arr or 0.0), c.account_id),
        )
