"""Conversion attribution: a goal event converts the enrolments whose goal window contains it.

An enrolment is one would-be nudge that reached the experiment: a send (treatment) or a holdout.
Everything is in event time: the window opens at the *exposure moment*, the event time of what
triggered the nudge (the triggering event's CloudEvents ``time``; for a timer, the moment the
quiet spell or the overdue milestone fell due), and a goal event counts by its own event time.
Both arms use the same moment — a held-out person's window opens exactly when they would have
been nudged — so the wall clock (when the nudge went out, how far behind a replay runs) never
decides a conversion. A conversion counts once per enrolment and only within
``[started_at, started_at + within]``; with goal scope ``account`` any user of the account
converts it, with ``user`` only the recipient.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

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


def exposure_context(occurred_at: datetime) -> dict[str, Any]:
    """The least a nudge's context must keep for :func:`exposure_moment` (for nudges that are
    never rendered, such as held-out ones)."""
    return {"signal": {"occurred_at": occurred_at.isoformat()}}


def exposure_moment(context: Mapping[str, Any], *, fallback: datetime) -> datetime:
    """When the goal window opens for a nudge: the event time of its trigger.

    ``context`` is the nudge's stored message context (``signal.occurred_at``, ISO text);
    ``fallback`` (the decision's moment) serves only a nudge whose context lacks it.
    """
    signal = context.get("signal")
    value = signal.get("occurred_at") if isinstance(signal, Mapping) else None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return fallback
    else:
        return fallback
    return moment if moment.tzinfo is not None else fallback
