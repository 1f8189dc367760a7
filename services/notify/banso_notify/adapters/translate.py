"""From the platform's contracts to notify's trigger signals.

Notify speaks the contracts on the wire and its own small vocabulary inside: a usage event, a
health change (plus the overdue milestones and goals at risk scoring raises with it), a resolved
ticket (one signal per reporting account, since nudges are planned per account), and derived
account metrics such as seat utilisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from banso_contracts.events import HealthChanged, TicketResolved, UsageRecorded
from banso_notify.domain.facts import Band
from banso_notify.domain.signals import (
    GoalAtRiskSignal,
    HealthSignal,
    MetricSignal,
    MilestoneOverdueSignal,
    Signal,
    TicketResolvedSignal,
    UsageSignal,
)

#: account traits that say how many seats are in use (first one present wins)
SEATS_USED_TRAITS = ("seats_used", "active_seats", "active_users", "user_count", "users")
SEAT_UTILISATION = "seat_utilisation"

_QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"")


def band_of(value: str | None) -> Band | None:
    return Band(value) if value in ("green", "yellow", "red") else None


def usage_signal(event: UsageRecorded, *, event_id: str, account_id: str) -> UsageSignal:
    return UsageSignal(
        workspace_id=event.workspace_id,
        account_id=account_id,
        user_id=event.user_id,
        event_id=event_id,
        occurred_at=event.timestamp,
        event=event.event,
        properties=event.properties,
    )


def health_signals(
    event: HealthChanged, *, event_id: str, raised_before: Iterable[str]
) -> tuple[list[Signal], set[str]]:
    """The health signal, plus one signal per risk newly raised; and the risks raised now."""
    signals: list[Signal] = [
        HealthSignal(
            workspace_id=event.workspace_id,
            account_id=event.account_id,
            event_id=event_id,
            occurred_at=event.computed_at,
            score=event.score,
            band=band_of(event.band),
            previous_score=event.previous_score,
            previous_band=band_of(event.previous_band),
            drivers=tuple(driver.text for driver in event.drivers),
        )
    ]
    before = set(raised_before)
    raised = {f"{signal.code}:{signal.text}" for signal in event.signals if signal.kind == "risk"}
    for signal in event.signals:
        identity = f"{signal.code}:{signal.text}"
        if signal.kind != "risk" or identity in before:
            continue  # still raised since the last change: it already had its chance to trigger
        common: dict[str, Any] = {
            "workspace_id": event.workspace_id,
            "account_id": event.account_id,
            "event_id": f"{event_id}:{signal.code}",
            "occurred_at": event.computed_at,
        }
        text = signal.text.casefold()
        if "milestone" in signal.code or "milestone" in text:
            signals.append(
                MilestoneOverdueSignal(
                    **common, milestone=_name(signal.code, signal.text), due_at=event.computed_at
                )
            )
        elif "goal" in signal.code or "goal" in text:
            signals.append(
                GoalAtRiskSignal(**common, goal=_name(signal.code, signal.text), detail=signal.text)
            )
    return signals, raised


def ticket_signals(
    event: TicketResolved, *, event_id: str, title: str | None, url: str | None
) -> list[TicketResolvedSignal]:
    """One signal per account that reported the problem, naming its reporters.

    An account with feedback in the theme but no named reporter (a CSM note, say) counts as a
    reporter itself: its admins hear about the fix.
    """
    accounts: dict[str, list[str]] = {account_id: [] for account_id in event.account_ids}
    for reporter in event.reporters:
        people = accounts.setdefault(reporter.account_id, [])
        if reporter.user_id is not None and reporter.user_id not in people:
            people.append(reporter.user_id)
    return [
        TicketResolvedSignal(
            workspace_id=event.workspace_id,
            account_id=account_id,
            event_id=event_id,
            occurred_at=event.resolved_at,
            ticket_id=event.ticket_id,
            title=title or event.external_key,
            url=url,
            reporter_user_ids=tuple(people),
            reporter_account_ids=(account_id,) if not people else (),
        )
        for account_id, people in sorted(accounts.items())
    ]


def seat_utilisation(traits: Mapping[str, Any], known_users: int | None = None) -> float | None:
    """Seats in use / seats bought, from account traits (or notify's count of known users)."""
    seats = _number(traits.get("seats"))
    if seats is None or seats <= 0:
        return None
    for name in SEATS_USED_TRAITS:
        used = _number(traits.get(name))
        if used is not None:
            return used / seats
    return known_users / seats if known_users else None


def metric_signal(
    *,
    workspace_id: str,
    account_id: str,
    event_id: str,
    occurred_at: Any,
    value: float,
    previous: float | None,
) -> MetricSignal:
    return MetricSignal(
        workspace_id=workspace_id,
        account_id=account_id,
        event_id=event_id,
        occurred_at=occurred_at,
        metric=SEAT_UTILISATION,
        value=value,
        previous=previous,
    )


def _name(code: str, text: str) -> str:
    """The milestone's or goal's name: quoted in the text when scoring quotes it, else the code."""
    match = _QUOTED.search(text)
    if match:
        return match.group(1) or match.group(2)
    return code.split(":")[-1]


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None
