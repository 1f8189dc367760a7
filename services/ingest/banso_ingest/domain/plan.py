"""Turning accepted intents into the records to publish: dedupe within the request, accounts, keys.

Everything here is a pure function of the request and of what the stores answered, so the order
rules (a group call applies to the events after it) and the key rules are tested without a broker.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from hashlib import sha1
from uuid import NAMESPACE_URL, UUID, uuid5

from banso_ingest.domain.accounts import (
    UNASSIGNED,
    AccountResolution,
    AccountSource,
    Memberships,
    account_key,
    candidate_identities,
    grouping_identity,
    names_account,
    person_key,
    stated_account,
    user_traits_key,
)
from banso_ingest.domain.feedback import FeedbackItem
from banso_ingest.domain.messages import ALIAS, TrackedMessage
from banso_ingest.domain.rejections import Reason, Rejection
from banso_ingest.domain.routing import (
    ACCOUNT_TRAITS,
    USAGE,
    USER_TRAITS,
    Intent,
    Payload,
    Route,
)

# Event ids are derived from (source, messageId): a retry that gets published twice after a crash
# carries the same CloudEvents id both times, so consumers drop the repeat.
EVENT_ID_NAMESPACE: UUID = uuid5(NAMESPACE_URL, "https://banso.dev/ingest/events")
_NAMESPACE_BYTES = EVENT_ID_NAMESPACE.bytes
_LAST_GROUP = AccountSource.LAST_GROUP  # hot path (see messages.py)


@dataclass(slots=True)  # one per event: not frozen, to build it cheaply; never mutated
class Outgoing:
    """One record to publish: its topic, Kafka key, event id and account."""

    route: Route
    key: str
    event_id: str
    account: AccountResolution
    payload: Payload

    @property
    def index(self) -> int:
        return self.payload.index

    @property
    def message_id(self) -> str:
        return self.payload.message_id


@dataclass(frozen=True, slots=True)
class Duplicate:
    index: int
    message_id: str

    def as_json(self) -> dict[str, object]:
        return {"index": self.index, "messageId": self.message_id}


@dataclass(slots=True)
class Assignment:
    """The keyed records, the last-group changes they imply, and intents that cannot be keyed."""

    records: list[Outgoing] = field(default_factory=list)
    changes: dict[str, str] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)


def event_id(source_id: str, message_id: str) -> str:
    """`uuid5(EVENT_ID_NAMESPACE, "<source>\\n<messageId>")`, written out because it runs per event
    and the `uuid` module's objects cost more than the hash."""
    return EventIds(source_id)(message_id)


class EventIds:
    """The event ids of one source: the hash of the namespace and the source is taken once."""

    __slots__ = ("_prefix",)

    def __init__(self, source_id: str) -> None:
        self._prefix = sha1(_NAMESPACE_BYTES + f"{source_id}\n".encode())

    def __call__(self, message_id: str) -> str:
        hashed = self._prefix.copy()
        hashed.update(message_id.encode())
        h = hashed.hexdigest()
        # RFC 4122: version 5 in the 13th digit, variant 10xx in the 17th.
        variant = "89ab"[int(h[16], 16) & 3]
        return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


def split_repeats(intents: Iterable[Intent]) -> tuple[list[Intent], list[Duplicate]]:
    """Keep the first event of each messageId in the request; the later ones are duplicates."""
    first: list[Intent] = []
    repeats: list[Duplicate] = []
    seen: set[str] = set()
    for intent in intents:
        if intent.message_id in seen:
            repeats.append(Duplicate(intent.index, intent.message_id))
        else:
            seen.add(intent.message_id)
            first.append(intent)
    return first, repeats


def identities_to_look_up(intents: Iterable[Intent]) -> set[str]:
    """Users whose last group is needed: those of events that name no account themselves."""
    wanted: set[str] = set()
    for intent in intents:
        if intent.route is ACCOUNT_TRAITS or names_account(intent.payload):
            continue
        wanted.update(candidate_identities(intent.payload))
    return wanted


def assign(
    intents: Iterable[Intent],
    *,
    workspace_id: str,
    source_id: str,
    known_groups: Mapping[str, str],
) -> Assignment:
    """Key every intent, in request order.

    A feedback item needs an account (the bridge weighs themes by the accounts behind them): a
    feedback track whose account is unknown is published as the usage event it also is, and a
    `POST /v1/feedback` item without one is rejected.
    """
    memberships = Memberships(known_groups)
    event_ids = EventIds(source_id)
    out = Assignment()
    for intent in intents:
        route, payload = intent.route, intent.payload
        account = _account(intent, memberships)
        if isinstance(payload, FeedbackItem) and account.account_id is None:
            if intent.fallback is None:
                out.rejections.append(_no_account(payload))
                continue
            route, payload = USAGE, intent.fallback
        if isinstance(payload, TrackedMessage):
            _remember(payload, account, memberships)
        # Positional (route, key, event id, account, payload): keywords cost more, per event.
        out.records.append(
            Outgoing(
                route,
                _key(route, workspace_id, payload, account),
                event_ids(payload.message_id),
                account,
                payload,
            )
        )
    out.changes = memberships.changes
    return out


def unassigned_count(records: Collection[Outgoing]) -> int:
    return sum(1 for record in records if record.account.account_id is None)


def _account(intent: Intent, memberships: Memberships) -> AccountResolution:
    if intent.route is ACCOUNT_TRAITS:
        return stated_account(intent.payload) or UNASSIGNED
    stated = stated_account(intent.payload)
    if stated is not None:
        return stated
    found = memberships.account_of(candidate_identities(intent.payload))
    if found is None:
        return UNASSIGNED
    return AccountResolution(found, _LAST_GROUP)


def _remember(
    message: TrackedMessage, account: AccountResolution, memberships: Memberships
) -> None:
    identity = grouping_identity(message)
    if identity is not None and message.group_id is not None:
        memberships.record(identity, message.group_id)
    elif (
        message.type is ALIAS
        and message.user_id is not None
        and account.account_id is not None
        and memberships.account_of((message.user_id,)) is None
    ):
        # The new id inherits the account its previous id was grouped with.
        memberships.record(message.user_id, account.account_id)


def _key(route: Route, workspace_id: str, payload: Payload, account: AccountResolution) -> str:
    if route is USER_TRAITS and isinstance(payload, TrackedMessage):
        return user_traits_key(workspace_id, payload)
    if account.account_id is None:
        return person_key(workspace_id, payload)
    return account_key(workspace_id, account.account_id)


def _no_account(item: FeedbackItem) -> Rejection:
    return Rejection(
        item.index,
        item.message_id,
        Reason.MISSING_ACCOUNT,
        "the feedback item names no `account` and its user has not been grouped with one",
    )
