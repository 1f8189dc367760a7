"""Voice measures: support friction and NPS/CSAT."""

from __future__ import annotations

from banso_scoring.domain.aggregates import AccountAggregate
from banso_scoring.domain.facts import FeedbackItem, SurveyAnswer, SurveyKind
from banso_scoring.domain.health import Health, SignalView
from banso_scoring.domain.scorecard import Scorecard
from banso_scoring.domain.sentiment import is_negative

from .builders import account, health_at, measure, policy_of, scorecard, ts

FRICTION = {"measure": "support_friction", "weight": 10, "window": "7d"}
NPS = {"measure": "nps_csat", "weight": 10, "window": "90d"}


def voice_signals(health: Health) -> list[SignalView]:
    """Signals of these measures (these accounts also never used the product: a risk too)."""
    return [s for s in health.signals if s.measure in {"support_friction", "nps_csat"}]


def feedback(agg: AccountAggregate, card: Scorecard, day: float, kind: str, text: str) -> None:
    item = FeedbackItem(at=ts(day), kind=kind, text=text)
    agg.apply_feedback(item, is_negative(text), policy_of(card))


def test_negative_support_tickets_in_the_window() -> None:
    card = scorecard(FRICTION)
    agg = account()
    feedback(agg, card, 25, "support_ticket", "Export is broken again")
    feedback(agg, card, 27, "support_ticket", "画面が重くてエラーになる")
    feedback(agg, card, 20, "support_ticket", "crash crash crash")  # outside the 7 days
    feedback(agg, card, 26, "feature_request", "please add dark mode")  # not friction
    health = health_at(agg, card, 28)
    part = measure(health, "support_friction")
    assert part.value == 4.0  # 2 tickets, each negative counting once more
    assert part.score == 35.0
    assert part.detail == "2 negative support tickets in the last week"
    assert [(s.kind, s.text) for s in voice_signals(health)] == [
        ("risk", "2 negative support tickets in the last week")
    ]


def test_friction_mixes_kinds_and_neutral_tickets() -> None:
    card = scorecard(FRICTION)
    agg = account()
    feedback(agg, card, 27, "support_ticket", "How do I add a user?")
    feedback(agg, card, 27, "support_ticket", "This is terrible")
    feedback(agg, card, 28, "churn_reason", "Moving to a cheaper tool")
    health = health_at(agg, card, 28)
    part = measure(health, "support_friction")
    assert part.value == 4.0
    assert part.detail == "2 support tickets (1 negative), 1 churn reason in the last week"
    assert [s.kind for s in voice_signals(health)] == ["risk"]  # a churn reason is a risk


def test_no_friction_scores_full() -> None:
    card = scorecard(FRICTION)
    part = measure(health_at(account(), card, 28), "support_friction")
    assert (part.value, part.score) == (0.0, 100.0)
    assert part.detail == "no support tickets or churn reasons in the last week"


def survey(
    agg: AccountAggregate, card: Scorecard, day: float, kind: SurveyKind, score: float
) -> None:
    agg.apply_survey(SurveyAnswer(at=ts(day), kind=kind, score=score), policy_of(card))


def test_latest_nps_and_its_fall() -> None:
    card = scorecard(NPS)
    agg = account()
    survey(agg, card, 10, "nps", 9)
    survey(agg, card, 40, "nps", 6)
    health = health_at(agg, card, 41)
    part = measure(health, "nps_csat")
    assert (part.value, part.score) == (6.0, 15.0)
    assert part.detail == "latest NPS 6 (detractor), down from NPS 9"
    assert [(s.kind, s.text) for s in voice_signals(health)] == [("risk", part.detail)]


def test_csat_is_put_on_the_nps_scale() -> None:
    card = scorecard(NPS)
    agg = account()
    survey(agg, card, 10, "csat", 4)
    part = measure(health_at(agg, card, 11), "nps_csat")
    assert (part.value, part.score) == (7.5, 65.0)
    assert part.detail == "latest CSAT 4 of 5"


def test_promoters_are_an_expansion_signal() -> None:
    card = scorecard(NPS)
    agg = account()
    survey(agg, card, 10, "nps", 5)
    survey(agg, card, 20, "nps", 10)
    health = health_at(agg, card, 21)
    assert measure(health, "nps_csat").detail == "latest NPS 10 (promoter), up from NPS 5"
    assert [s.kind for s in voice_signals(health)] == ["expansion"]


def test_no_recent_answer_leaves_nps_out() -> None:
    card = scorecard(NPS)
    agg = account()
    survey(agg, card, 0, "nps", 10)
    part = measure(health_at(agg, card, 100), "nps_csat")
    assert (part.available, part.detail) == (False, "no NPS or CSAT answer in the last 90 days")
    # An answer stamped after "now" (a skewed clock) is not the latest yet.
    survey(agg, card, 101, "nps", 2)
    assert not measure(health_at(agg, card, 100), "nps_csat").available
