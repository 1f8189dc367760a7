"""Sample people, accounts and trigger facts, so a playbook can be previewed and test-sent before
it goes out. Samples are data in the reader's language (a Japanese preview greets 山田 花子 of
サンプル株式会社), never a real person: a test message must not be mistaken for a real nudge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict

from banso_notify.domain.facts import AccountFacts, Audience, Band, Recipient, UserFacts
from banso_notify.domain.signals import (
    GoalAtRiskSignal,
    HealthSignal,
    InactivitySignal,
    MetricSignal,
    MilestoneOverdueSignal,
    Signal,
    TicketResolvedSignal,
    UsageSignal,
)
from banso_notify.domain.triggers import (
    GoalAtRiskTrigger,
    HealthChangedTrigger,
    InactivityTrigger,
    MetricCrossedTrigger,
    MilestoneOverdueTrigger,
    TicketResolvedTrigger,
    Trigger,
    UsageEventTrigger,
)

SAMPLE_USER_ID = "sample-user"
SAMPLE_ACCOUNT_ID = "sample-account"
SAMPLE_EVENT_ID = "sample-event"


@dataclass(frozen=True, slots=True)
class _Words:
    first_name: str
    last_name: str
    name: str
    csm: str
    account: str
    driver: str
    ticket: str
    goal: str


_WORDS = {
    "en": _Words(
        first_name="Alex",
        last_name="Morgan",
        name="Alex Morgan",
        csm="Sam Taylor",
        account="Sample Co.",
        driver="Weekly active users fell 35% in 14 days",
        ticket="CSV export times out",
        goal="Monthly reports sent",
    ),
    "ja": _Words(
        first_name="花子",
        last_name="山田",
        name="山田 花子",
        csm="佐藤 健",
        account="サンプル株式会社",
        driver="週間アクティブユーザーが14日間で35%減少",
        ticket="CSVエクスポートがタイムアウトする",
        goal="月次レポートの送信",
    ),
}


def _words(locale: str) -> _Words:
    return _WORDS.get(locale.split("-")[0].casefold(), _WORDS["en"])


def sample_user(locale: str, *, account_id: str = SAMPLE_ACCOUNT_ID) -> UserFacts:
    words = _words(locale)
    traits = {
        "name": words.name,
        "first_name": words.first_name,
        "last_name": words.last_name,
        "email": "sample.user@example.com",
        "locale": locale,
        "role": "admin",
    }
    return UserFacts(user_id=SAMPLE_USER_ID, account_id=account_id, traits=traits)


def sample_recipient(locale: str, *, account_id: str = SAMPLE_ACCOUNT_ID) -> Recipient:
    return Recipient.for_user(sample_user(locale, account_id=account_id), account_id)


def sample_csm(locale: str, account_id: str) -> Recipient:
    words = _words(locale)
    return Recipient(
        audience=Audience.CSM,
        recipient_id="sample-csm",
        account_id=account_id,
        email="sample.csm@example.com",
        locale=locale,
        name=words.csm,
    )


def sample_account(locale: str) -> AccountFacts:
    traits = {"name": _words(locale).account, "arr": 120_000, "seats": 25, "plan": "business"}
    return AccountFacts(account_id=SAMPLE_ACCOUNT_ID, traits=traits, band=Band.YELLOW, score=62.0)


class _Base(TypedDict):
    workspace_id: str
    account_id: str
    event_id: str
    occurred_at: datetime
    user_id: str | None


def sample_signal(
    trigger: Trigger, *, account: AccountFacts, user_id: str | None, locale: str, now: datetime
) -> Signal:
    """Facts of the kind the trigger starts from, for `account` (and `user_id`)."""
    words = _words(locale)
    base = _Base(
        workspace_id="",
        account_id=account.account_id,
        event_id=SAMPLE_EVENT_ID,
        occurred_at=now,
        user_id=user_id,
    )
    match trigger:
        case HealthChangedTrigger():
            band = trigger.to_band or Band.RED
            return HealthSignal(
                **base,
                score=account.score if account.band == band else 38.0,
                band=band,
                previous_score=68.0,
                previous_band=Band.YELLOW if band is not Band.YELLOW else Band.GREEN,
                drivers=(words.driver,),
            )
        case InactivityTrigger():
            return InactivitySignal(
                **base,
                event=trigger.event,
                last_seen_at=now - timedelta(days=trigger.days),
                inactive_days=trigger.days,
            )
        case MilestoneOverdueTrigger():
            return MilestoneOverdueSignal(
                **base, milestone=trigger.milestone, due_at=now - timedelta(days=1)
            )
        case GoalAtRiskTrigger():
            return GoalAtRiskSignal(**base, goal=trigger.goal or words.goal)
        case TicketResolvedTrigger():
            return TicketResolvedSignal(
                **base,
                ticket_id="sample-ticket",
                title=words.ticket,
                url="https://tracker.example.com/PROD-123",
                reporter_user_ids=(user_id,) if user_id else (),
            )
        case MetricCrossedTrigger():
            threshold = trigger.above if trigger.above is not None else trigger.below
            step = 0.05 if trigger.above is not None else -0.05
            return MetricSignal(**base, metric=trigger.metric, value=(threshold or 0.0) + step)
        case UsageEventTrigger():
            return UsageSignal(**base, event=trigger.event, properties={})
    raise AssertionError(f"no sample for trigger {trigger.type}")  # pragma: no cover
