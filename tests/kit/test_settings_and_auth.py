"""Settings refuse placeholder secrets outside development; tokens carry one workspace and scopes."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from banso_kit.auth import (
    check_admin,
    generate_write_key,
    hash_write_key,
    issue_token,
    parse_bearer,
    verify_token,
)
from banso_kit.db import async_url
from banso_kit.errors import Forbidden, Unauthorized
from banso_kit.settings import ServiceSettings

STRONG = "x" * 24 + "0123456789abcdef"


def test_placeholder_secrets_are_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANSO_ENV", "production")
    with pytest.raises(ValidationError, match="BANSO_SECRET is a placeholder"):
        ServiceSettings()
    monkeypatch.setenv("BANSO_SECRET", "change-me")
    with pytest.raises(ValidationError, match="BANSO_SECRET"):
        ServiceSettings()
    monkeypatch.setenv("BANSO_SECRET", STRONG)
    with pytest.raises(ValidationError, match="BANSO_ADMIN_TOKEN"):
        ServiceSettings()
    monkeypatch.setenv("BANSO_ADMIN_TOKEN", STRONG[::-1])
    settings = ServiceSettings()
    assert settings.secret == STRONG


def test_development_defaults_work_without_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BANSO_ENV", raising=False)
    settings = ServiceSettings(service_name="scoring")
    assert settings.env == "development"
    assert settings.database_url == "sqlite:///.data/scoring.db"
    assert settings.kafka_bootstrap_servers == "127.0.0.1:9092"


def test_shared_variables_are_unprefixed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092")
    monkeypatch.setenv("BANSO_TOPIC_PREFIX", "staging.")
    settings = ServiceSettings()
    assert settings.kafka_bootstrap_servers == "kafka-1:9092,kafka-2:9092"
    assert settings.topic_name("banso.usage.v1") == "staging.banso.usage.v1"


def test_database_urls_get_async_drivers() -> None:
    assert async_url("sqlite:///.data/x.db") == "sqlite+aiosqlite:///.data/x.db"
    assert async_url("postgresql://u:p@h:5432/d") == "postgresql+asyncpg://u:p@h:5432/d"
    with pytest.raises(ValueError, match="unsupported database URL scheme 'mysql'"):
        async_url("mysql://h/d")


def test_token_names_its_workspace_and_scopes() -> None:
    token = issue_token(STRONG, "ws_a", ["write"])
    principal = verify_token(STRONG, token)
    assert principal.workspace_id == "ws_a"
    assert principal.scopes == frozenset({"read", "write"})
    principal.require("read")
    with pytest.raises(Forbidden, match="lacks the 'admin' scope"):
        principal.require("admin")
    with pytest.raises(Forbidden, match="another workspace"):
        principal.require_workspace("ws_b")


def test_tampered_expired_or_foreign_tokens_are_refused() -> None:
    token = issue_token(STRONG, "ws_a", ["read"])
    with pytest.raises(Unauthorized, match="invalid"):
        verify_token(STRONG[::-1], token)
    with pytest.raises(Unauthorized, match="invalid"):
        verify_token(STRONG, token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    old = issue_token(
        STRONG,
        "ws_a",
        ["read"],
        ttl=dt.timedelta(minutes=1),
        now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    )
    with pytest.raises(Unauthorized, match="expired"):
        verify_token(STRONG, old)


def test_bearer_header_parsing_and_admin_token() -> None:
    assert parse_bearer("Bearer abc") == "abc"
    with pytest.raises(Unauthorized, match="missing Authorization header"):
        parse_bearer(None)
    with pytest.raises(Unauthorized, match="must be `Bearer <token>`"):
        parse_bearer("Basic abc")
    check_admin(STRONG, f"Bearer {STRONG}")
    with pytest.raises(Unauthorized, match="admin token is wrong"):
        check_admin(STRONG, "Bearer nope")


def test_write_keys_are_random_and_stored_hashed() -> None:
    first, second = generate_write_key(), generate_write_key()
    assert first != second
    assert first.startswith("wk_")
    assert len(first) > 40
    assert hash_write_key(first) == hash_write_key(first)
    assert hash_write_key(first) != hash_write_key(second)
    assert first not in hash_write_key(first)


def test_kafka_security_settings_reach_the_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ServiceSettings().kafka_client_options() == {"security_protocol": "PLAINTEXT"}
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "banso")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "pw")
    options = ServiceSettings().kafka_client_options()
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["sasl_plain_username"] == "banso"
    assert options["sasl_plain_password"] == "pw"
    assert options["ssl_context"].verify_mode.name == "CERT_REQUIRED"


def test_consumers_get_the_security_fetch_and_heartbeat_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("CONSUMER_HEARTBEAT_INTERVAL_MS", "500")
    options = ServiceSettings().kafka_consumer_options()
    assert options["security_protocol"] == "SASL_PLAINTEXT"
    assert options["heartbeat_interval_ms"] == 500
    assert options["fetch_max_wait_ms"] == ServiceSettings().consumer_fetch_max_wait_ms
    monkeypatch.setenv("CONSUMER_HEARTBEAT_INTERVAL_MS", "50")
    with pytest.raises(ValidationError, match="heartbeat_interval_ms"):
        ServiceSettings()
