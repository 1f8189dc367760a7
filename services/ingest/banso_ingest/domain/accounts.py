"""Which account an event belongs to, and the Kafka key that keeps each account's events in order.

The account is, in order: the event's own `groupId` (a group call, or a feedback item naming its
account), else `context.groupId` (Segment's B2B convention for attributing any call to a company),
else the account the user was last grouped with (remembered from earlier group calls, persisted by
an adapter). When none is known the event is still accepted: it is keyed by its user instead
(`<workspace>:user:<userId>` or `<workspace>:anon:<anonymousId>`), so that user's events keep their
order, its payload carries no account, and the response and metrics count it as unassigned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from banso_ingest.domain.feedback import FeedbackItem
from banso_ingest.domain.messages import MessageType, TrackedMessage

ANONYMOUS_PREFIX = "anon:"


class AccountSource(StrEnum):
    """Where the account of an event came from (a metrics label, so a short fixed set)."""

    EVENT = "event"
    CONTEXT = "context"
    LAST_GROUP = "last_group"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class AccountResolution:
    account_id: str | None
    source: AccountSource


UNASSIGNED = AccountResolution(None, AccountSource.NONE)


def stated_account(payload: TrackedMessage | FeedbackItem) -> AccountResolution | None:
    """The account the event itself names, if any."""
    if isinstance(payload, FeedbackItem):
        if payload.account_id is not None:
            return AccountResolution(payload.account_id, AccountSource.EVENT)
        return None
    if payload.group_id is not None:
        return AccountResolution(payload.group_id, AccountSource.EVENT)
    if payload.context_group_id is not None:
        return AccountResolution(payload.context_group_id, AccountSource.CONTEXT)
    return None


def candidate_identities(payload: TrackedMessage | FeedbackItem) -> tuple[str, ...]:
    """The identities whose last group may name this event's account, most specific first.

    Identities are userIds as given and anonymousIds prefixed `anon:`. An alias also looks at its
    previousId, which may have been either.
    """
    found: list[str] = []
    if payload.user_id is not None:
        found.append(payload.user_id)
    if payload.anonymous_id is not None:
        found.append(ANONYMOUS_PREFIX + payload.anonymous_id)
    if isinstance(payload, TrackedMessage) and payload.previous_id is not None:
        found += [payload.previous_id, ANONYMOUS_PREFIX + payload.previous_id]
    return tuple(found)


def grouping_identity(message: TrackedMessage) -> str | None:
    """Whom a group call attaches to its account."""
    if message.type is not MessageType.GROUP:
        return None
    if message.user_id is not None:
        return message.user_id
    if message.anonymous_id is not None:
        return ANONYMOUS_PREFIX + message.anonymous_id
    return None


class Memberships:
    """Last-group map for one request: what the store knew, plus the group calls seen so far.

    Group calls earlier in the same batch apply to the events after them, and every change is
    collected so the adapter can persist it once the events are durable.
    """

    def __init__(self, known: Mapping[str, str]) -> None:
        self._known = known
        self.changes: dict[str, str] = {}

    def account_of(self, identities: Iterable[str]) -> str | None:
        for identity in identities:
            account = self.changes.get(identity)
            if account is None:
                account = self._known.get(identity)
            if account is not None:
                return account
        return None

    def record(self, identity: str, account_id: str) -> None:
        if self.changes.get(identity, self._known.get(identity)) != account_id:
            self.changes[identity] = account_id


def account_key(workspace_id: str, account_id: str) -> str:
    return f"{workspace_id}:{account_id}"


def user_key(workspace_id: str, payload: TrackedMessage | FeedbackItem) -> str:
    """Key of the user-traits topic: one compacted record per user."""
    if payload.user_id is not None:
        return f"{workspace_id}:{payload.user_id}"
    return f"{workspace_id}:{ANONYMOUS_PREFIX}{payload.anonymous_id}"


def unassigned_key(workspace_id: str, payload: TrackedMessage | FeedbackItem) -> str:
    """Key of an event whose account is unknown: per user, so that user's events stay in order."""
    if payload.user_id is not None:
        return f"{workspace_id}:user:{payload.user_id}"
    return f"{workspace_id}:anon:{payload.anonymous_id}"
