"""History rows in SQL (SQLite and PostgreSQL), written with the driver's executemany: what
the history API reads back is what the round recorded, a revised day's close replaces the one
recorded before, and a day closed twice in one round keeps its last close."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from banso_scoring.adapters.history import DAY_CLOSE, account_history, insert_history

DAY = 86_400.0


def _close(
    account: str, day: int, score: float | None, *, revised: bool = False
) -> dict[str, object]:
    return {
        "workspace_id": "ws",
        "account_id": account,
        "at": (day + 1) * DAY - 1.0,
        "recorded_at": (day + 1) * DAY + 60.0,
        "score": score,
        "band": "unknown" if score is None else "green",
        "previous_score": None,
        "previous_band": None,
        "cause": DAY_CLOSE,
        "change": None,
        "scorecard_version": 1,
        "event_id": None,
        "health": b"",
        "revised": revised,
    }


def _published(account: str, at: float) -> dict[str, object]:
    return {
        "workspace_id": "ws",
        "account_id": account,
        "at": at,
        "recorded_at": at + 5.0,
        "score": 71.5,
        "band": "green",
        "previous_score": 40.0,
        "previous_band": "red",
        "cause": "events",
        "change": "band",
        "scorecard_version": 2,
        "event_id": "ev-1",
        "health": '{"score": 71.5, "note": "健康"}'.encode(),
        "revised": False,
    }


async def _rows(session: AsyncSession, account: str) -> list[tuple[object, ...]]:
    found = await account_history(session, workspace_id="ws", account_id=account, limit=100)
    return [
        (
            row.at,
            row.recorded_at,
            row.score,
            row.band,
            row.previous_score,
            row.previous_band,
            row.cause,
            row.change,
            row.scorecard_version,
            row.event_id,
            bytes(row.health),
            bool(row.revised),
        )
        for row in found
    ]


async def test_rows_read_back_as_recorded(session: AsyncSession) -> None:
    published = _published("acme", 10 * DAY + 3_600.0)
    await insert_history(
        session, rows=[_close("acme", 9, 55.0), published, _close("bolt", 9, None)]
    )
    await session.commit()
    assert await _rows(session, "acme") == [
        (10 * DAY + 3_600.0, 10 * DAY + 3_605.0, 71.5, "green", 40.0, "red", "events", "band", 2,
         "ev-1", published["health"], False),
        (10 * DAY - 1.0, 10 * DAY + 60.0, 55.0, "green", None, None, "day", None, 1, None, b"",
         False),
    ]  # fmt: skip
    assert [(row[2], row[3]) for row in await _rows(session, "bolt")] == [(None, "unknown")]


async def test_a_revised_close_replaces_the_earlier_one(session: AsyncSession) -> None:
    await insert_history(session, rows=[_close("acme", 9, 55.0), _close("acme", 10, 56.0)])
    await session.commit()
    # The same day closed twice in one round, then revised: one row per day remains.
    await insert_history(
        session,
        rows=[
            _close("acme", 9, 60.0, revised=True),
            _close("acme", 9, 61.0, revised=True),
            _close("bolt", 9, 20.0, revised=True),
        ],
    )
    await session.commit()
    assert [(row[0], row[2], row[11]) for row in await _rows(session, "acme")] == [
        (11 * DAY - 1.0, 56.0, False),
        (10 * DAY - 1.0, 61.0, True),
    ]
    assert [(row[2], row[11]) for row in await _rows(session, "bolt")] == [(20.0, True)]
