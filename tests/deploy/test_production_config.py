"""The compose and Kubernetes examples set everything a production start checks: once their
change-me placeholders are replaced, notify, bridge and the console accept them with
BANSO_ENV=production (remote SMTP, public URLs and ticket sink, the sink's credentials, the
services' addresses the console calls); left as they are, they are refused."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from banso_bridge.config import BridgeSettings
from banso_console.config import ConsoleSettings
from banso_kit.settings import ServiceSettings
from banso_notify.config import NotifySettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_DIR = ROOT / "deploy" / "compose"
K8S_DIR = ROOT / "deploy" / "k8s"
SETTINGS: dict[str, type[ServiceSettings]] = {
    "notify": NotifySettings,
    "bridge": BridgeSettings,
    "console": ConsoleSettings,
}
# What each service's production check looks at; the examples must set every one of them.
CHECKED = {
    "notify": {
        "NOTIFY_SMTP_HOST",
        "NOTIFY_PUBLIC_URL",
        "NOTIFY_SMTP_USERNAME",
        "NOTIFY_SMTP_PASSWORD",
    },
    "bridge": {"BRIDGE_PUBLIC_URL", "BRIDGE_SINK", "BRIDGE_GITHUB_TOKEN", "BRIDGE_GITHUB_REPO"},
    "console": {
        "CONSOLE_INGEST_URL",
        "CONSOLE_SCORING_URL",
        "CONSOLE_BRIDGE_URL",
        "CONSOLE_NOTIFY_URL",
        "CONSOLE_DATABASE_URL",
    },
}
VARIABLE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?::([?-])([^}]*))?\}")


def _replaced(value: str) -> str:
    return secrets.token_urlsafe(48) if value == "change-me" else value


def _dotenv(*, replace: bool) -> dict[str, str]:
    """The active KEY=value lines of .env.example, as Compose reads .env (quotes removed)."""
    text = (COMPOSE_DIR / ".env.example").read_text(encoding="utf-8")
    values = {k: v.strip('"') for k, v in re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", text, re.M)}
    return {k: _replaced(v) for k, v in values.items()} if replace else values


def _interpolate(value: Any, dotenv: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name, kind, rest = match.groups()
        found = dotenv.get(name, "")
        if kind == "?" and not found:
            raise AssertionError(f"Compose would stop: {rest}")
        return found or (rest if kind == "-" else "")

    return VARIABLE.sub(one, str(value))


def _compose_env(service: str, *, replace: bool) -> dict[str, str]:
    compose = yaml.safe_load((COMPOSE_DIR / "docker-compose.yml").read_text(encoding="utf-8"))
    dotenv = _dotenv(replace=replace)
    environment = compose["services"][service]["environment"]
    return {name: _interpolate(value, dotenv) for name, value in environment.items()}


def _k8s_env(service: str, *, replace: bool) -> list[dict[str, str]]:
    """The environment of each container (init and main) of the service's Deployment."""
    config = yaml.safe_load((K8S_DIR / "configmap.yaml").read_text(encoding="utf-8"))["data"]
    secret = next(yaml.safe_load_all((K8S_DIR / "secret.example.yaml").read_text("utf-8")))
    stored = {k: _replaced(v) if replace else v for k, v in secret["stringData"].items()}
    docs = list(yaml.safe_load_all((K8S_DIR / f"{service}.yaml").read_text(encoding="utf-8")))
    pod = next(d for d in docs if d and d["kind"] == "Deployment")["spec"]["template"]["spec"]
    environments = []
    for container in [*pod["initContainers"], *pod["containers"]]:
        env = {str(k): str(v) for k, v in config.items()}
        for entry in container.get("env", []):
            if "value" in entry:
                env[entry["name"]] = entry["value"]
            else:
                env[entry["name"]] = stored[entry["valueFrom"]["secretKeyRef"]["key"]]
        environments.append(env)
    return environments


def _settings(monkeypatch: pytest.MonkeyPatch, service: str, env: dict[str, str]) -> Any:
    monkeypatch.chdir(ROOT)
    for name in list(os.environ):
        if name.startswith(("BANSO_", "KAFKA_", "NOTIFY_", "BRIDGE_", "CONSOLE_")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return SETTINGS[service]()


@pytest.mark.parametrize("service", SETTINGS)
def test_the_compose_example_passes_the_production_checks_once_filled_in(
    monkeypatch: pytest.MonkeyPatch, service: str
) -> None:
    env = _compose_env(service, replace=True)
    assert CHECKED[service] <= set(env)
    settings = _settings(monkeypatch, service, env)
    assert settings.env == "production"
    if isinstance(settings, ConsoleSettings):
        # the services by their names on the compose network; the cookie HTTPS-only
        assert settings.scoring_url == "http://scoring:8002"
        assert settings.cookie_secure
    else:
        assert settings.public_url.startswith("https://")


@pytest.mark.parametrize("service", SETTINGS)
def test_the_compose_example_with_its_placeholders_is_refused(
    monkeypatch: pytest.MonkeyPatch, service: str
) -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        _settings(monkeypatch, service, _compose_env(service, replace=False))


def test_compose_requires_the_notify_addresses_instead_of_defaulting_them() -> None:
    text = (COMPOSE_DIR / "docker-compose.yml").read_text(encoding="utf-8")
    for name in ("NOTIFY_SMTP_HOST", "NOTIFY_PUBLIC_URL", "BRIDGE_PUBLIC_URL"):
        assert f"${{{name}:?" in text, name


@pytest.mark.parametrize("service", SETTINGS)
def test_every_kubernetes_container_passes_the_production_checks_once_filled_in(
    monkeypatch: pytest.MonkeyPatch, service: str
) -> None:
    for env in _k8s_env(service, replace=True):
        assert CHECKED[service] <= set(env)
        assert _settings(monkeypatch, service, env).env == "production"


def test_the_kubernetes_example_secret_is_refused_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    [env, _] = _k8s_env("bridge", replace=False)
    env["BANSO_SECRET"] = env["BANSO_ADMIN_TOKEN"] = secrets.token_urlsafe(48)
    with pytest.raises(ValidationError, match="BRIDGE_GITHUB_TOKEN is a placeholder"):
        _settings(monkeypatch, "bridge", env)
