"""The CloudEvents 1.0 envelope, carried as Kafka headers (Kafka protocol binding, binary mode).

The payload (the event's JSON) is the record value; the envelope attributes travel as
``ce_<attribute>`` headers so a consumer can route, deduplicate and check the tenant before it
parses the payload. See https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from banso_contracts.errors import ContractError
from banso_contracts.events.base import UtcDateTime

CONTENT_TYPE: Final = "application/json"
SPEC_VERSION: Final = "1.0"

# Header name -> envelope attribute. ``content-type`` carries ``datacontenttype`` (binding rule).
_HEADERS: dict[str, str] = {
    "ce_specversion": "specversion",
    "ce_id": "id",
    "ce_source": "source",
    "ce_type": "type",
    "ce_time": "time",
    "ce_subject": "subject",
    "ce_workspace": "workspace",
    "ce_correlationid": "correlationid",
    "ce_bansoorigin": "bansoorigin",
    "content-type": "datacontenttype",
}
_OPTIONAL_HEADERS = frozenset({"ce_workspace", "ce_correlationid", "ce_bansoorigin"})
IMPORTED: Final = "import"
"""``bansoorigin`` of events a product system sent as history (ingest's ``/v1/import``)."""


class Envelope(BaseModel):
    """CloudEvents 1.0 context attributes of one event.

    ``workspace`` (an extension attribute) is the tenant; it is absent only on dead letters whose
    workspace could not be read. ``correlationid`` (extension) ties together the logs of
    everything one request or message caused. ``bansoorigin`` (extension) is ``import`` on
    events sent as history through ingest's ``/v1/import``: they are facts to remember, never a
    reason to act (notify never nudges on them); absent on live events.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, description="Unique per event; consumers drop repeats.")
    source: str = Field(min_length=1, description="Producer, e.g. `/banso/ingest`.")
    type: str = Field(min_length=1, description="Event type, e.g. `banso.usage.recorded.v1`.")
    time: UtcDateTime = Field(description="When the fact happened (event time).")
    subject: str = Field(min_length=1, description="What it is about: usually the account.")
    workspace: str | None = Field(default=None, min_length=1, description="The tenant.")
    correlationid: str | None = Field(default=None, min_length=1, description="Correlation id.")
    bansoorigin: Literal["import"] | None = Field(
        default=None, description="`import` on history sent through `/v1/import`; else absent."
    )
    specversion: Literal["1.0"] = SPEC_VERSION
    datacontenttype: Literal["application/json"] = CONTENT_TYPE

    @property
    def imported(self) -> bool:
        """Sent as history (``/v1/import``), not as something happening now."""
        return self.bansoorigin == IMPORTED

    def to_headers(self) -> list[tuple[str, bytes]]:
        """Kafka headers in binary content mode; values are UTF-8, ``time`` is RFC 3339."""
        return envelope_headers(
            id=self.id,
            source=self.source,
            type=self.type,
            time=self.time,
            subject=self.subject,
            workspace=self.workspace,
            correlationid=self.correlationid,
            bansoorigin=self.bansoorigin,
        )

    @classmethod
    def from_headers(cls, headers: Sequence[tuple[str, bytes | None]]) -> Envelope:
        """Read the envelope from Kafka headers; other headers are ignored.

        Raises ContractError naming the header that is missing, repeated, not UTF-8 or invalid.
        """
        values: dict[str, str] = {}
        for name, raw in headers:
            if name not in _HEADERS:
                continue
            if name in values:
                raise ContractError(f"header {name!r} is repeated")
            if raw is None:
                raise ContractError(f"header {name!r} has no value")
            try:
                values[name] = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ContractError(f"header {name!r} is not UTF-8") from exc
        missing = [
            name for name in _HEADERS if name not in values and name not in _OPTIONAL_HEADERS
        ]
        if missing:
            raise ContractError(f"missing header(s): {', '.join(missing)}")
        content_type = values["content-type"].split(";", 1)[0].strip().lower()
        if content_type != CONTENT_TYPE:
            raise ContractError(
                f"header 'content-type' is {values['content-type']!r}, expected {CONTENT_TYPE!r}"
            )
        values["content-type"] = content_type
        attributes = {_HEADERS[name]: value for name, value in values.items()}
        try:
            return cls.model_validate(attributes)
        except ValidationError as exc:
            problems = []
            for error in exc.errors():
                attribute = str(error["loc"][0]) if error["loc"] else ""
                header = next((h for h, a in _HEADERS.items() if a == attribute), attribute)
                problems.append(f"header {header!r}: {error['msg']}")
            raise ContractError("; ".join(problems)) from exc


def envelope_headers(
    *,
    id: str,
    source: str,
    type: str,
    time: datetime,
    subject: str,
    workspace: str | None = None,
    correlationid: str | None = None,
    bansoorigin: str | None = None,
) -> list[tuple[str, bytes]]:
    """``Envelope.to_headers`` of these attributes, in ``_HEADERS``' order, for a producer
    whose attributes are valid by construction (``codec.encode_json``): no model is built."""
    headers = [
        ("ce_specversion", SPEC_VERSION.encode()),
        ("ce_id", id.encode()),
        ("ce_source", source.encode()),
        ("ce_type", type.encode()),
        ("ce_time", _rfc3339(time.astimezone(UTC)).encode()),
        ("ce_subject", subject.encode()),
    ]
    if workspace is not None:
        headers.append(("ce_workspace", workspace.encode()))
    if correlationid is not None:
        headers.append(("ce_correlationid", correlationid.encode()))
    if bansoorigin is not None:
        headers.append(("ce_bansoorigin", bansoorigin.encode()))
    headers.append(("content-type", CONTENT_TYPE.encode()))
    return headers


def _rfc3339(value: datetime) -> str:
    # isoformat of an aware UTC datetime is RFC 3339 with +00:00; "Z" is the common spelling.
    return value.isoformat().replace("+00:00", "Z")
