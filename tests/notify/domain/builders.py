"""Builders for notify's domain tests: playbooks, people, accounts and decision requests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from banso_notify.domain.caps import SentRecord
from banso_notify.domain.facts import AccountFacts, Band, Recipient, SuppressionState, UserFacts
from banso_notify.domain.outcomes import DecisionInput
from banso_notify.domain.playbook import Playbook, SendAction, SendStep, parse_playbook
from banso_notify.domain.policy import WorkspacePolicy

WORKSPACE = "ws-1"
# a Tuesday, 10:00 UTC: inside the default 09:00-20:00 window for a UTC recipient
NOW = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


def playbook(**overrides: Any) -> Playbook:
    data: dict[str, Any] = {
        "id": "nudge",
        "name": "A nudge",
        "trigger": {"type": "usage_event", "event": "Report Exported"},
        "steps": [{"send": {"channel": "email", "template": "hello"}}],
        "templates": {
            "hello": {
                "en": {"subject": "Hello {{ user.name }}", "text": "Hi {{ user.name }}"},
                "ja": {"subject": "こんにちは", "text": "{{ user.name }} 様"},
            }
        },
    }
    data.update(overrides)
    return parse_playbook(data)


def user(user_id: str = "u1", account_id: str = "acme", **traits: Any) -> UserFacts:
    values: dict[str, Any] = {"email": f"{user_id}@example.com", "timezone": "UTC"}
    values.update(traits)
    return UserFacts(user_id=user_id, account_id=account_id, traits=values, identified=True)


def account(
    account_id: str = "acme",
    *,
    band: Band | None = Band.GREEN,
    score: float | None = 80.0,
    **traits: Any,
) -> AccountFacts:
    values: dict[str, Any] = {"name": account_id.title(), "plan": "pro", "arr": 12_000}
    values.update(traits)
    return AccountFacts(account_id=account_id, traits=values, band=band, score=score)


def request(
    book: Playbook | None = None,
    *,
    recipient: Recipient | None = None,
    facts: AccountFacts | None = None,
    suppression: SuppressionState | None = None,
    history: Sequence[SentRecord] = (),
    due_at: datetime = NOW,
    step: int = 0,
    goal_reached: bool = False,
    planned_at: datetime | None = None,
    trigger_age: timedelta | None = None,
) -> DecisionInput:
    book = book or playbook()
    facts = facts or account()
    sends = book.send_steps()
    action: SendAction = sends[min(step, len(sends) - 1)].send
    return DecisionInput(
        workspace_id=WORKSPACE,
        playbook=book,
        step=action,
        step_index=step,
        recipient=recipient or Recipient.for_user(user(), facts.account_id),
        account=facts,
        suppression=suppression or SuppressionState(),
        history=history,
        due_at=due_at,
        goal_reached=goal_reached,
        planned_at=planned_at,
        trigger_age=trigger_age,
    )


def send_step(channel: str, template: str = "hello") -> SendStep:
    return SendStep.model_validate({"send": {"channel": channel, "template": template}})


def open_policy(**overrides: Any) -> WorkspacePolicy:
    """A policy with no send window, so tests about other rules are not held."""
    values: dict[str, Any] = {"delivery_hours": {}}
    values.update(overrides)
    return WorkspacePolicy.model_validate(values)
