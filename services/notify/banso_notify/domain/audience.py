"""Audience filters: who a playbook is for (plan, segment, band, role, locale, any trait)."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from banso_notify.domain.conditions import Op, check_value_shape, compare, lookup
from banso_notify.domain.facts import AccountFacts, Recipient

#: shorthand fields and where they are read from
_SHORTHANDS = {
    "plan": ("account", "plan"),
    "segment": ("account", "segment"),
    "arr": ("account", "arr"),
    "seats": ("account", "seats"),
    "role": ("user", "role"),
    "locale": ("user", "locale"),
    "timezone": ("user", "timezone"),
    "email": ("user", "email"),
}
_HEALTH_FIELDS = frozenset({"band", "score"})
FIELD_HELP = (
    "one of plan, segment, arr, seats, band, score, role, locale, timezone, email, "
    "user.<trait> or account.<trait>"
)


class Condition(BaseModel):
    """One audience test, e.g. ``{field: band, op: in, value: [yellow, red]}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str = Field(description=FIELD_HELP)
    op: Op = Op.EQ
    value: Any = None

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str) -> str:
        if value in _SHORTHANDS or value in _HEALTH_FIELDS:
            return value
        scope, _, name = value.partition(".")
        if scope in ("user", "account") and name:
            return value
        raise ValueError(f"unknown field {value!r}; use {FIELD_HELP}")

    @model_validator(mode="after")
    def _value_fits_op(self) -> Self:
        check_value_shape(self.op, self.value)
        return self

    def holds(self, recipient: Recipient, account: AccountFacts) -> bool:
        return compare(self.op, _read(self.field, recipient, account), self.value)

    @property
    def reads_account_traits(self) -> bool:
        """It tests a trait of the account (plan, segment, arr, seats, account.<trait>)."""
        return self._reads("account")

    @property
    def reads_person_traits(self) -> bool:
        """It tests a trait of the person (role, locale, timezone, email, user.<trait>)."""
        return self._reads("user")

    def _reads(self, whose: str) -> bool:
        shorthand = _SHORTHANDS.get(self.field)
        if shorthand is not None:
            return shorthand[0] == whose
        return self.field.startswith(f"{whose}.")


class PropertyCondition(BaseModel):
    """A test on a usage event's properties, e.g. ``{property: plan.tier, op: eq, value: pro}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    property: str = Field(min_length=1)
    op: Op = Op.EQ
    value: Any = None

    @model_validator(mode="after")
    def _value_fits_op(self) -> Self:
        check_value_shape(self.op, self.value)
        return self

    def holds(self, properties: dict[str, Any]) -> bool:
        return compare(self.op, lookup(properties, self.property), self.value)


def audience_matches(
    conditions: list[Condition], recipient: Recipient, account: AccountFacts
) -> bool:
    """All conditions hold (an empty audience is everyone)."""
    return all(condition.holds(recipient, account) for condition in conditions)


def _read(field: str, recipient: Recipient, account: AccountFacts) -> Any:
    if field == "band":
        return account.band.value if account.band is not None else None
    if field == "score":
        return account.score
    user_traits: dict[str, Any] = dict(recipient.user.traits) if recipient.user else {}
    if recipient.locale and "locale" not in user_traits:
        user_traits["locale"] = recipient.locale
    if recipient.timezone and "timezone" not in user_traits:
        user_traits["timezone"] = recipient.timezone
    if recipient.email and "email" not in user_traits:
        user_traits["email"] = recipient.email
    sources = {"user": user_traits, "account": dict(account.traits)}
    if field in _SHORTHANDS:
        scope, name = _SHORTHANDS[field]
        return lookup(sources[scope], name)
    scope, _, name = field.partition(".")
    return lookup(sources[scope], name)
