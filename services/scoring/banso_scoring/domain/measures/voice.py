"""Measures read from the customer's voice: support friction, NPS and CSAT."""

from __future__ import annotations

from functools import cache

from banso_scoring.domain.durations import whole_days
from banso_scoring.domain.measure_specs import NpsCsat, SupportFriction
from banso_scoring.domain.measures.base import MeasureContext, Reading, Signal, plural, span
from banso_scoring.domain.windows import day_range, feedback_tally

_KIND_WORDS = {
    "support_ticket": "support ticket",
    "churn_reason": "churn reason",
    "feature_request": "feature request",
    "nps_comment": "NPS comment",
    "csm_note": "CSM note",
}


def _kind_word(kind: str) -> str:
    return _KIND_WORDS.get(kind, kind.replace("_", " "))


@cache
def _nothing_in(kinds: tuple[str, ...], days: int) -> str:
    """The same sentence for most accounts on most days: built once."""
    return f"no {' or '.join(_kind_word(kind) + 's' for kind in kinds)} in the last {span(days)}"


def support_friction(spec: SupportFriction, ctx: MeasureContext) -> Reading:
    days = whole_days(spec.window)
    tally = feedback_tally(ctx.aggregate, day_range(ctx.today, days), spec.kinds)
    items = sum(count for count, _ in tally.values())
    negative = sum(neg for _, neg in tally.values())
    value = items + negative * spec.negative_weight
    if items == 0:
        return Reading(value, _nothing_in(tuple(spec.kinds), days))
    when = f"in the last {span(days)}"
    parts = []
    for kind in spec.kinds:
        count, neg = tally.get(kind, (0, 0))
        if not count:
            continue
        if neg == count:
            parts.append(f"{plural(count, 'negative ' + _kind_word(kind))}")
        elif neg:
            parts.append(f"{plural(count, _kind_word(kind))} ({neg} negative)")
        else:
            parts.append(plural(count, _kind_word(kind)))
    text = f"{', '.join(parts)} {when}"
    churn = tally.get("churn_reason", (0, 0))[0]
    signals = (
        (Signal("risk", "support_friction", spec.measure, text),) if negative >= 2 or churn else ()
    )
    return Reading(value, text, signals)


def _on_nps_scale(kind: str, score: float) -> float:
    # CSAT 1–5 is stretched onto NPS's 0–10 so one scoring function covers both.
    return (score - 1) * 2.5 if kind == "csat" else score


def _describe(kind: str, score: float) -> str:
    if kind == "csat":
        return f"CSAT {score:g} of 5"
    category = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    return f"NPS {score:g} ({category})"


def nps_csat(spec: NpsCsat, ctx: MeasureContext) -> Reading:
    since = ctx.now - spec.window.total_seconds()
    answered = [survey for survey in ctx.aggregate.surveys if survey[0] <= ctx.now]
    if not answered or answered[-1][0] < since:
        return Reading(None, f"no NPS or CSAT answer in the last {span(whole_days(spec.window))}")
    _, kind, score = answered[-1]
    value = _on_nps_scale(kind, score)
    text = f"latest {_describe(kind, score)}"
    signals: list[Signal] = []
    if len(answered) > 1:
        _, before_kind, before_score = answered[-2]
        before = _on_nps_scale(before_kind, before_score)
        if value <= before - spec.drop_alert:
            text += f", down from {_describe(before_kind, before_score).split(' (')[0]}"
            signals.append(Signal("risk", "satisfaction_drop", spec.measure, text))
        elif value >= before + spec.drop_alert:
            text += f", up from {_describe(before_kind, before_score).split(' (')[0]}"
    if kind == "nps" and score <= 6 and not signals:
        signals.append(Signal("risk", "detractor", spec.measure, text))
    elif value >= 9:
        signals.append(
            Signal("expansion", "promoter", spec.measure, f"{text}: a reference candidate")
        )
    return Reading(value, text, tuple(signals))
