"""The setup every end-to-end test starts from: stand-ins, four service processes, a workspace
configured through the APIs, and a small simulated SaaS sent through ingest."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from banso_sim.demo import configure
from banso_sim.platform.api import ServiceApi
from banso_sim.platform.metrics import Progress, wait_caught_up
from banso_sim.platform.provision import Tenant, provision
from banso_sim.run import simulate
from banso_sim.send.sender import SendOptions, SendReport
from banso_sim.sinks.http import serve_app
from banso_sim.sinks.jira import JiraServer
from banso_sim.sinks.slack import WebhookSink
from banso_sim.sinks.smtp import SmtpSink, serve_smtp
from banso_sim.world.build import build_world
from banso_sim.world.model import World, WorldConfig
from tests.e2e.cluster import Cluster

CSM_EMAIL_PLAYBOOK = """\
id: health-red-csm-email
name: E-mail the CSM when health turns red
trigger:
  type: health_changed
  to_band: red
recipient:
  kind: csm
steps:
  - send:
      channel: email
      template: health_red
default_locale: en
templates:
  health_red:
    en:
      subject: "{{ account.name }} turned red"
      text: |
        {{ account.name }} turned red. Why: {% for d in drivers %}{{ d }}; {% endfor %}
    ja:
      subject: "{{ account.name }} のヘルスがレッドになりました"
      text: |
        要因: {% for d in drivers %}{{ d }}、{% endfor %}
"""


@dataclass
class Journey:
    cluster: Cluster
    tenant: Tenant
    world: World
    sent: SendReport
    readings: dict[str, Progress | None]
    smtp: SmtpSink
    jira: JiraServer
    jira_webhook_secret: str
    slack: WebhookSink
    client: httpx.AsyncClient

    def api(self, name: str) -> ServiceApi:
        return ServiceApi(name, self.cluster.url(name), self.tenant.token, self.client)


@contextlib.asynccontextmanager
async def staged(
    directory: Path,
    bootstrap: str,
    prefix: str,
    config: WorldConfig,
    *,
    scorecard: bool = True,
    extra_env: dict[str, str] | None = None,
) -> AsyncIterator[Journey]:
    """Stand-ins serving, four services running and a workspace configured; nothing sent yet."""
    smtp, jira, slack = SmtpSink(), JiraServer(project="PROD"), WebhookSink()
    secret = secrets.token_hex(24)
    async with (
        serve_smtp(smtp) as smtp_port,
        serve_app(jira.app()) as jira_url,
        serve_app(slack.app()) as slack_url,
        httpx.AsyncClient(timeout=30.0) as client,
    ):
        jira.base_url = jira_url
        cluster = Cluster(
            directory=directory,
            bootstrap=bootstrap,
            topic_prefix=prefix,
            extra_env={
                "NOTIFY_SMTP_HOST": "127.0.0.1",
                "NOTIFY_SMTP_PORT": str(smtp_port),
                "NOTIFY_RETRY_BASE_S": "1",
                "BRIDGE_SINK": "jira",
                "BRIDGE_JIRA_BASE_URL": jira_url,
                "BRIDGE_JIRA_EMAIL": "pm@sora-analytics.example",
                "BRIDGE_JIRA_API_TOKEN": "e2e-token",
                "BRIDGE_JIRA_PROJECT_KEY": "PROD",
                "BRIDGE_JIRA_WEBHOOK_SECRET": secret,
                "BRIDGE_TICKET_RETRY_INITIAL_S": "1",
                **(extra_env or {}),
            },
        )
        try:
            await cluster.start()
            tenant = await asyncio.to_thread(provision, "e2e", env=cluster.env)
            world = build_world(config)
            state = Journey(cluster, tenant, world, SendReport(), {}, smtp, jira, secret, slack, client)  # fmt: skip
            steps = [
                await configure.put_policy(state.api("notify"), f"{slack_url}/services/T/B/x"),
                await configure.put_onboarding_playbook(state.api("notify")),
            ]
            if scorecard:
                steps.append(await configure.put_scorecard(state.api("scoring")))
            for step in steps:
                assert step.ok, f"{step.service}: {step.what}: {step.detail}"
            response = await state.api("notify").send(
                "PUT",
                "/v1/playbooks/health-red-csm-email",
                content=CSM_EMAIL_PLAYBOOK,
                content_type="application/yaml",
            )
            assert response.status_code in (200, 201), response.text
            yield state
        finally:
            cluster.stop()


async def send(
    state: Journey,
    config: WorldConfig,
    options: SendOptions | None = None,
    on_report: Callable[[SendReport], None] | None = None,
) -> SendReport:
    state.sent = await simulate(
        config,
        ingest_url=state.cluster.url("ingest"),
        write_key=state.tenant.write_key,
        options=options or SendOptions(keep_ids=True),
        on_report=on_report,
    )
    return state.sent


async def settle(state: Journey, *names: str, timeout_s: float = 300.0) -> None:
    """Wait until the named services (default: all but ingest) have caught up."""
    chosen = names or ("scoring", "bridge", "notify")
    state.readings = await wait_caught_up(
        {n: state.cluster.url(n) for n in chosen}, quiet_s=5.0, timeout_s=timeout_s
    )


@contextlib.asynccontextmanager
async def journey(
    directory: Path, bootstrap: str, prefix: str, config: WorldConfig
) -> AsyncIterator[Journey]:
    """Staged, the world sent through ingest, and every service caught up."""
    async with staged(directory, bootstrap, prefix, config) as state:
        await send(state, config)
        await settle(state)
        yield state


def small_world(seed: int = 7) -> WorldConfig:
    """20 accounts, 240 people, 30 days: ~6,500 events, two churning accounts, and a problem
    (garbled CSV exports) that five accounts report."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return WorldConfig(now=now, seed=seed, accounts=20, users=240, days=30)
