"""Each CSM's daily alert budget, spent on the accounts that need a human most.

CSMs must not be buried in alerts: at each review time the pending alerts of one CSM are ranked
and only as many as the day's remaining budget go out. Ranking: most at-risk first (health band
red > yellow > green > unknown), then highest ARR, then lowest score, then oldest. One account
gets at most one alert per playbook per review; the rest are duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from banso_notify.domain.facts import BAND_SEVERITY, Band
from banso_notify.domain.windows import local_instant


@dataclass(frozen=True, slots=True)
class CsmAlertCandidate:
    key: str  # the nudge's idempotency key
    csm_id: str
    account_id: str
    playbook_id: str
    band: Band | None
    score: float | None
    arr: float
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CsmAllocation:
    selected: list[CsmAlertCandidate]
    over_budget: list[CsmAlertCandidate]
    duplicates: list[CsmAlertCandidate]


def rank_key(candidate: CsmAlertCandidate) -> tuple[int, float, float, datetime, str]:
    score = candidate.score if candidate.score is not None else float("inf")
    return (
        -BAND_SEVERITY.get(candidate.band, 0),
        -candidate.arr,
        score,
        candidate.created_at,
        candidate.key,
    )


def allocate_csm_budget(
    candidates: Iterable[CsmAlertCandidate], *, remaining_budget: int
) -> CsmAllocation:
    """Pick at most ``remaining_budget`` alerts, most at-risk and highest-ARR accounts first."""
    ranked = sorted(candidates, key=rank_key)
    seen: set[tuple[str, str]] = set()
    unique: list[CsmAlertCandidate] = []
    duplicates: list[CsmAlertCandidate] = []
    for candidate in ranked:
        identity = (candidate.account_id, candidate.playbook_id)
        if identity in seen:
            duplicates.append(candidate)
        else:
            seen.add(identity)
            unique.append(candidate)
    cut = max(0, remaining_budget)
    return CsmAllocation(selected=unique[:cut], over_budget=unique[cut:], duplicates=duplicates)


def next_review_at(now: datetime, zone: ZoneInfo, review_times: list[time]) -> datetime:
    """The first review time (in the CSM's zone) at or after ``now``."""
    today = now.astimezone(zone).date()
    for offset in range(3):
        day = today + timedelta(days=offset)
        for moment in sorted(review_times):
            candidate = local_instant(day, moment, zone)
            if candidate >= now:
                return candidate
    raise ValueError("review_times must not be empty")


def review_day(instant: datetime, zone: ZoneInfo) -> str:
    """The CSM's local date a budget is counted against (ISO text)."""
    return instant.astimezone(zone).date().isoformat()
