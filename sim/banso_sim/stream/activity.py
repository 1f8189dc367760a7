"""One person's use of the product on one day: sessions at local working hours, the events in them."""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from banso_sim.world import catalog
from banso_sim.world.model import User

# Local hour of the day a session starts, weighted like an office's day.
_HOURS = tuple(range(8, 23))
_HOUR_WEIGHTS = (1, 3, 4, 4, 2, 3, 4, 4, 4, 3, 2, 1, 1, 0.5, 0.3)
_FEATURES = tuple(event for event, _ in catalog.FEATURE_EVENTS)
WEEKEND_FACTOR = 0.15
ACTIVITY_BASE = 0.6
"""Scales engagement to the chance of a session on a working day (tuned for ~250k events)."""


def local_instant(day: date, zone: str, rng: random.Random) -> datetime:
    """A moment of working hours on `day` in `zone` (aware)."""
    hour = rng.choices(_HOURS, _HOUR_WEIGHTS)[0]
    moment = time(hour, rng.randrange(60), rng.randrange(60), rng.randrange(1000) * 1000)
    return datetime.combine(day, moment, tzinfo=ZoneInfo(zone))


def is_weekend(day: date) -> bool:
    return day.weekday() >= 5


def feature_properties(event: str, rng: random.Random, *, slow_dashboards: bool) -> dict[str, Any]:
    if event == "Dashboard Viewed":
        load_ms = rng.randint(8_000, 45_000) if slow_dashboards else rng.randint(600, 2_500)
        return {"dashboard_id": f"dash_{rng.randint(1, 12)}", "load_ms": load_ms}
    if event == "Report Created":
        return {"report_type": rng.choice(catalog.REPORT_TYPES)}
    if event == "Filter Applied":
        return {"field": rng.choice(("date", "region", "owner", "product", "segment"))}
    if event == "CSV Exported":
        return {"rows": rng.randint(50, 50_000), "encoding": "utf-8"}
    if event == "Dashboard Shared":
        return {"channel": rng.choice(("link", "email"))}
    if event == "Alert Configured":
        return {"metric": rng.choice(("revenue", "signups", "churn", "pipeline"))}
    return {}


def sessions(
    user: User,
    start: datetime,
    rng: random.Random,
    *,
    sso: bool,
    blocked: Collection[str],
    slow_dashboards: bool,
) -> list[tuple[datetime, str, str, dict[str, Any]]]:
    """The events of one session from `start`: (time, kind, name, properties), kind being
    `track` or `page`. Events in `blocked` (milestones not reached yet) are not done."""
    events: list[tuple[datetime, str, str, dict[str, Any]]] = []
    at = start
    events.append((at, "track", catalog.SIGNED_IN, {"method": "sso" if sso else "password"}))
    name, path, _ = rng.choices(catalog.PAGES, [weight for _, _, weight in catalog.PAGES])[0]
    at += timedelta(seconds=rng.randint(2, 20))
    events.append((at, "page", name, {"path": path}))
    for _ in range(rng.choices((1, 2, 3, 4), (4, 3, 2, 1))[0]):
        event = rng.choices(_FEATURES, user.feature_weights)[0]
        if event in blocked:
            event = "Dashboard Viewed"
        at += timedelta(seconds=rng.randint(20, 400))
        events.append(
            (at, "track", event, feature_properties(event, rng, slow_dashboards=slow_dashboards))
        )
    return events
