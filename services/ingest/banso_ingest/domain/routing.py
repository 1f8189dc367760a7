"""Which topic each accepted message goes to.

track, page and screen are usage; identify and alias change what is known about a user; group
changes what is known about an account; feedback items go to the feedback topic. A track whose
event name is configured as feedback ("Support Ticket Created") becomes a feedback item instead of
a usage event, so scoring does not count it twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from banso_ingest.domain.feedback import FeedbackItem, FeedbackKind, feedback_from_track
from banso_ingest.domain.messages import TRACK, MessageType, TrackedMessage
from banso_ingest.domain.rejections import EventRejected, Rejection


class Route(StrEnum):
    USAGE = "usage"
    USER_TRAITS = "user_traits"
    ACCOUNT_TRAITS = "account_traits"
    FEEDBACK = "feedback"


# Hot-path spellings of the members (see messages.py).
USAGE, USER_TRAITS = Route.USAGE, Route.USER_TRAITS
ACCOUNT_TRAITS, FEEDBACK = Route.ACCOUNT_TRAITS, Route.FEEDBACK


_ROUTES = {
    MessageType.TRACK: Route.USAGE,
    MessageType.PAGE: Route.USAGE,
    MessageType.SCREEN: Route.USAGE,
    MessageType.IDENTIFY: Route.USER_TRAITS,
    MessageType.ALIAS: Route.USER_TRAITS,
    MessageType.GROUP: Route.ACCOUNT_TRAITS,
}

Payload = TrackedMessage | FeedbackItem


@dataclass(slots=True)  # one per event: not frozen, to build it cheaply; never mutated
class Intent:
    """An accepted message and the topic it is meant for, before dedupe and keying."""

    route: Route
    payload: Payload
    # For a feedback track: the track itself, published as usage if no account can be found.
    fallback: TrackedMessage | None = None

    @property
    def index(self) -> int:
        return self.payload.index

    @property
    def message_id(self) -> str:
        return self.payload.message_id


def classify(
    messages: Iterable[TrackedMessage], *, feedback_events: Mapping[str, FeedbackKind]
) -> tuple[list[Intent], list[Rejection]]:
    """Route every message; a feedback-configured track with unreadable fields is rejected."""
    intents: list[Intent] = []
    rejections: list[Rejection] = []
    for message in messages:
        kind = (
            feedback_events.get(message.event)
            if message.type is TRACK and message.event is not None
            else None
        )
        if kind is None:
            intents.append(Intent(_ROUTES[message.type], message))
            continue
        try:
            item = feedback_from_track(message, default_kind=kind)
        except EventRejected as error:
            rejections.append(
                Rejection(message.index, message.message_id, error.reason, error.message)
            )
            continue
        if item is None:
            intents.append(Intent(USAGE, message))
        else:
            intents.append(Intent(FEEDBACK, item, fallback=message))
    return intents, rejections


def feedback_intents(items: Iterable[FeedbackItem]) -> list[Intent]:
    return [Intent(Route.FEEDBACK, item) for item in items]


def usage_name(message: TrackedMessage) -> str:
    """What a usage event is called: the track's event, else the page or screen name.

    `analytics.page()` without a name is common; the page's title or path names it then, and the
    call type as a last resort, so every usage event has a name to count.
    """
    if message.event is not None:
        return message.event
    if message.name is not None:
        return message.name
    for field in ("title", "path", "url"):
        value = message.properties.get(field)
        if isinstance(value, str) and value.strip():
            return value[:512]
    return message.type.value
