"""When a HealthChanged is due, and manual overrides."""

from __future__ import annotations

from datetime import timedelta

import pytest

from banso_scoring.domain.changes import change_reason
from banso_scoring.domain.evaluation import evaluate, glance
from banso_scoring.domain.health import Health
from banso_scoring.domain.overrides import Override, OverrideConflict, apply_override, check_replace

from .builders import account, daily, health_at, moment, policy_of, scorecard

CARD = scorecard()


def healthy() -> Health:
    agg = account(seats=10, created_day=-90)
    daily(agg, policy_of(CARD), range(0, 35), users=9)
    return health_at(agg, CARD, 34)


def with_score(health: Health, score: float | None, band: str) -> Health:
    return health.model_copy(update={"score": score, "band": band})


def test_the_first_health_is_always_published() -> None:
    assert change_reason(None, healthy(), 5) == "first"


def test_band_changes_and_big_moves_are_published_small_ones_are_not() -> None:
    base = with_score(healthy(), 72, "green")
    assert change_reason(base, with_score(base, 69, "yellow"), 5) == "band"
    assert change_reason(base, with_score(base, 77, "green"), 5) == "score"
    assert change_reason(base, with_score(base, 75.9, "green"), 5) is None
    assert change_reason(base, with_score(base, None, "unknown"), 5) == "band"


def override(**changes: object) -> Override:
    fields: dict[str, object] = {
        "band": "yellow",
        "reason": "champion left the company",
        "set_by": "csm@example.com",
        "set_at": moment(30),
        "expires_at": moment(44),
    }
    fields.update(changes)
    return Override.model_validate(fields)


def test_an_override_holds_until_it_expires_by_itself() -> None:
    computed = healthy()
    held = apply_override(computed, override(), moment(35))
    assert held.band == "yellow"
    assert held.score == computed.score
    assert held.override is not None
    assert held.override.computed_band == computed.band
    assert held.override.reason == "champion left the company"
    assert apply_override(computed, override(), moment(44)) == computed
    assert apply_override(computed, override(score=55), moment(35)).score == 55


def test_an_override_needs_a_reason_and_a_later_expiry() -> None:
    with pytest.raises(ValueError, match="reason"):
        override(reason="")
    with pytest.raises(ValueError, match="expires_at: must be after"):
        override(expires_at=moment(29))
    with pytest.raises(ValueError, match="expires_at: at most 365 days"):
        override(expires_at=moment(30) + timedelta(days=400))


def test_an_active_override_is_not_silently_replaced() -> None:
    current = override()
    with pytest.raises(OverrideConflict, match="csm@example.com"):
        check_replace(current, moment(35), replace=False)
    check_replace(current, moment(35), replace=True)
    check_replace(current, moment(50), replace=False)  # expired: nothing to protect
    check_replace(None, moment(35), replace=False)


def test_evaluation_publishes_when_an_override_is_set_or_lapses() -> None:
    agg = account(seats=10, created_day=-90)
    daily(agg, policy_of(CARD), range(0, 35), users=9)
    first = evaluate(agg, CARD, now=moment(34), published=None)
    assert first.publish == "first"
    same = evaluate(agg, CARD, now=moment(34), published=first.health)
    assert same.publish is None
    held = evaluate(
        agg, CARD, now=moment(35), published=first.health, override=override(band="green")
    )
    assert held.publish == "override"
    assert held.health.override is not None
    lapsed = evaluate(
        agg, CARD, now=moment(45), published=held.health, override=override(band="green")
    )
    assert lapsed.health.override is None
    assert lapsed.publish is not None


def test_the_quick_glance_decides_exactly_as_the_full_evaluation() -> None:
    """The consumer skips explanations when a glance says nothing is worth publishing; the
    glance must never disagree with the full evaluation."""
    agg = account(seats=20, created_day=-60, renewal_day=70)
    policy = policy_of(CARD)
    published = None
    decisions = set()
    for day in range(0, 60):
        users = 16 if day < 25 else (9 if day < 40 else 2)
        daily(agg, policy, range(day, day + 1), users=users)
        for hours in (6.0, 18.0):
            held = override(band="yellow", expires_at=moment(47)) if 44 <= day < 47 else None
            quick = glance(agg, CARD, now=moment(day, hours), published=published, override=held)
            full = evaluate(agg, CARD, now=moment(day, hours), published=published, override=held)
            assert quick.publish == (full.publish is not None)
            assert (quick.score, quick.band) == (full.health.score, full.health.band)
            decisions.add(full.publish)
            if full.publish is not None:
                published = full.health
    assert {"first", "band", "score", "override"} <= decisions
