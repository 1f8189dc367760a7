"""Why an event or a request was refused, as a machine-readable code and a sentence.

Every refusal carries both: the code for programs (and the metrics label), the sentence for the
person reading a response body or a log line.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    """Reason codes; stable, because clients and dashboards match on them."""

    # one event of a request
    NOT_AN_OBJECT = "not_an_object"
    MISSING_TYPE = "missing_type"
    UNKNOWN_TYPE = "unknown_type"
    MISSING_IDENTITY = "missing_identity"
    MISSING_EVENT = "missing_event"
    MISSING_GROUP_ID = "missing_group_id"
    MISSING_USER_ID = "missing_user_id"
    MISSING_PREVIOUS_ID = "missing_previous_id"
    INVALID_FIELD = "invalid_field"
    BAD_TIMESTAMP = "bad_timestamp"
    EVENT_TOO_LARGE = "event_too_large"
    WRITE_KEY_MISMATCH = "write_key_mismatch"
    MISSING_TEXT = "missing_text"
    UNKNOWN_KIND = "unknown_kind"
    BAD_SCORE = "bad_score"
    MISSING_ACCOUNT = "missing_account"
    # the request as a whole
    INVALID_JSON = "invalid_json"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    UNSUPPORTED_ENCODING = "unsupported_encoding"
    INVALID_GZIP = "invalid_gzip"
    REQUEST_TOO_LARGE = "request_too_large"
    BATCH_TOO_LARGE = "batch_too_large"
    INVALID_BATCH = "invalid_batch"
    EMPTY_BATCH = "empty_batch"
    NO_VALID_EVENTS = "no_valid_events"


@dataclass(frozen=True, slots=True)
class Rejection:
    """One event refused: where it was in the request, its messageId if it had one, and why."""

    index: int
    message_id: str | None
    reason: Reason
    message: str

    def as_json(self) -> dict[str, object]:
        return {
            "index": self.index,
            "messageId": self.message_id,
            "reason": self.reason.value,
            "message": self.message,
        }


class InvalidRequest(Exception):
    """The whole request is refused (bad JSON, too large, not a batch, ...).

    A domain error, not an HTTP one: the API layer turns it into a 400 (or 415) with a JSON body.
    """

    def __init__(
        self, reason: Reason, message: str, *, rejections: tuple[Rejection, ...] = ()
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.rejections = rejections


class EventRejected(Exception):
    """Internal signal while reading one event; always turned into a `Rejection`."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
