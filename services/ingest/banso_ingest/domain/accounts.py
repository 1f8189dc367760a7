"""Which account an event belongs to, and the Kafka key that keeps each account's events in order.

The account is, in order: the event's own `groupId` (a group call, or a feedback item naming its
account), else `context.groupId` (Segment's B2B convention for attributing any call to a company),
else the account the user was last grouped with (remembered from earlier group calls, persisted by
an adapter). When none is known a usage event is still accepted: it is keyed by its person instead
(`<workspace>:user:<userId>` or `<workspace>:anonymous:<anonymousId>`, the contracts' subject), so
that person's events keep their order; its payload carries no account, and the response and
metrics count it as unassigned.

Keys follow the topic registry in `banso_contracts.topics`: usage and feedback by account, account
traits by account, user traits by user (an alias by its previous id).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import NamedTuple

from banso_ingest.domain.feedback import FeedbackItem
from banso_ingest.domain.messages import ALIAS, ANONYMOUS_PREFIX, GROUP, TrackedMessage


class AccountSource(StrEnum):
    """Where the account of an event came from (a metrics label, so a short fixed set)."""

    EVENT = "event"
    CONTEXT = "context"
    LAST_GROUP = "last_group"
    NONE = "none"


class AccountResolution(NamedTuple):
    """The account of one event and where it came from (a tuple: one is made per event)."""

    account_id: str | None
    source: AccountSource


UNASSIGNED = AccountResolution(None, AccountSource.NONE)
_EVENT, _CONTEXT = AccountSource.EVENT, AccountSource.CONTEXT  # hot path (see messages.py)


def stated_account(payload: TrackedMessage | FeedbackItem) -> AccountResolution | None:
    """The account the event itself names, if any."""
    if isinstance(payload, FeedbackItem):
        if payload.account_id is not None:
            return AccountResolution(payload.account_id, _EVENT)
        return None
    if payload.group_id is not None:
        return AccountResolution(payload.group_id, _EVENT)
    if payload.context_group_id is not None:
        return AccountResolution(payload.context_group_id, _CONTEXT)
    return None


def names_account(payload: TrackedMessage | FeedbackItem) -> bool:
    """Whether the event names its account itself (`stated_account` without building the answer,
    for the question asked of every event before looking up last groups)."""
    if isinstance(payload, FeedbackItem):
        return payload.account_id is not None
    return payload.group_id is not None or payload.context_group_id is not None


def candidate_identities(payload: TrackedMessage | FeedbackItem) -> tuple[str, ...]:
    """The identities whose last group may name this event's account, most specific first.

    Identities are userIds as given and anonymousIds prefixed `anonymous:`. An alias also looks at
    its previousId, which may have been either.
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
    if message.type is not GROUP:
        return None
    return message.identity


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


def user_traits_key(workspace_id: str, message: TrackedMessage) -> str:
    """Key of the compacted user-traits topic: the user; an alias is the last word on its
    previous id, so it is keyed by that (compaction then never drops the user's own record)."""
    if message.type is ALIAS:
        return f"{workspace_id}:{message.previous_id}"
    return f"{workspace_id}:{message.user_id}"


def person_key(workspace_id: str, payload: TrackedMessage | FeedbackItem) -> str:
    """Key of a usage event whose account is unknown: per person, so their events stay in order."""
    if payload.user_id is not None:
        return f"{workspace_id}:user:{payload.user_id}"
    return f"{workspace_id}:{ANONYMOUS_PREFIX}{payload.anonymous_id}"
