"""Form checks: each problem names the field it is about, so the page can show it there."""

from __future__ import annotations

from dataclasses import dataclass, field
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
