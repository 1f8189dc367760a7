"""What every ticket sink offers, and how HTTP failures become retryable or not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from banso_bridge.domain.tickets.evidence import TicketDraft


class SinkError(Exception):
    """A sink call failed; `retryable` says whether trying again later can help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class ExternalTicket:
    key: str  # what people call it: PROD-12, owner/repo#42, ENG-7
    url: str | None
    id: str | None = None  # the sink's internal id, where calls need it (Linear)
    status: str = "open"


class TicketSink(Protocol):
    name: str

    async def find(self, label: str) -> ExternalTicket | None:
        """The ticket already carrying `label`, if any (checked before every creation)."""

    async def create(self, draft: TicketDraft) -> ExternalTicket: ...

    async def comment(self, ticket: ExternalTicket, text: str) -> None:
        """Add the growth note to an existing ticket."""


RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


async def call(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    also_ok: frozenset[int] = frozenset(),
    **kwargs: Any,
) -> httpx.Response:
    """One HTTP call; network errors, 429 and 5xx are retryable, other 4xx are not.

    `also_ok` lists statuses the caller reads itself (GraphQL answers errors with 400).
    """
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise SinkError(f"{method} {url}: timed out", retryable=True) from exc
    except httpx.TransportError as exc:
        raise SinkError(f"{method} {url}: {exc.__class__.__name__}: {exc}", retryable=True) from exc
    if response.is_success or response.status_code in also_ok:
        return response
    detail = response.text[:500]
    raise SinkError(
        f"{method} {url}: HTTP {response.status_code}: {detail}",
        retryable=response.status_code in RETRYABLE_STATUS,
    )


def json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        value = response.json()
    except ValueError as exc:
        raise SinkError(f"{response.request.url}: answer is not JSON", retryable=True) from exc
    if not isinstance(value, dict):
        raise SinkError(
            f"{response.request.url}: unexpected answer {value!r:.200}", retryable=False
        )
    return value
