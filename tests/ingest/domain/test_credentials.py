"""Rules for write keys and tokens: what a rotation leaves working, token states, key prefixes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from banso_ingest.domain.credentials import (
    KEY_PREFIX_LENGTH,
    Rotation,
    as_utc,
    key_prefix,
    rotate,
    token_state,
)

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_a_rotation_with_grace_keeps_the_old_key_until_then_and_without_grace_ends_it() -> None:
    assert rotate("old-hash", now=NOW, grace=timedelta(hours=1)) == Rotation(
        "old-hash", NOW + timedelta(hours=1)
    )
    assert rotate("old-hash", now=NOW, grace=timedelta(0)) == Rotation(None, None)


def test_a_key_prefix_names_the_key_without_giving_it_away() -> None:
    key = "wk_" + "A" * 43
    assert key_prefix(key) == key[:KEY_PREFIX_LENGTH]
    assert len(key_prefix(key)) < len(key) // 4


def test_token_states() -> None:
    later = NOW + timedelta(days=1)
    assert token_state(revoked_at=None, expires_at=later, now=NOW) == "active"
    assert token_state(revoked_at=None, expires_at=NOW, now=NOW) == "expired"
    assert token_state(revoked_at=NOW, expires_at=later, now=NOW) == "revoked"


def test_stored_instants_come_back_as_utc() -> None:
    naive = datetime(2026, 3, 1, 12)  # noqa: DTZ001 - SQLite hands instants back naive, in UTC
    assert as_utc(naive) == NOW
    tokyo = NOW.astimezone(timezone(timedelta(hours=9)))
    assert as_utc(tokyo) == NOW
    assert as_utc(tokyo).tzinfo == UTC
