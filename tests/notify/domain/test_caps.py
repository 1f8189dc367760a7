"""Frequency caps: per user and per account, per channel and overall, in sliding windows."""

from __future__ import annotations

from datetime import timedelta

from banso_notify.domain.caps import CapRule, SentRecord, default_caps, merge_caps, violated_cap
from banso_notify.domain.facts import Channel
from banso_notify.domain.triggers import Scope

from .builders import NOW

HOUR = timedelta(hours=1)


def sent(
    ago: timedelta,
    *,
    user: str = "user:u1",
    account: str = "acme",
    playbook: str = "nudge",
    channel: Channel = Channel.EMAIL,
) -> SentRecord:
    return SentRecord(
        at=NOW - ago, channel=channel, playbook_id=playbook, recipient_key=user, account_id=account
    )


def check(
    history: list[SentRecord],
    *,
    user: str = "user:u1",
    channel: Channel = Channel.EMAIL,
    playbook: str = "nudge",
    rules: dict[str, CapRule] | None = None,
) -> str | None:
    return violated_cap(
        default_caps() if rules is None else rules,
        history,
        now=NOW,
        channel=channel,
        playbook_id=playbook,
        recipient_key=user,
        account_id="acme",
    )


def test_nothing_sent_means_no_cap() -> None:
    assert check([]) is None


def test_five_people_at_one_account_do_not_each_get_the_same_nudge_the_same_day() -> None:
    history: list[SentRecord] = []
    outcomes = []
    for person in ["u1", "u2", "u3", "u4", "u5"]:
        broken = check(history, user=f"user:{person}")
        outcomes.append(broken)
        if broken is None:
            history.append(sent(timedelta(0), user=f"user:{person}"))

    assert outcomes == [None] + ["account_same_playbook_daily"] * 4


def test_people_at_other_accounts_are_not_counted() -> None:
    history = [sent(HOUR, user="user:x", account="globex")]

    assert check(history, user="user:u2") is None


def test_a_different_playbook_at_the_same_account_is_allowed() -> None:
    history = [sent(HOUR, user="user:u2", playbook="other")]

    assert check(history) is None


def test_user_daily_cap_counts_every_channel() -> None:
    history = [
        sent(HOUR, playbook="a", channel=Channel.IN_APP),
        sent(2 * HOUR, playbook="b", channel=Channel.SLACK),
        sent(3 * HOUR, playbook="c", channel=Channel.WEBHOOK),
    ]

    assert check(history, playbook="d", channel=Channel.IN_APP) == "user_daily"


def test_channel_cap_only_counts_that_channel() -> None:
    rules = {
        "email": CapRule(scope=Scope.USER, channel=Channel.EMAIL, max=1, per=timedelta(days=1))
    }
    history = [sent(HOUR, channel=Channel.EMAIL)]

    assert check(history, rules=rules, channel=Channel.EMAIL) == "email"
    assert check(history, rules=rules, channel=Channel.IN_APP) is None


def test_windows_slide() -> None:
    rules = {"daily": CapRule(scope=Scope.USER, max=1, per=timedelta(days=1))}

    assert check([sent(timedelta(hours=23, minutes=59))], rules=rules) == "daily"
    assert check([sent(timedelta(hours=24))], rules=rules) is None


def test_weekly_user_cap() -> None:
    # eight sends spread over six days: never three in one day, but eight in a week
    history = [
        sent(timedelta(hours=20 * i + 1), playbook=f"p{i}", channel=Channel.IN_APP)
        for i in range(8)
    ]

    assert check(history, playbook="new", channel=Channel.IN_APP) == "user_weekly"
    assert check(history[1:], playbook="new", channel=Channel.IN_APP) is None


def test_playbook_overrides_replace_or_switch_off_rules_by_name() -> None:
    loose = CapRule(scope=Scope.USER, max=10, per=timedelta(days=1))
    merged = merge_caps(default_caps(), {"user_daily": loose, "account_same_playbook_daily": None})

    assert merged["user_daily"] == loose
    assert "account_same_playbook_daily" not in merged
    history = [sent(HOUR, user="user:u2")]
    assert check(history, rules=merged) is None
