"""Segment messages as a product's backend would send them, and what the simulator knows of each."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from banso_contracts.topics import ACCOUNT_TRAITS, FEEDBACK, USAGE, USER_TRAITS

LIBRARY = {"name": "banso-sim", "version": "0.1.0"}
LOCALE_TAGS = {"ja": "ja-JP", "en": "en-US"}

USAGE_TOPIC = USAGE.name
USER_TRAITS_TOPIC = USER_TRAITS.name
ACCOUNT_TRAITS_TOPIC = ACCOUNT_TRAITS.name
FEEDBACK_TOPIC = FEEDBACK.name


@dataclass(frozen=True, slots=True)
class SimMessage:
    """One Segment message (`payload`, as sent in a batch) with its event time, its account and
    the topic ingest is expected to route it to (the logical name, e.g. ``banso.usage.v1``)."""

    at: datetime
    account_id: str
    topic: str
    payload: dict[str, Any]

    @property
    def message_id(self) -> str:
        return str(self.payload["messageId"])

    @property
    def kind(self) -> str:
        """`track`, `page`, `identify` or `group`; a track's event name for feedback tracks."""
        return str(self.payload["type"])


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class MessageFactory:
    """Builds the messages of one account, drawing message ids from the account's generator."""

    def __init__(self, rng: random.Random, account_id: str) -> None:
        self._rng = rng
        self._account_id = account_id

    def _message_id(self) -> str:
        # UUID-shaped, as Segment's libraries send; drawn from the account's generator so a
        # re-run sends the same ids (and ingest's dedupe answers them as duplicates).
        h = f"{self._rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"

    def _context(self, locale: str, timezone: str) -> dict[str, Any]:
        return {
            "groupId": self._account_id,
            "locale": LOCALE_TAGS.get(locale, locale),
            "timezone": timezone,
            "library": LIBRARY,
        }

    def track(
        self,
        *,
        at: datetime,
        event: str,
        properties: dict[str, Any],
        locale: str,
        timezone: str,
        user_id: str | None = None,
        anonymous_id: str | None = None,
        topic: str = USAGE_TOPIC,
    ) -> SimMessage:
        payload: dict[str, Any] = {
            "type": "track",
            "messageId": self._message_id(),
            "timestamp": iso(at),
            "event": event,
            "properties": properties,
            "context": self._context(locale, timezone),
        }
        if user_id is not None:
            payload["userId"] = user_id
        if anonymous_id is not None:
            payload["anonymousId"] = anonymous_id
        return SimMessage(at, self._account_id, topic, payload)

    def page(
        self, *, at: datetime, user_id: str, name: str, path: str, locale: str, timezone: str
    ) -> SimMessage:
        payload: dict[str, Any] = {
            "type": "page",
            "messageId": self._message_id(),
            "timestamp": iso(at),
            "userId": user_id,
            "name": name,
            "properties": {"path": path, "title": name},
            "context": self._context(locale, timezone),
        }
        return SimMessage(at, self._account_id, USAGE_TOPIC, payload)

    def identify(
        self, *, at: datetime, user_id: str, traits: dict[str, Any], locale: str, timezone: str
    ) -> SimMessage:
        payload: dict[str, Any] = {
            "type": "identify",
            "messageId": self._message_id(),
            "timestamp": iso(at),
            "userId": user_id,
            "traits": traits,
            "context": self._context(locale, timezone),
        }
        return SimMessage(at, self._account_id, USER_TRAITS_TOPIC, payload)

    def group(
        self, *, at: datetime, user_id: str, traits: dict[str, Any], locale: str, timezone: str
    ) -> SimMessage:
        payload: dict[str, Any] = {
            "type": "group",
            "messageId": self._message_id(),
            "timestamp": iso(at),
            "userId": user_id,
            "groupId": self._account_id,
            "traits": traits,
            "context": self._context(locale, timezone),
        }
        return SimMessage(at, self._account_id, ACCOUNT_TRAITS_TOPIC, payload)
