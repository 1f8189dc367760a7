"""Segment's own Python library, unmodified, with only its host pointed at ingest."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import pytest
from segment.analytics.client import Client  # type: ignore[import-untyped]

from tests.ingest.service.support import (
    ACCOUNT_TRAITS,
    USAGE,
    USER_TRAITS,
    IngestServer,
    read_topic,
)

pytestmark = pytest.mark.kafka


@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip"])
def test_track_identify_group_and_page_arrive_in_their_topics(
    ingest: IngestServer, gzip: bool
) -> None:
    errors: list[Any] = []
    client = Client(
        ingest.write_key,
        host=ingest.url,
        gzip=gzip,
        on_error=lambda error, batch: errors.append(error),
        max_retries=1,
    )
    run = uuid.uuid4().hex[:8]
    user, account = f"user-{run}", f"account-{run}"
    when = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)

    client.group(user, account, {"name": "Acme KK", "plan": "enterprise", "arr": 1_200_000})
    client.identify(user, {"email": f"{run}@acme.example", "timezone": "Asia/Tokyo"})
    client.track(user, "Report Exported", {"format": "csv"}, timestamp=when)
    client.page(user, "Docs", "Getting started", {"path": "/docs/start"})
    client.flush()
    client.shutdown()
    assert errors == []

    async def published() -> tuple[list[Any], list[Any], list[Any]]:
        return (
            await read_topic(ingest.bootstrap, ingest.topic(USAGE), at_least=2),
            await read_topic(ingest.bootstrap, ingest.topic(USER_TRAITS), at_least=1),
            await read_topic(ingest.bootstrap, ingest.topic(ACCOUNT_TRAITS), at_least=1),
        )

    usage, users, accounts = asyncio.run(published())
    ws = ingest.workspace_id

    (group,) = [r for r in accounts if r.value["account_id"] == account]
    assert group.key == f"{ws}:{account}"
    assert group.value["traits"] == {"name": "Acme KK", "plan": "enterprise", "arr": 1_200_000}
    assert group.value["user_id"] == user

    (identify,) = [r for r in users if r.value["user_id"] == user]
    assert identify.key == f"{ws}:{user}"
    assert identify.value["traits"]["timezone"] == "Asia/Tokyo"
    assert identify.value["account_id"] == account

    mine = {r.value["kind"]: r for r in usage if r.value["user_id"] == user}
    assert set(mine) == {"track", "page"}
    track, page = mine["track"], mine["page"]
    # the user was grouped first, so both usage events are keyed by that account
    assert track.key == page.key == f"{ws}:{account}"
    assert (track.value["event"], track.value["properties"]) == (
        "Report Exported",
        {"format": "csv"},
    )
    assert track.value["context"]["library"]["name"] == "analytics-python"
    assert dt.datetime.fromisoformat(track.value["original_timestamp"]) == when
    assert track.value["sent_at"] is not None
    assert (page.value["event"], page.value["properties"]) == (
        "Getting started",
        {"path": "/docs/start"},
    )
    assert track.headers["ce_type"] == "banso.usage.recorded.v1"
    assert track.headers["ce_subject"] == account
