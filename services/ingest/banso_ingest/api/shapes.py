"""The request and answer bodies of the tracking and feedback endpoints, for the OpenAPI only.

Those endpoints read their bodies themselves (gzip, size limits, per-event rejections, the hot
path), so these models are never used to parse: they tell a client what to send — Segment's HTTP
Tracking API shapes, which RudderStack's SDKs send too — and what comes back.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from banso_ingest.domain.feedback import FeedbackKind

JsonObject = dict[str, Any]
Identifier = Annotated[str | int, Field(description="A string (numbers are accepted as text).")]


class _Message(BaseModel):
    """What every message may carry."""

    model_config = ConfigDict(extra="allow")

    userId: Identifier | None = Field(default=None, description="The user in your product.")
    anonymousId: Identifier | None = Field(
        default=None, description="A device or visitor id; one of userId or anonymousId is needed."
    )
    messageId: str | None = Field(
        default=None, description="Unique per message; a repeat within 24 h is dropped."
    )
    timestamp: dt.datetime | None = Field(default=None, description="When it happened (ISO 8601).")
    originalTimestamp: dt.datetime | None = Field(
        default=None, description="RudderStack's device time, used when `timestamp` is absent."
    )
    sentAt: dt.datetime | None = Field(
        default=None, description="When the client sent it (corrects device clock skew)."
    )
    context: JsonObject | None = Field(
        default=None, description="Segment's context: `groupId` names the account, `locale`, ..."
    )
    integrations: JsonObject | None = None
    writeKey: str | None = Field(
        default=None, description="The write key, when not sent as the HTTP Basic username."
    )


class Track(_Message):
    type: Literal["track"] | None = None
    event: str = Field(description="What the user did, e.g. `Report Exported`.")
    properties: JsonObject | None = None


class Identify(_Message):
    type: Literal["identify"] | None = None
    traits: JsonObject | None = Field(default=None, description="Who the user is.")


class Group(_Message):
    type: Literal["group"] | None = None
    groupId: Identifier = Field(description="The account (customer company) the user belongs to.")
    traits: JsonObject | None = Field(default=None, description="The account's traits.")


class Page(_Message):
    type: Literal["page"] | None = None
    name: str | None = None
    category: str | None = None
    properties: JsonObject | None = None


class Screen(_Message):
    type: Literal["screen"] | None = None
    name: str | None = None
    category: str | None = None
    properties: JsonObject | None = None


class Alias(_Message):
    type: Literal["alias"] | None = None
    previousId: Identifier = Field(description="The id the user had before.")


SINGLE: dict[str, type[_Message]] = {
    "track": Track,
    "identify": Identify,
    "group": Group,
    "page": Page,
    "screen": Screen,
    "alias": Alias,
}


class Batch(BaseModel):
    """Up to 2,500 messages, each naming its `type`; top-level fields apply to every message."""

    model_config = ConfigDict(extra="allow")

    batch: list[Track | Identify | Group | Page | Screen | Alias] = Field(
        min_length=1, max_length=2_500
    )
    context: JsonObject | None = None
    integrations: JsonObject | None = None
    sentAt: dt.datetime | None = None
    writeKey: str | None = None


class FeedbackItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    text: str = Field(min_length=1, description="The customer's words.")
    kind: FeedbackKind
    account: Identifier | None = Field(
        default=None, description="The account; or give a `user` already grouped with one."
    )
    user: Identifier | None = None
    score: int | None = Field(default=None, ge=0, le=10, description="An NPS or CSAT score.")
    language: str | None = Field(default=None, description="BCP 47, e.g. `ja` or `en-US`.")
    external_id: str | None = Field(default=None, description="The help desk's id.")
    url: str | None = None
    timestamp: dt.datetime | None = None
    id: str | None = Field(default=None, description="Unique per item, for dedupe.")
    writeKey: str | None = None


class FeedbackBatch(BaseModel):
    model_config = ConfigDict(extra="allow")

    items: list[FeedbackItem] = Field(min_length=1)
    writeKey: str | None = None


class Rejected(BaseModel):
    index: int = Field(description="Position of the event in the request (0 for a single one).")
    messageId: str | None
    reason: str = Field(description="A stable code, e.g. `missing_event`, `bad_timestamp`.")
    message: str


class Accepted(BaseModel):
    """The answer when at least one event was accepted (it is in Kafka)."""

    success: bool = Field(description="True when every event was accepted.")
    received: int
    accepted: int
    rejected: int
    duplicates: list[JsonObject] = Field(description="Events already accepted earlier.")
    unassigned: int = Field(description="Events whose account is not known yet.")
    errors: list[Rejected]


def body_of(model: type[BaseModel], description: str) -> dict[str, Any]:
    """The `openapi_extra` of a route whose body `model` documents (and does not parse)."""
    body: dict[str, Any] = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": body}},
        },
        "security": [{"WriteKey": []}],
    }


def schemas() -> dict[str, Any]:
    """The JSON Schemas of these shapes, for the OpenAPI's components."""
    models: list[type[BaseModel]] = [*SINGLE.values(), Batch, FeedbackItem, FeedbackBatch]
    _, defs = models_json_schema(
        [(model, "validation") for model in models],
        ref_template="#/components/schemas/{model}",
    )
    found: dict[str, Any] = defs.get("$defs", {})
    return found


WRITE_KEY_SCHEME = {
    "type": "http",
    "scheme": "basic",
    "description": "The source's write key as the username, the password empty (as Segment's "
    "libraries send it); or `writeKey` in the body.",
}
