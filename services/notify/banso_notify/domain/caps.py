"""Frequency caps in sliding windows, per user and per account, per channel and overall.

In B2B a nudge reaches people who sit next to each other: five people at one account must not each
get the same nudge the same day. So caps count at two scopes, the person and the whole account,
and a rule can count only sends of the same playbook.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from banso_notify.domain.durations import Duration
from banso_notify.domain.facts import Channel
from banso_notify.domain.triggers import Scope


class CapRule(BaseModel):
    """At most ``max`` sends per sliding ``per`` at ``scope``, on ``channel`` or on all."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scope: Scope
    max: int = Field(ge=0)
    per: Duration
    channel: Channel | None = None
    same_playbook: bool = False


def default_caps() -> dict[str, CapRule]:
    """Workspace defaults; a playbook's ``caps`` replace rules by name or switch one off (null)."""
    day = timedelta(days=1)
    return {
        "user_daily": CapRule(scope=Scope.USER, max=3, per=day),
        "user_weekly": CapRule(scope=Scope.USER, max=8, per=timedelta(days=7)),
        "user_email_daily": CapRule(scope=Scope.USER, channel=Channel.EMAIL, max=2, per=day),
        "user_same_playbook_weekly": CapRule(
            scope=Scope.USER, same_playbook=True, max=1, per=timedelta(days=7)
        ),
        "account_same_playbook_daily": CapRule(
            scope=Scope.ACCOUNT, same_playbook=True, max=1, per=day
        ),
        "account_daily": CapRule(scope=Scope.ACCOUNT, max=20, per=day),
    }


def merge_caps(
    defaults: Mapping[str, CapRule], overrides: Mapping[str, CapRule | None]
) -> dict[str, CapRule]:
    merged = dict(defaults)
    for name, rule in overrides.items():
        if rule is None:
            merged.pop(name, None)
        else:
            merged[name] = rule
    return merged


@dataclass(frozen=True, slots=True)
class SentRecord:
    """One nudge that reached a customer (what cap counters count)."""

    at: datetime
    channel: Channel
    playbook_id: str
    recipient_key: str
    account_id: str


def longest_window(rules: Mapping[str, CapRule]) -> timedelta:
    """How much history a cap check needs."""
    return max((rule.per for rule in rules.values()), default=timedelta(0))


def violated_cap(
    rules: Mapping[str, CapRule],
    history: Iterable[SentRecord],
    *,
    now: datetime,
    channel: Channel,
    playbook_id: str,
    recipient_key: str,
    account_id: str,
) -> str | None:
    """The name of the first rule that one more send would break, or None when all allow it."""
    records = list(history)
    for name in sorted(rules):
        rule = rules[name]
        if rule.channel is not None and rule.channel is not channel:
            continue
        start = now - rule.per
        count = 0
        for record in records:
            if not start < record.at <= now:
                continue
            if rule.channel is not None and record.channel is not rule.channel:
                continue
            if rule.same_playbook and record.playbook_id != playbook_id:
                continue
            if rule.scope is Scope.USER and record.recipient_key != recipient_key:
                continue
            if rule.scope is Scope.ACCOUNT and record.account_id != account_id:
                continue
            count += 1
        if count >= rule.max:
            return name
    return None
