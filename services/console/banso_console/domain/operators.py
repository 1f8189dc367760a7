"""The sources-and-keys screen's form checks (ingest checks again; these name the field first)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

MAX_NAME = 200
# How long a rotated-out write key keeps working, as the form offers it (ingest allows 0-30 d).
GRACE_CHOICES = (0, 3600, 86_400, 7 * 86_400)
TOKEN_SCOPES = ("read", "write", "admin")
MAX_TOKEN_DAYS = 3 * 365

NameProblem = Literal["required", "too_long", "control_characters"]


def check_name(name: str) -> NameProblem | None:
    """A source's or a token's name: 1-200 printable characters."""
    text = name.strip()
    if not text:
        return "required"
    if len(text) > MAX_NAME:
        return "too_long"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return "control_characters"
    return None


def check_grace(grace: str) -> int | None:
    """The grace period chosen, in seconds (None: not one offered)."""
    return int(grace) if grace.isdigit() and int(grace) in GRACE_CHOICES else None


TokenProblem = Literal["required", "too_long", "control_characters", "unknown_scope", "not_days"]


@dataclass(slots=True)
class CheckedToken:
    problems: dict[str, TokenProblem] = field(default_factory=dict)
    days: int = 0


def check_token(name: str, scope: str, days: str) -> CheckedToken:
    """A token to issue: a name, one scope (read within write within admin), 1 day to 3 years."""
    result = CheckedToken()
    problem = check_name(name)
    if problem is not None:
        result.problems["name"] = problem
    if scope not in TOKEN_SCOPES:
        result.problems["scope"] = "unknown_scope"
    text = days.strip()
    if not text:
        result.problems["days"] = "required"
    elif not text.isdigit() or not 1 <= int(text) <= MAX_TOKEN_DAYS:
        result.problems["days"] = "not_days"
    else:
        result.days = int(text)
    return result
