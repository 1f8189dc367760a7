"""What the engine knows about the people and accounts a nudge may reach.

Notify keeps its own copy of user and account traits (event-carried state transfer); these frozen
records are the slice of that copy one decision needs, so the engine itself stays free of I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Channel(StrEnum):
    """Delivery channels, spelled as in the contracts (``banso_contracts.events.Channel``)."""

    EMAIL = "email"
    IN_APP = "inapp"
    SLACK = "slack"
    WEBHOOK = "webhook"

    @classmethod
    def _missing_(cls, value: object) -> Channel | None:
        # authors write "in_app" and "in-app" as often as "inapp"
        if isinstance(value, str) and value.replace("_", "").replace("-", "") == "inapp":
            return cls.IN_APP
        return None


class Band(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


BAND_SEVERITY: Mapping[str | None, int] = {Band.RED: 3, Band.YELLOW: 2, Band.GREEN: 1, None: 0}


class Audience(StrEnum):
    """Who reads a message: a person at the customer, or the account's CSM."""

    CUSTOMER = "customer"
    CSM = "csm"


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """An account as notify last heard of it (traits topic + health topic)."""

    account_id: str
    traits: Mapping[str, Any] = field(default_factory=dict)
    band: Band | None = None
    score: float | None = None

    @property
    def arr(self) -> float:
        value = self.traits.get("arr")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return 0.0

    @property
    def segment(self) -> str | None:
        value = self.traits.get("segment")
        return str(value) if value is not None else None

    @property
    def csm(self) -> CsmContact | None:
        """The account's CSM, in every shape the product reads the owner (scoring keeps the
        same one): the ``csm`` trait, an e-mail or a name or an object with details (``id``,
        ``email``, ``name``, ``slack_webhook_url``, ``timezone``, ``locale``), with the
        ``csm_email`` trait for their address when ``csm`` gives none; or ``csm_email`` alone.
        The CSM's id is the object's ``id``, else their e-mail, else the name."""
        value = self.traits.get("csm")
        email_trait = _opt_str(self.traits.get("csm_email"))
        if isinstance(value, Mapping):
            email = _opt_str(value.get("email")) or email_trait
            csm_id = _opt_str(value.get("id")) or email or _opt_str(value.get("name"))
            if csm_id is None:
                return None
            return CsmContact(
                csm_id=csm_id,
                email=email,
                name=_opt_str(value.get("name")),
                slack_webhook_url=_opt_str(value.get("slack_webhook_url")),
                timezone=_opt_str(value.get("timezone")),
                locale=_opt_str(value.get("locale")),
            )
        said = value.strip() if isinstance(value, str) else ""
        if "@" in said:
            return CsmContact(csm_id=said, email=said)
        if said:
            return CsmContact(csm_id=email_trait or said, email=email_trait, name=said)
        if email_trait:
            return CsmContact(csm_id=email_trait, email=email_trait)
        return None


@dataclass(frozen=True, slots=True)
class CsmContact:
    csm_id: str
    email: str | None = None
    name: str | None = None
    slack_webhook_url: str | None = None
    timezone: str | None = None
    locale: str | None = None


@dataclass(frozen=True, slots=True)
class UserFacts:
    """A person at an account (identify traits), the usual recipient of a customer nudge."""

    user_id: str
    account_id: str | None = None
    traits: Mapping[str, Any] = field(default_factory=dict)
    #: their identify arrived, with traits or none: the source said who they are
    identified: bool = False

    @property
    def email(self) -> str | None:
        return _opt_str(self.traits.get("email"))

    @property
    def locale(self) -> str | None:
        return _opt_str(self.traits.get("locale") or self.traits.get("language"))

    @property
    def timezone(self) -> str | None:
        return _opt_str(self.traits.get("timezone") or self.traits.get("time_zone"))

    @property
    def role(self) -> str | None:
        return _opt_str(self.traits.get("role"))

    @property
    def display_name(self) -> str | None:
        """How a person reads them in a list: their name, else first and last name, else their
        e-mail address (None when their identify told none of these)."""

        def text(*keys: str) -> str:
            return next((str(v).strip() for k in keys if (v := self.traits.get(k))), "")

        name = text("name")
        if name:
            return name
        joined = " ".join(
            part
            for part in (text("first_name", "firstName"), text("last_name", "lastName"))
            if part
        )
        return joined or self.email


@dataclass(frozen=True, slots=True)
class Recipient:
    """One resolved addressee: a customer user or a CSM, with what delivery needs."""

    audience: Audience
    recipient_id: str
    account_id: str
    email: str | None = None
    locale: str | None = None
    timezone: str | None = None
    name: str | None = None
    slack_webhook_url: str | None = None
    user: UserFacts | None = None

    @property
    def key(self) -> str:
        """Stable identity in idempotency keys and cap counters."""
        prefix = "csm" if self.audience is Audience.CSM else "user"
        return f"{prefix}:{self.recipient_id}"

    @classmethod
    def for_user(cls, user: UserFacts, account_id: str) -> Recipient:
        name = user.traits.get("name") or user.traits.get("first_name")
        return cls(
            audience=Audience.CUSTOMER,
            recipient_id=user.user_id,
            account_id=account_id,
            email=user.email,
            locale=user.locale,
            timezone=user.timezone,
            name=str(name) if name else None,
            user=user,
        )

    @classmethod
    def for_csm(cls, csm: CsmContact, account_id: str) -> Recipient:
        return cls(
            audience=Audience.CSM,
            recipient_id=csm.csm_id,
            account_id=account_id,
            email=csm.email,
            locale=csm.locale,
            timezone=csm.timezone,
            name=csm.name,
            slack_webhook_url=csm.slack_webhook_url,
        )


@dataclass(frozen=True, slots=True)
class SuppressionState:
    """Why a person must not be contacted, if they must not. Applies to every channel."""

    unsubscribed: bool = False
    suppressed_reason: str | None = None  # e.g. "hard_bounce", "complaint", "manual"

    @property
    def blocked_reason(self) -> str | None:
        if self.unsubscribed:
            return "unsubscribed"
        if self.suppressed_reason:
            return "suppressed"
        return None


def _opt_str(value: object) -> str | None:
    return str(value) if value not in (None, "") else None
