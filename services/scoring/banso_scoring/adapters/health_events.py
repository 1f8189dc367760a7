"""Health to the HealthChanged contract event, with an id a replay reproduces."""

from __future__ import annotations

import uuid
from typing import Literal

from banso_contracts.events import HealthChanged
from banso_scoring.domain.health import Health

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
