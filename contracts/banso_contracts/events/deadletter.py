"""Dead letters: a message a service could not validate or process, with why and where from."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from banso_contracts.events.base import Event, Id, UtcDateTime

PayloadEncoding = Literal["utf-8", "base64"]


def text_of(data: bytes) -> tuple[str, PayloadEncoding]:
    """The payload as text: UTF-8 when it decodes, else base64 (binary or corrupt input)."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(data).decode("ascii"), "base64"


class DeadLettered(Event):
    """A message failed validation or processing; the origin partition moved on without it.

    Keyed ``<origin_topic>:<origin_partition>`` so one partition's dead letters stay in order.
    """

    EVENT_TYPE: ClassVar[str] = "banso.message.dead_lettered.v1"

    # The one event whose tenant may be unknown: a poison message may have no readable workspace.
    workspace_id: str | None = Field(  # type: ignore[assignment]
        default=None,
        min_length=1,
        max_length=256,
        description="The workspace of the original message, when it could be read.",
    )
    service: Id = Field(description="The service that gave up on it, e.g. `scoring`.")
    origin_topic: Id = Field(description="Topic of the original message (physical name).")
    origin_partition: int = Field(ge=0, description="Partition of the original message.")
    origin_offset: int = Field(ge=0, description="Offset of the original message.")
    origin_key: str | None = Field(description="Key of the original message (UTF-8), if any.")
    origin_headers: dict[str, str] = Field(
        default_factory=dict, description="Headers of the original message (values as UTF-8)."
    )
    payload: str = Field(description="The original value, as UTF-8 text or base64.")
    payload_encoding: PayloadEncoding = Field(
        default="utf-8", description="How `payload` encodes the original bytes."
    )
    error_type: str = Field(description="Class of the error, e.g. `ContractError`.")
    error: str = Field(description="The error message: what is wrong with the message.")
    attempts: int = Field(default=1, ge=1, description="Processing attempts before giving up.")
    failed_at: UtcDateTime = Field(description="When the service gave up.")

    def original_payload(self) -> bytes:
        """The original message value, byte for byte."""
        if self.payload_encoding == "base64":
            try:
                return base64.b64decode(self.payload, validate=True)
            except binascii.Error as exc:
                raise ValueError(f"payload is not valid base64: {exc}") from exc
        return self.payload.encode("utf-8")

    @property
    def subject(self) -> str:
        return f"{self.origin_topic}:{self.origin_partition}:{self.origin_offset}"

    @property
    def event_time(self) -> datetime:
        return self.failed_at

    @property
    def partition_key(self) -> str:
        return f"{self.origin_topic}:{self.origin_partition}"
