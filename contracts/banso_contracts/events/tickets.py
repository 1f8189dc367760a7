"""Themes (clusters of feedback) and the product tickets raised for them."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from banso_contracts.events.base import Event, Id, Part, UtcDateTime

ThemeStatus = Literal["open", "ticketed", "resolved", "merged", "dismissed"]
Sink = Literal["jira", "github", "linear", "webhook"]


class _ThemeEvent(Event):
    """Fields every theme event carries: the theme as it stands after the change."""

    theme_id: Id = Field(description="The theme.")
    title: str = Field(description="Short title, e.g. `CSV export times out`.")
    keywords: list[str] = Field(description="Keywords that characterise the theme.")
    item_count: int = Field(ge=0, description="Feedback items in the theme.")
    accounts_affected: int = Field(ge=0, description="Distinct accounts with an item in it.")
    arr_affected: float = Field(ge=0, description="Sum of the ARR of those accounts.")
    status: ThemeStatus = Field(description="Where the theme is in its life.")
    merged_into: Id | None = Field(
        default=None, description="The theme it was merged into (status `merged`)."
    )
    occurred_at: UtcDateTime = Field(description="When the change happened (event time).")

    @property
    def subject(self) -> str:
        return self.theme_id

    @property
    def event_time(self) -> datetime:
        return self.occurred_at


class ThemeCreated(_ThemeEvent):
    """A new theme emerged from feedback items."""

    EVENT_TYPE: ClassVar[str] = "banso.theme.created.v1"


class ThemeUpdated(_ThemeEvent):
    """A theme changed: items added, counts or status changed, or it was merged."""

    EVENT_TYPE: ClassVar[str] = "banso.theme.updated.v1"

    changed: list[str] = Field(
        default_factory=list, description="Names of the fields that changed."
    )


class _TicketEvent(Event):
    """Fields every ticket event carries."""

    ticket_id: Id = Field(description="The ticket (Bansō's id).")
    theme_id: Id = Field(description="The theme the ticket is for.")
    sink: Sink = Field(description="Where the ticket lives.")
    external_key: Id = Field(description="Its key in the sink, e.g. `PROD-123` or `#42`.")

    @property
    def subject(self) -> str:
        return self.theme_id


class TicketCreated(_TicketEvent):
    """A ticket was raised in the product team's tracker for a theme."""

    EVENT_TYPE: ClassVar[str] = "banso.ticket.created.v1"

    url: str | None = Field(description="Link to the ticket in the sink.")
    title: str = Field(description="The ticket's title.")
    accounts_affected: int = Field(ge=0, description="Accounts affected when it was raised.")
    arr_affected: float = Field(ge=0, description="ARR affected when it was raised.")
    occurred_at: UtcDateTime = Field(description="When it was raised (event time).")

    @property
    def event_time(self) -> datetime:
        return self.occurred_at


class TicketUpdated(_TicketEvent):
    """A ticket changed in the sink (status, title) or its evidence was refreshed."""

    EVENT_TYPE: ClassVar[str] = "banso.ticket.updated.v1"

    url: str | None = Field(description="Link to the ticket in the sink.")
    title: str = Field(description="The ticket's title.")
    status: str = Field(description="The sink's status name, e.g. `In Progress`.")
    accounts_affected: int = Field(ge=0, description="Accounts affected now.")
    arr_affected: float = Field(ge=0, description="ARR affected now.")
    occurred_at: UtcDateTime = Field(description="When it changed (event time).")

    @property
    def event_time(self) -> datetime:
        return self.occurred_at


class Reporter(Part):
    """A person who reported the problem, to be told it is fixed."""

    user_id: Id | None = Field(description="The person, if known.")
    account_id: Id = Field(description="Their account.")


class TicketResolved(_TicketEvent):
    """The product team resolved a ticket: time to tell the people who hit the problem."""

    EVENT_TYPE: ClassVar[str] = "banso.ticket.resolved.v1"

    resolution: str | None = Field(
        default=None, description="The sink's resolution, e.g. `Fixed`, if given."
    )
    resolved_at: UtcDateTime = Field(description="When it was resolved (event time).")
    account_ids: list[Id] = Field(description="Every account with feedback in the theme.")
    reporters: list[Reporter] = Field(description="Every person who reported it.")

    @property
    def event_time(self) -> datetime:
        return self.resolved_at
