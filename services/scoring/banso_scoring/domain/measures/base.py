"""What every measure gets (a context) and gives back (a reading)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

from banso_scoring.domain.aggregates import AccountAggregate
from banso_scoring.domain.durations import SECONDS_PER_DAY
from banso_scoring.domain.goals import Goal
from banso_scoring.domain.scorecard import MilestoneSpec, Rules

SignalKind = Literal["risk", "expansion"]


# Signal, Reading and MeasureContext are named tuples (immutable like frozen dataclasses; about a
# quarter of their cost to build, and every evaluation builds one reading per measure).


class Signal(NamedTuple):
    """A risk or expansion signal; ``code`` is stable for machines (playbook triggers)."""

    kind: SignalKind
    code: str
    measure: str
    text: str


class Reading(NamedTuple):
    """A measure's raw value (None: cannot be measured for this account) and why.

    ``detail`` is one sentence a CSM can act on. ``score`` is set only by measures whose score
    is not simply the scorecard's function of the value (renewal weighs in other measures).
    """

    value: float | None
    detail: str
    signals: tuple[Signal, ...] = ()
    score: float | None = None


class MeasureContext(NamedTuple):
    aggregate: AccountAggregate
    rules: Rules
    now: float
    today: int
    goals: Sequence[Goal]
    milestones: Sequence[MilestoneSpec]
    # Health from every other measure, for measures weighted by risk (renewal).
    partial_score: float | None = None

    def age_days(self) -> float | None:
        created = self.aggregate.created_at
        return None if created is None else (self.now - created) / SECONDS_PER_DAY


def plural(count: float, singular: str, plural_form: str | None = None) -> str:
    shown = f"{count:g}" if isinstance(count, float) else str(count)
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{shown} {word}"


def span(days: int) -> str:
    """``last 14 days``, ``last week``, ``previous 4 weeks`` wording for a day count."""
    if days == 1:
        return "day"
    if days == 7:
        return "week"
    if days % 7 == 0 and days <= 56:
        return f"{days // 7} weeks"
    return f"{days} days"
