"""Contract events to the scoring domain's facts.

Only what health needs is kept. Usage without an account (anonymous visitors, users not yet
grouped) has no account to score and is skipped; nudges count as a CS touch once sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from banso_contracts.events import (
    AccountTraitsUpdated,
    Event,
    FeedbackReceived,
    NudgeSent,
    UsageRecorded,
)
from banso_scoring.domain.facts import FeedbackItem, SurveyAnswer, Touch, TraitsUpdate, Usage
from banso_scoring.domain.sentiment import is_negative

Fact = Usage | TraitsUpdate | FeedbackItem | SurveyAnswer | Touch


# Not frozen, like Usage: one is built per event on the hot path; nothing mutates it.
@dataclass(slots=True)
class AccountFacts:
    """What one event tells about one account; ``negative`` marks a negative feedback item."""

    workspace_id: str
    account_id: str
    facts: tuple[Fact, ...]
    # Stream time: when ingest received the event (notify's own time for nudges).
    received_at: float
    negative: bool = False


def account_facts(event: Event) -> AccountFacts | None:
    """The facts an event carries for scoring, or None when it says nothing about an account."""
    if isinstance(event, UsageRecorded):
        return _usage(event)
    if isinstance(event, AccountTraitsUpdated):
        return _traits(event)
    if isinstance(event, FeedbackReceived):
        return _feedback(event)
    if isinstance(event, NudgeSent):
        at = event.occurred_at.timestamp()
        if event.variant != "treatment":
            return None
        return AccountFacts(event.workspace_id, event.account_id, (Touch(at, "nudge"),), at)
    return None


def _usage(event: UsageRecorded) -> AccountFacts | None:
    if event.account_id is None:
        return None
    received = event.received_at.timestamp()
    usage = Usage(
        name=event.event,
        at=event.timestamp.timestamp(),
        received_at=received,
        user_id=event.user_id,
        properties=event.properties or None,
    )
    return AccountFacts(event.workspace_id, event.account_id, (usage,), received)


def _feedback(event: FeedbackReceived) -> AccountFacts:
    at = event.timestamp.timestamp()
    received = event.received_at.timestamp()
    workspace, account = event.workspace_id, event.account_id
    if event.kind == "csm_note":
        return AccountFacts(workspace, account, (Touch(at, "csm_note"),), received)
    facts: list[Fact] = [
        FeedbackItem(at=at, kind=event.kind, text=event.text, language=event.language)
    ]
    negative = event.kind == "churn_reason" or is_negative(event.text)
    if event.score is not None:
        if event.kind == "nps_comment" and 0 <= event.score <= 10:
            facts.append(SurveyAnswer(at=at, kind="nps", score=event.score))
            negative = negative or event.score <= 6
        elif event.kind == "support_ticket" and 1 <= event.score <= 5:
            facts.append(SurveyAnswer(at=at, kind="csat", score=event.score))
            negative = negative or event.score <= 2
    return AccountFacts(workspace, account, tuple(facts), received, negative)


def _traits(event: AccountTraitsUpdated) -> AccountFacts:
    traits = event.traits
    csm, csm_name = owner(traits)
    update = TraitsUpdate(
        at=event.timestamp.timestamp(),
        seats=_count(traits.get("seats")),
        plan=_text(traits.get("plan")),
        arr=_amount(traits.get("arr")),
        renewal_at=_instant(traits.get("renewal_date", traits.get("renewal_at"))),
        created_at=_instant(traits.get("created_at", traits.get("createdAt"))),
        timezone=_text(traits.get("timezone")),
        name=_text(traits.get("name")),
        csm=csm,
        csm_name=csm_name,
    )
    received = event.received_at.timestamp()
    return AccountFacts(event.workspace_id, event.account_id, (update,), received)


def owner(traits: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The account's owner, from the traits in every shape the product accepts: a `csm_email`
    trait, a `csm` trait that is an e-mail or a name, a `csm` object (`email`, `name`, `id`, as
    notify reads it). Returns who the portfolio's owner filter matches (the e-mail when known,
    else the name, else the id) and the owner's name when the traits tell it; (None, None) when
    they name no owner."""
    told = traits.get("csm")
    details: Mapping[str, Any] = told if isinstance(told, Mapping) else {}
    said = _text(told)
    email = _text(traits.get("csm_email")) or _text(details.get("email"))
    if said and "@" in said:
        email = email or said
        said = None
    name = _text(details.get("name")) or said
    return email or name or _text(details.get("id")), name


# Segment traits are free-form: accept the spellings people send, ignore what cannot be read.


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _amount(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value >= 0:
        return float(value)
    if isinstance(value, str):
        try:
            amount = float(value.replace(",", "").strip())
        except ValueError:
            return None
        return amount if amount >= 0 else None
    return None


def _instant(value: Any) -> float | None:
    """An ISO date (midnight UTC), an ISO datetime (naive read as UTC) or epoch seconds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        # Milliseconds are common from JavaScript; no real date is 1e11 seconds after 1970.
        return float(value) / 1000 if value > 1e11 else float(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC).timestamp()
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
