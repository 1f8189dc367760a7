"""Form checks: each problem names the field it is about, so the page can show it there."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

FieldProblem = Literal["required", "invalid_email", "too_long", "wrong_credentials"]
MAX_EMAIL = 254
MAX_PASSWORD = 1024


@dataclass(frozen=True, slots=True)
class LoginInput:
    email: str
    password: str


@dataclass(slots=True)
class Problems:
    by_field: dict[str, FieldProblem] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.by_field)


def normalise_email(value: str) -> str:
    return value.strip().lower()


def check_login(form: LoginInput) -> Problems:
    problems = Problems()
    email = normalise_email(form.email)
    if not email:
        problems.by_field["email"] = "required"
    elif len(email) > MAX_EMAIL:
        problems.by_field["email"] = "too_long"
    elif "@" not in email or email.startswith("@") or email.endswith("@"):
        problems.by_field["email"] = "invalid_email"
    if not form.password:
        problems.by_field["password"] = "required"
    elif len(form.password) > MAX_PASSWORD:
        problems.by_field["password"] = "too_long"
    return problems


NewUserProblem = Literal[
    "required", "invalid_email", "too_long", "too_short", "unknown_role", "not_yours", "taken"
]
MIN_PASSWORD = 12
MAX_WORKSPACES = 50


@dataclass(frozen=True, slots=True)
class NewUserInput:
    email: str
    password: str
    role: str
    workspaces: str  # as typed: ids separated by commas or spaces


@dataclass(slots=True)
class NewUser:
    problems: dict[str, NewUserProblem] = field(default_factory=dict)
    workspaces: list[str] = field(default_factory=list)


def split_workspaces(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in text.replace(",", " ").split():
        seen.setdefault(part.strip(), None)
    return list(seen)


def check_new_user(
    form: NewUserInput, *, grantable: tuple[str, ...], roles: tuple[str, ...]
) -> NewUser:
    """A new user's fields; an administrator grants only workspaces they see themselves."""
    result = NewUser(workspaces=split_workspaces(form.workspaces))
    email = normalise_email(form.email)
    if not email:
        result.problems["email"] = "required"
    elif len(email) > MAX_EMAIL:
        result.problems["email"] = "too_long"
    elif "@" not in email or email.startswith("@") or email.endswith("@"):
        result.problems["email"] = "invalid_email"
    if not form.password:
        result.problems["password"] = "required"
    elif len(form.password) < MIN_PASSWORD:
        result.problems["password"] = "too_short"
    elif len(form.password) > MAX_PASSWORD:
        result.problems["password"] = "too_long"
    if form.role not in roles:
        result.problems["role"] = "unknown_role"
    if not result.workspaces:
        result.problems["workspaces"] = "required"
    elif len(result.workspaces) > MAX_WORKSPACES:
        result.problems["workspaces"] = "too_long"
    elif any(workspace not in grantable for workspace in result.workspaces):
        result.problems["workspaces"] = "not_yours"
    return result


OverrideProblem = Literal["required", "unknown_band", "too_short", "too_long", "not_days"]
OVERRIDE_BANDS = ("red", "yellow", "green")
MIN_REASON, MAX_REASON = 3, 1000
MAX_OVERRIDE_DAYS = 365


@dataclass(frozen=True, slots=True)
class OverrideInput:
    band: str
    reason: str
    days: str
    replace: bool


@dataclass(slots=True)
class CheckedOverride:
    problems: dict[str, OverrideProblem] = field(default_factory=dict)
    days: int = 0


def check_override(form: OverrideInput) -> CheckedOverride:
    """A CSM's override: a band, why, and for how many days (1 to 365) it holds."""
    result = CheckedOverride()
    if not form.band:
        result.problems["band"] = "required"
    elif form.band not in OVERRIDE_BANDS:
        result.problems["band"] = "unknown_band"
    reason = form.reason.strip()
    if not reason:
        result.problems["reason"] = "required"
    elif len(reason) < MIN_REASON:
        result.problems["reason"] = "too_short"
    elif len(reason) > MAX_REASON:
        result.problems["reason"] = "too_long"
    days = form.days.strip()
    if not days:
        result.problems["days"] = "required"
    elif not days.isdigit() or not 1 <= int(days) <= MAX_OVERRIDE_DAYS:
        result.problems["days"] = "not_days"
    else:
        result.days = int(days)
    return result


TouchProblem = Literal["required", "unknown_kind", "not_date", "future", "too_old", "too_long"]
TOUCH_KINDS = ("call", "meeting", "email", "qbr")
MAX_NOTE = 4000
OLDEST_TOUCH_DAYS = 365
# A date is the CSM's own day: up to 14 hours ahead of UTC (Japan's is 9) is still today.
AHEAD_OF_UTC = timedelta(hours=14)


@dataclass(frozen=True, slots=True)
class TouchInput:
    kind: str
    date: str  # as typed: YYYY-MM-DD
    note: str


@dataclass(slots=True)
class CheckedTouch:
    problems: dict[str, TouchProblem] = field(default_factory=dict)
    occurred_at: datetime | None = None


def check_touch(form: TouchInput, *, now: datetime) -> CheckedTouch:
    """A CS touch: its kind, the day it happened (today or before) and a note."""
    result = CheckedTouch()
    if not form.kind:
        result.problems["kind"] = "required"
    elif form.kind not in TOUCH_KINDS:
        result.problems["kind"] = "unknown_kind"
    typed = form.date.strip()
    day: date | None = None
    if not typed:
        result.problems["date"] = "required"
    else:
        try:
            day = date.fromisoformat(typed)
        except ValueError:
            result.problems["date"] = "not_date"
    if day is not None:
        if day > (now + AHEAD_OF_UTC).date():
            result.problems["date"] = "future"
        elif day < (now - timedelta(days=OLDEST_TOUCH_DAYS)).date():
            result.problems["date"] = "too_old"
        elif day >= now.date():
            result.occurred_at = now  # today: it just happened
        else:
            result.occurred_at = datetime.combine(day, time(12), tzinfo=UTC)
    note = form.note.strip()
    if not note:
        result.problems["note"] = "required"
    elif len(note) > MAX_NOTE:
        result.problems["note"] = "too_long"
    return result


def touch_kind_of(external_id: str | None) -> str | None:
    """The kind of a CS touch logged in the console, from its CSM note's `external_id`
    (`touch-<kind>-<id>`); None for any other item."""
    if not external_id:
        return None
    prefix, _, rest = external_id.partition("-")
    kind = rest.partition("-")[0]
    return kind if prefix == "touch" and kind in TOUCH_KINDS else None


# How the console names the user it acts for (X-Banso-Actor), which ingest keeps as the author of
# a touch's CSM note.
ACTOR_PREFIX = "console: "


def console_user_of(author: str | None) -> str | None:
    """The console user who logged a CSM note, from its `author` (``console: <email>``); any
    other author as the service has it."""
    if not author:
        return None
    return author.removeprefix(ACTOR_PREFIX) or None
