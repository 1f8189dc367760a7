"""The topic registry: every Kafka topic, its key, the events on it and its retention.

Partition counts suit the single-node development broker; production clusters raise them (a
topic's partition count can grow, never shrink, and growing it moves keys between partitions, so
pick the production count before going live).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from banso_contracts.errors import ContractError
from banso_contracts.events import (
    AccountTraitsUpdated,
    DeadLettered,
    Event,
    FeedbackReceived,
    HealthChanged,
    NudgeConverted,
    NudgeFailed,
    NudgeSent,
    NudgeSuppressed,
    ThemeCreated,
    ThemeUpdated,
    TicketCreated,
    TicketResolved,
    TicketUpdated,
    TokenRevoked,
    UsageRecorded,
    UserAliased,
    UserIdentified,
)

DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True, slots=True)
class Topic:
    """One Kafka topic of the platform."""

    name: str
    """Logical name, e.g. ``banso.usage.v1``; see ``physical_name`` for the broker's name."""
    key: str
    """How records are keyed, in words (e.g. ``<workspace_id>:<account_id>``)."""
    events: tuple[type[Event], ...]
    """Event types published on the topic."""
    partitions: int
    cleanup_policy: Literal["delete", "compact"]
    retention_ms: int | None
    """How long records are kept; None keeps them forever (compacted topics)."""
    description: str

    def physical_name(self, prefix: str = "") -> str:
        """The topic's name on the broker: ``BANSO_TOPIC_PREFIX`` + ``name``."""
        return f"{prefix}{self.name}"

    def key_for(self, event: Event) -> str:
        """The record key of ``event`` on this topic; refuses events that do not belong here."""
        if type(event) not in self.events:
            raise ContractError(f"{event.EVENT_TYPE} is not published on topic {self.name}")
        return event.partition_key

    def configs(self) -> dict[str, str]:
        """Topic-level configuration for topic creation (``cleanup.policy``, ``retention.ms``)."""
        configs: dict[str, str] = {"cleanup.policy": self.cleanup_policy}
        configs["retention.ms"] = "-1" if self.retention_ms is None else str(self.retention_ms)
        return configs


USAGE = Topic(
    name="banso.usage.v1",
    key="<workspace_id>:<account_id> (no account: user:<user_id> or anonymous:<anonymous_id>)",
    events=(UsageRecorded,),
    partitions=6,
    cleanup_policy="delete",
    retention_ms=14 * DAY_MS,
    description="What people do in the product: Segment track, page and screen calls.",
)
USER_TRAITS = Topic(
    name="banso.user-traits.v1",
    key="<workspace_id>:<user_id> (alias: <workspace_id>:<previous_id>)",
    events=(UserIdentified, UserAliased),
    partitions=6,
    cleanup_policy="compact",
    retention_ms=None,
    description="Who people are (identify) and which ids are the same person (alias); "
    "compacted, so the latest record per user is kept forever.",
)
ACCOUNT_TRAITS = Topic(
    name="banso.account-traits.v1",
    key="<workspace_id>:<account_id>",
    events=(AccountTraitsUpdated,),
    partitions=6,
    cleanup_policy="compact",
    retention_ms=None,
    description="What accounts are (group traits: plan, seats, ARR, renewal, time zone, CSM); "
    "compacted, so the latest record per account is kept forever.",
)
FEEDBACK = Topic(
    name="banso.feedback.v1",
    key="<workspace_id>:<account_id>",
    events=(FeedbackReceived,),
    partitions=6,
    cleanup_policy="delete",
    retention_ms=30 * DAY_MS,
    description="The voice of the customer: tickets, NPS comments, CSM notes, churn reasons.",
)
HEALTH = Topic(
    name="banso.health.v1",
    key="<workspace_id>:<account_id>",
    events=(HealthChanged,),
    partitions=6,
    cleanup_policy="delete",
    retention_ms=30 * DAY_MS,
    description="Account health: score, band, measures, drivers and signals, when they change.",
)
TICKETS = Topic(
    name="banso.tickets.v1",
    key="<workspace_id>:<theme_id>",
    events=(ThemeCreated, ThemeUpdated, TicketCreated, TicketUpdated, TicketResolved),
    partitions=3,
    cleanup_policy="delete",
    retention_ms=90 * DAY_MS,
    description="Themes of feedback and the product tickets raised and resolved for them; "
    "keyed by theme so a theme and its tickets stay in order.",
)
NUDGES = Topic(
    name="banso.nudges.v1",
    key="<workspace_id>:<account_id>",
    events=(NudgeSent, NudgeSuppressed, NudgeFailed, NudgeConverted),
    partitions=6,
    cleanup_policy="delete",
    retention_ms=30 * DAY_MS,
    description="What notify did for each playbook (sent, suppressed, failed) and conversions.",
)
DEAD_LETTER = Topic(
    name="banso.deadletter.v1",
    key="<origin_topic>:<origin_partition>",
    events=(DeadLettered,),
    partitions=3,
    cleanup_policy="delete",
    retention_ms=30 * DAY_MS,
    description="Messages a service could not validate or process, with the error and origin.",
)
TOKEN_REVOCATIONS = Topic(
    name="banso.token-revocations.v1",
    key="<workspace_id>:<token_id>",
    events=(TokenRevoked,),
    partitions=1,
    cleanup_policy="compact",
    retention_ms=None,
    description="API tokens revoked before their expiry; every service reads it from the start "
    "and refuses those tokens. Compacted: one record per token, kept forever.",
)

ALL_TOPICS: tuple[Topic, ...] = (
    USAGE,
    USER_TRAITS,
    ACCOUNT_TRAITS,
    FEEDBACK,
    HEALTH,
    TICKETS,
    NUDGES,
    DEAD_LETTER,
    TOKEN_REVOCATIONS,
)


@cache
def _by_event_type() -> dict[str, tuple[type[Event], Topic]]:
    registry: dict[str, tuple[type[Event], Topic]] = {}
    for topic in ALL_TOPICS:
        for event_class in topic.events:
            if event_class.EVENT_TYPE in registry:
                raise RuntimeError(f"{event_class.EVENT_TYPE} is registered twice")
            registry[event_class.EVENT_TYPE] = (event_class, topic)
    return registry


def _event_type(event: str | type[Event] | Event) -> str:
    return event if isinstance(event, str) else event.EVENT_TYPE


def topic_for(event: str | type[Event] | Event) -> Topic:
    """The topic an event type (name, class or instance) is published on."""
    event_type = _event_type(event)
    try:
        return _by_event_type()[event_type][1]
    except KeyError:
        raise ContractError(f"unknown event type {event_type!r}") from None


def event_class(event_type: str) -> type[Event]:
    """The model of a CloudEvents ``type``; raises ContractError for an unknown type."""
    try:
        return _by_event_type()[event_type][0]
    except KeyError:
        raise ContractError(f"unknown event type {event_type!r}") from None


def topic_named(name: str) -> Topic:
    """The topic with logical name ``name`` (e.g. ``banso.usage.v1``)."""
    for topic in ALL_TOPICS:
        if topic.name == name:
            return topic
    raise ContractError(f"unknown topic {name!r}")
