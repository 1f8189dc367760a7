"""Each CSM's daily budget goes to the most at-risk, highest-ARR accounts first."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from banso_notify.domain.csm_budget import (
    CsmAlertCandidate,
    allocate_csm_budget,
    next_review_at,
    review_day,
)
from banso_notify.domain.facts import Band

T0 = datetime(2025, 3, 4, 0, 0, tzinfo=UTC)


def alert(
    account: str,
    band: Band | None,
    arr: float,
    *,
    score: float | None = 50,
    playbook: str = "p",
    minute: int = 0,
) -> CsmAlertCandidate:
    return CsmAlertCandidate(
        key=f"{playbook}|{account}|{minute}",
        csm_id="kei",
        account_id=account,
        playbook_id=playbook,
        band=band,
        score=score,
        arr=arr,
        created_at=T0 + timedelta(minutes=minute),
    )


def accounts(candidates: list[CsmAlertCandidate]) -> list[str]:
    return [candidate.account_id for candidate in candidates]


def test_red_accounts_come_before_richer_healthy_ones_then_arr_decides() -> None:
    pool = [
        alert("green-rich", Band.GREEN, 900_000),
        alert("red-small", Band.RED, 10_000),
        alert("yellow-mid", Band.YELLOW, 300_000),
        alert("red-big", Band.RED, 500_000),
        alert("unknown", None, 2_000_000),
    ]

    allocation = allocate_csm_budget(pool, remaining_budget=3)

    assert accounts(allocation.selected) == ["red-big", "red-small", "yellow-mid"]
    assert accounts(allocation.over_budget) == ["green-rich", "unknown"]


def test_equal_band_and_arr_prefers_the_lower_score_then_the_older_alert() -> None:
    pool = [
        alert("b", Band.RED, 1000, score=30, minute=1),
        alert("a", Band.RED, 1000, score=20, minute=2),
        alert("c", Band.RED, 1000, score=30, minute=0),
    ]

    assert accounts(allocate_csm_budget(pool, remaining_budget=3).selected) == ["a", "c", "b"]


def test_one_alert_per_account_and_playbook() -> None:
    pool = [
        alert("acme", Band.RED, 100, minute=0),
        alert("acme", Band.RED, 100, minute=5),
        alert("acme", Band.RED, 100, playbook="expansion"),
    ]

    allocation = allocate_csm_budget(pool, remaining_budget=5)

    assert [(c.account_id, c.playbook_id) for c in allocation.selected] == [
        ("acme", "expansion"),
        ("acme", "p"),
    ]
    assert len(allocation.duplicates) == 1


def test_an_exhausted_budget_selects_nothing() -> None:
    allocation = allocate_csm_budget([alert("acme", Band.RED, 1)], remaining_budget=0)

    assert allocation.selected == []
    assert accounts(allocation.over_budget) == ["acme"]


def test_next_review_is_in_the_csms_zone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    reviews = [time(9), time(13)]

    # 10:00 in Tokyo → 13:00 Tokyo; 14:00 in Tokyo → 09:00 next day
    assert next_review_at(datetime(2025, 3, 4, 1, 0, tzinfo=UTC), tokyo, reviews) == datetime(
        2025, 3, 4, 4, 0, tzinfo=UTC
    )
    assert next_review_at(datetime(2025, 3, 4, 5, 0, tzinfo=UTC), tokyo, reviews) == datetime(
        2025, 3, 5, 0, 0, tzinfo=UTC
    )
    assert review_day(datetime(2025, 3, 4, 16, 0, tzinfo=UTC), tokyo) == "2025-03-05"
