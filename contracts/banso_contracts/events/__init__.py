"""One pydantic model per event type and version.

Every class sets ``EVENT_TYPE`` (the CloudEvents ``type``); ``ALL_EVENTS`` lists them all in a
stable order (the order of the generated schemas and of the AsyncAPI document).
"""

from banso_contracts.events.access import TokenRevoked
from banso_contracts.events.base import Event, Id, Part, UtcDateTime
from banso_contracts.events.deadletter import DeadLettered, PayloadEncoding, text_of
from banso_contracts.events.feedback import FeedbackKind, FeedbackReceived
from banso_contracts.events.health import (
    Band,
    Driver,
    HealthChanged,
    MeasureResult,
    Override,
    Signal,
)
from banso_contracts.events.identity import AccountTraitsUpdated, UserAliased, UserIdentified
from banso_contracts.events.nudges import (
    Channel,
    NudgeConverted,
    NudgeFailed,
    NudgeSent,
    NudgeSuppressed,
    Recipient,
    SuppressionReason,
    Variant,
)
from banso_contracts.events.tickets import (
    Reporter,
    Sink,
    ThemeCreated,
    ThemeStatus,
    ThemeUpdated,
    TicketCreated,
    TicketResolved,
    TicketUpdated,
)
from banso_contracts.events.usage import UsageRecorded

ALL_EVENTS: tuple[type[Event], ...] = (
    UsageRecorded,
    UserIdentified,
    UserAliased,
    AccountTraitsUpdated,
    FeedbackReceived,
    HealthChanged,
    ThemeCreated,
    ThemeUpdated,
    TicketCreated,
    TicketUpdated,
    TicketResolved,
    NudgeSent,
    NudgeSuppressed,
    NudgeFailed,
    NudgeConverted,
    DeadLettered,
    TokenRevoked,
)

__all__ = [
    "ALL_EVENTS",
    "AccountTraitsUpdated",
    "Band",
    "Channel",
    "DeadLettered",
    "Driver",
    "Event",
    "FeedbackKind",
    "FeedbackReceived",
    "HealthChanged",
    "Id",
    "MeasureResult",
    "NudgeConverted",
    "NudgeFailed",
    "NudgeSent",
    "NudgeSuppressed",
    "Override",
    "Part",
    "PayloadEncoding",
    "Recipient",
    "Reporter",
    "Signal",
    "Sink",
    "SuppressionReason",
    "ThemeCreated",
    "ThemeStatus",
    "ThemeUpdated",
    "TicketCreated",
    "TicketResolved",
    "TicketUpdated",
    "TokenRevoked",
    "UsageRecorded",
    "UserAliased",
    "UserIdentified",
    "UtcDateTime",
    "Variant",
    "text_of",
]
