"""What templates can use: the person, the account, and what triggered the nudge.

Built when the nudge is planned and stored with it, so the message says what was true at the
trigger (the drivers of *that* health change), even when it is sent hours later. A nudge held
for the person's identify or the account's traits (they travel on other topics) takes the
person and the account as known when it is decided again (``with_latest_facts``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import datetime
from enum import Enum
from typing import Any

from banso_notify.domain.facts import AccountFacts, Recipient
from banso_notify.domain.signals import (
    HealthSignal,
    MetricSignal,
    Signal,
    TicketResolvedSignal,
)


def message_context(signal: Signal, recipient: Recipient, account: AccountFacts) -> dict[str, Any]:
    context: dict[str, Any] = {
        "signal": {"type": type(signal).__name__, **_fields(signal)},
        "user": _person(recipient),
        "account": _account(account),
        "drivers": [],
    }
    if isinstance(signal, HealthSignal):
        context["health"] = {
            "score": signal.score,
            "band": signal.band.value if signal.band else None,
            "previous_score": signal.previous_score,
            "previous_band": signal.previous_band.value if signal.previous_band else None,
        }
        context["drivers"] = list(signal.drivers)
    if isinstance(signal, TicketResolvedSignal):
        context["ticket"] = {"id": signal.ticket_id, "title": signal.title, "url": signal.url}
    if isinstance(signal, MetricSignal):
        context["metric"] = {"name": signal.metric, "value": signal.value}
    return context


def with_customer(context: dict[str, Any], customer: Recipient) -> dict[str, Any]:
    """For a CSM alert rerouted from a customer e-mail: who the e-mail was for."""
    return {**context, "customer": _person(customer)}


def with_latest_facts(
    context: dict[str, Any], recipient: Recipient, account: AccountFacts
) -> dict[str, Any]:
    """For a nudge held for what travels on another topic (the person's identify, the account's
    traits): the person and the account as known now. The trigger's facts stay as they were."""
    return {**context, "user": _person(recipient), "account": _account(account)}


def _account(account: AccountFacts) -> dict[str, Any]:
    return {
        "id": account.account_id,
        "name": str(account.traits.get("name") or account.account_id),
        "arr": account.traits.get("arr"),
        "seats": account.traits.get("seats"),
        "plan": account.traits.get("plan"),
        "band": account.band.value if account.band else None,
        "score": account.score,
        "traits": _plain(dict(account.traits)),
    }


def _fields(signal: Signal) -> dict[str, Any]:
    """The signal's fields, JSON-ready (shallow: no deep copy of what is converted anyway)."""
    return {item.name: _plain(getattr(signal, item.name)) for item in fields(signal)}


def _person(recipient: Recipient) -> dict[str, Any]:
    traits = dict(recipient.user.traits) if recipient.user else {}
    return {
        "id": recipient.recipient_id,
        "name": recipient.name or traits.get("name"),
        "first_name": traits.get("first_name") or traits.get("firstName"),
        "last_name": traits.get("last_name") or traits.get("lastName"),
        "email": recipient.email,
        "locale": recipient.locale,
        "traits": _plain(traits),
    }


def _plain(value: Any) -> Any:
    """JSON-ready: datetimes as ISO text, enums as values, tuples as lists."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
