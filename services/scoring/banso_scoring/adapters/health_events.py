"""Health to the HealthChanged contract event, with an id a replay reproduces.

The consumer publishes from the health's plain fields (``health_changed_json``): the event's
JSON is written with orjson, field for field what ``HealthChanged.model_dump_json`` writes and
byte for byte (orjson's numbers, strings and UTC times are pydantic's), without building and
validating the model. What the contract's validation would check, the domain gives by
construction: scores 0-100 (scoring functions clamp, overrides are validated when set), finite
numbers (no ratio is taken over a zero), identifiers from events validated on the way in.
``tests/scoring/domain/test_plain_publication.py`` compares the bytes with the model's and
decodes every record with the contract. ``health_changed`` builds the validated model (the
reference the tests compare with).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal, NamedTuple

import orjson

from banso_contracts.events import HealthChanged
from banso_scoring.domain.health import Health, HealthFields

Cause = Literal["events", "tick", "recompute", "override"]
_NAMESPACE = uuid.UUID("6f0c86a4-43c1-4c1e-9b0c-2f6a2c3f8d11")


def health_event_id(workspace_id: str, account_id: str, computed_at: float, cause: str) -> str:
    """The same account, instant and cause always give the same id (consumers drop repeats)."""
    name = f"{workspace_id}\x1f{account_id}\x1f{computed_at:.6f}\x1f{cause}"
    return str(uuid.uuid5(_NAMESPACE, name))


def health_changed(
    health: Health,
    *,
    workspace_id: str,
    account_id: str,
    cause: Cause,
    scorecard_version: int,
) -> HealthChanged:
    """The contract event of a computed ``health``, validated in one pass from its fields
    (not an object per measure, driver and signal first)."""
    override = health.override
    return HealthChanged.model_validate(
        {
            "workspace_id": workspace_id,
            "account_id": account_id,
            "score": health.score,
            "band": health.band,
            "previous_score": health.previous_score,
            "previous_band": health.previous_band,
            "trend": health.trend,
            "measures": [
                {
                    "key": part.measure,
                    "label": part.label,
                    "value": part.value,
                    "score": part.score,
                    "weight": part.weight,
                    "contribution": part.contribution,
                }
                for part in health.measures
            ],
            "drivers": [
                {
                    "measure": driver.measure,
                    "direction": driver.direction,
                    "impact": driver.impact,
                    "text": driver.text,
                }
                for driver in health.drivers
            ],
            "signals": [
                {"kind": signal.kind, "code": signal.code, "text": signal.text}
                for signal in health.signals
            ],
            "reason": cause,
            "scorecard_version": scorecard_version,
            "computed_at": health.computed_at,
            "override": None
            if override is None
            else {
                "score": override.score,
                "band": override.band,
                "reason": override.reason,
                "expires_at": override.expires_at,
                "set_by": override.set_by,
            },
        }
    )


class HealthChangedJson(NamedTuple):
    """A ``HealthChanged`` written as JSON, with what its record's key and headers need
    (``OutboxBatch.add_json``)."""

    workspace_id: str
    account_id: str
    computed_at: datetime
    event_id: str
    value: bytes


def health_changed_json(
    fields: HealthFields,
    *,
    workspace_id: str,
    account_id: str,
    cause: Cause,
    scorecard_version: int,
    event_id: str,
) -> HealthChangedJson:
    """``health_changed`` of a health's plain fields (``health.health_fields``), as the JSON
    its ``model_dump_json`` writes."""
    override = fields["override"]
    value = orjson.dumps(
        {
            "workspace_id": workspace_id,
            "account_id": account_id,
            "score": fields["score"],
            "band": fields["band"],
            "previous_score": fields["previous_score"],
            "previous_band": fields["previous_band"],
            "trend": fields["trend"],
            "measures": [
                {
                    "key": part["measure"],
                    "label": part["label"],
                    "value": part["value"],
                    "score": part["score"],
                    "weight": part["weight"],
                    "contribution": part["contribution"],
                }
                for part in fields["measures"]
            ],
            "drivers": [
                {
                    "measure": driver["measure"],
                    "direction": driver["direction"],
                    "impact": driver["impact"],
                    "text": driver["text"],
                }
                for driver in fields["drivers"]
            ],
            "signals": [
                {"kind": signal["kind"], "code": signal["code"], "text": signal["text"]}
                for signal in fields["signals"]
            ],
            "reason": cause,
            "scorecard_version": scorecard_version,
            "computed_at": fields["computed_at"],
            "override": None
            if override is None
            else {
                "score": override["score"],
                "band": override["band"],
                "reason": override["reason"],
                "expires_at": override["expires_at"].astimezone(UTC),
                "set_by": override["set_by"],
            },
        },
        option=orjson.OPT_UTC_Z,
    )
    return HealthChangedJson(workspace_id, account_id, fields["computed_at"], event_id, value)
