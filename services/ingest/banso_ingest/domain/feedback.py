"""Feedback items: pain points in the customer's words, from `POST /v1/feedback` or from tracks.

A feedback item is what the bridge clusters into themes and what scoring counts as support
friction. It arrives either explicitly (`POST /v1/feedback`, e.g. from a help desk or a CSM tool)
or as a Segment track whose event name is configured as feedback ("Support Ticket Created",
"NPS Submitted"), its properties mapped onto the item.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import orjson

from banso_ingest.domain.fields import JsonObject, coerce_identifier, text
from banso_ingest.domain.limits import IngestLimits
from banso_ingest.domain.messages import ANONYMOUS_PREFIX, TrackedMessage, message_id_of
from banso_ingest.domain.rejections import EventRejected, InvalidRequest, Reason, Rejection
from banso_ingest.domain.timestamps import event_time, parse_timestamp


class FeedbackKind(StrEnum):
    SUPPORT_TICKET = "support_ticket"
    NPS_COMMENT = "nps_comment"
    CSM_NOTE = "csm_note"
    CHURN_REASON = "churn_reason"
    FEATURE_REQUEST = "feature_request"


_KINDS = {member.value: member for member in FeedbackKind}
MIN_SCORE = 0.0
MAX_SCORE = 10.0  # NPS is 0-10; CSAT (1-5) and other ratings fit inside it
MAX_URL_CHARS = 2048
# BCP 47 in the shape people actually send: "ja", "en-US", "zh-Hant-TW".
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")

# Where tracks commonly put each part of a feedback item; the first present one wins.
TEXT_PROPERTIES = ("text", "comment", "body", "description", "message", "feedback", "reason")
SCORE_PROPERTIES = ("score", "nps", "rating")
EXTERNAL_ID_PROPERTIES = ("external_id", "externalId", "ticket_id", "ticketId", "id")


@dataclass(frozen=True, slots=True)
class FeedbackItem:
    """One pain point, validated; `account_id` is what the sender stated, resolved later."""

    index: int
    message_id: str
    kind: FeedbackKind
    text: str
    account_id: str | None
    user_id: str | None
    anonymous_id: str | None
    score: float | None
    language: str | None
    external_id: str | None
    url: str | None
    timestamp: datetime
    received_at: datetime
    source_event: str | None  # the track's event name when it came from a track
    # Who wrote it down when it is not the customer's own words (the CSM logging a touch).
    author: str | None = None

    @property
    def identity(self) -> str | None:
        if self.user_id is not None:
            return self.user_id
        if self.anonymous_id is not None:
            return f"{ANONYMOUS_PREFIX}{self.anonymous_id}"
        return None


def parse_feedback_body(
    body: Any,
    *,
    received_at: datetime,
    limits: IngestLimits,
    body_bytes: int,
    new_message_id: Callable[[], str],
) -> tuple[list[FeedbackItem], list[Rejection]]:
    """Read `POST /v1/feedback`: one item as the body, or `{"items": [...]}` for many."""
    if not isinstance(body, dict):
        raise InvalidRequest(Reason.NOT_AN_OBJECT, "the body must be a JSON object")
    raw_items = body.get("items") if "items" in body else [body]
    if not isinstance(raw_items, list):
        raise InvalidRequest(Reason.INVALID_BATCH, "`items` must be an array")
    if not raw_items:
        raise InvalidRequest(Reason.EMPTY_BATCH, "the `items` array is empty")
    if len(raw_items) > limits.max_batch_events:
        raise InvalidRequest(
            Reason.BATCH_TOO_LARGE,
            f"the request has {len(raw_items)} items; the limit is {limits.max_batch_events}",
        )
    check_size = body_bytes > limits.max_event_bytes
    items: list[FeedbackItem] = []
    rejections: list[Rejection] = []
    for index, raw in enumerate(raw_items):
        try:
            items.append(
                _api_item(raw, index, received_at, limits, new_message_id, check_size=check_size)
            )
        except EventRejected as error:
            rejections.append(Rejection(index, message_id_of(raw), error.reason, error.message))
    return items, rejections


def feedback_from_track(
    message: TrackedMessage, *, default_kind: FeedbackKind
) -> FeedbackItem | None:
    """Map a feedback-configured track onto an item; None when it carries no text.

    A score without words (an NPS vote with no comment) is no pain point to cluster, so such a
    track stays an ordinary usage event.
    """
    props = message.properties
    words = _first_text(props, TEXT_PROPERTIES)
    if words is None:
        return None
    kind_value = props.get("kind")
    kind = _KINDS.get(kind_value, default_kind) if isinstance(kind_value, str) else default_kind
    external_id = None
    for field in EXTERNAL_ID_PROPERTIES:
        external_id = coerce_identifier(props.get(field), f"properties.{field}", max_chars=256)
        if external_id is not None:
            break
    # A track is valid Segment input whatever its free-form properties hold, so a language or URL
    # ingest cannot read is left out rather than refusing the event; a score is refused, because a
    # wrong score would skew health.
    language = _lenient_language(props.get("language")) or _lenient_language(
        message.context.get("locale")
    )
    url = props.get("url")
    return FeedbackItem(
        index=message.index,
        message_id=message.message_id,
        kind=kind,
        text=words,
        account_id=message.group_id or message.context_group_id,
        user_id=message.user_id,
        anonymous_id=message.anonymous_id,
        score=_first_score(props),
        language=language,
        external_id=external_id,
        url=url if isinstance(url, str) and _is_url(url) else None,
        timestamp=message.timestamp,
        received_at=message.received_at,
        source_event=message.event,
    )


def parse_kind_map(raw: Mapping[str, str]) -> dict[str, FeedbackKind]:
    """Validate the configured `event name -> kind` map (settings fail fast on a typo)."""
    kinds: dict[str, FeedbackKind] = {}
    for event, kind in raw.items():
        if kind not in _KINDS:
            raise ValueError(f"feedback event {event!r}: unknown kind {kind!r}")
        kinds[event] = _KINDS[kind]
    return kinds


def _api_item(
    raw: Any,
    index: int,
    received_at: datetime,
    limits: IngestLimits,
    new_message_id: Callable[[], str],
    *,
    check_size: bool,
) -> FeedbackItem:
    if not isinstance(raw, dict):
        raise EventRejected(Reason.NOT_AN_OBJECT, "a feedback item must be an object")
    if check_size and len(orjson.dumps(raw)) > limits.max_event_bytes:
        raise EventRejected(
            Reason.EVENT_TOO_LARGE, f"the item exceeds the limit of {limits.max_event_bytes} bytes"
        )
    words = text(raw, "text", max_chars=limits.max_event_bytes)
    if words is None:
        raise EventRejected(Reason.MISSING_TEXT, "a feedback item needs non-empty `text`")
    kind_value = raw.get("kind")
    if not isinstance(kind_value, str) or kind_value not in _KINDS:
        known = ", ".join(_KINDS)
        raise EventRejected(
            Reason.UNKNOWN_KIND, f"`kind` must be one of {known}, got {str(kind_value)[:64]!r}"
        )
    max_id = limits.max_id_chars
    account = _first_id(raw, ("account", "account_id", "accountId", "groupId"), max_id)
    user = _first_id(raw, ("user", "user_id", "userId"), max_id)
    anonymous = coerce_identifier(raw.get("anonymousId"), "anonymousId", max_chars=max_id)
    if account is None and user is None and anonymous is None:
        raise EventRejected(
            Reason.MISSING_ACCOUNT,
            "a feedback item needs `account` (or a `user` whose account ingest knows)",
        )
    given_id = _first_id(raw, ("id", "messageId"), max_id)
    external_id = _first_id(raw, ("external_id", "externalId"), max_id)
    score = _score(raw.get("score"), "score")
    when = event_time(
        original=parse_timestamp(raw.get("timestamp"), field="timestamp"),
        sent_at=parse_timestamp(raw.get("sentAt"), field="sentAt"),
        received_at=received_at,
    )
    return FeedbackItem(
        index=index,
        message_id=given_id or _derived_id(_KINDS[kind_value], external_id) or new_message_id(),
        kind=_KINDS[kind_value],
        text=words,
        account_id=account,
        user_id=user,
        anonymous_id=anonymous,
        score=score,
        language=_language(raw.get("language"), "language"),
        external_id=external_id,
        url=_url(raw.get("url"), "url"),
        timestamp=when.timestamp,
        received_at=received_at,
        source_event=None,
    )


def _derived_id(kind: FeedbackKind, external_id: str | None) -> str | None:
    # A help desk that re-sends the same ticket is sending a duplicate, not a new pain point.
    return None if external_id is None else f"{kind.value}:{external_id}"


def _first_id(raw: JsonObject, fields: tuple[str, ...], max_chars: int) -> str | None:
    for field in fields:
        found = coerce_identifier(raw.get(field), field, max_chars=max_chars)
        if found is not None:
            return found
    return None


def _first_text(props: JsonObject, fields: tuple[str, ...]) -> str | None:
    for field in fields:
        value = props.get(field)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _first_score(props: JsonObject) -> float | None:
    for field in SCORE_PROPERTIES:
        if props.get(field) is not None:
            return _score(props[field], f"properties.{field}")
    return None


def _score(value: object, field: str) -> float | None:
    if value is None:
        return None
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or not MIN_SCORE <= number <= MAX_SCORE:
        raise EventRejected(
            Reason.BAD_SCORE,
            f"`{field}` must be a number from {MIN_SCORE:g} to {MAX_SCORE:g}, got {value!r:.64}",
        )
    return number


def _language(value: object, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _LANGUAGE.match(value) or len(value) > 35:
        raise EventRejected(
            Reason.INVALID_FIELD, f"`{field}` must be a language tag such as 'ja' or 'en-US'"
        )
    return value.replace("_", "-")


def _lenient_language(value: object) -> str | None:
    if isinstance(value, str) and len(value) <= 35 and _LANGUAGE.match(value):
        return value.replace("_", "-")
    return None


def _url(value: object, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _is_url(value):
        raise EventRejected(Reason.INVALID_FIELD, f"`{field}` must be an http(s) URL")
    return value


def _is_url(value: str) -> bool:
    return len(value) <= MAX_URL_CHARS and value.startswith(("https://", "http://"))
