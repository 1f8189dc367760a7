"""Conversion attribution: a goal event converts the enrolments whose goal window contains it.

An enrolment is one would-be nudge that reached the experiment: a send (treatment) or a holdout.
A conversion counts once per enrolment and only within ``[started_at, started_at + within]``; with
goal scope ``account`` any user of the account converts it, with ``user`` only the recipient.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from banso_notify.domain.triggers import Scope


class Arm(StrEnum):
    TREATMENT = "treatment"
    HOLDOUT = "holdout"


@dataclass(frozen=True, slots=True)
class Enrolment:
    key: str
    playbook_id: str
    account_id: str
    user_id: str | None
    arm: Arm
    started_at: datetime
    goal_event: str
    goal_within: timedelta
    goal_scope: Scope


@dataclass(frozen=True, slots=True)
class GoalEvent:
    event: str
    account_id: str
    user_id: str | None
    occurred_at: datetime


def converts(enrolment: Enrolment, event: GoalEvent) -> bool:
    if enrolment.goal_event not in ("*", event.event) or event.account_id != enrolment.account_id:
        return False
    ends_at = enrolment.started_at + enrolment.goal_within
    if not enrolment.started_at <= event.occurred_at <= ends_at:
        return False
    if enrolment.goal_scope is Scope.USER:
        return enrolment.user_id is not None and event.user_id == enrolment.user_id
    return True


def attribute(enrolments: Iterable[Enrolment], event: GoalEvent) -> list[Enrolment]:
    """The open (not yet converted) enrolments this goal event converts."""
    return [enrolment for enrolment in enrolments if converts(enrolment, event)]
