"""What the demo runs around the services: stand-ins for Jira, Slack and an SMTP relay on
loopback, the services' configuration pointing at them, and starting and stopping the services
with `scripts/services.sh` (the same script `make run` uses)."""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from banso_sim.sinks.http import serve_app
from banso_sim.sinks.jira import JiraServer
from banso_sim.sinks.slack import WebhookSink
from banso_sim.sinks.smtp import SmtpSink, serve_smtp

SERVICES = {"ingest": 8001, "scoring": 8002, "bridge": 8003, "notify": 8004}
CONSOLE_PORT = 8000
DEMO_USER = "demo@banso.local"
"""The console's user the demo creates (an admin of the demo's workspace), reset on every run."""
JIRA_PROJECT = "PROD"
PM_EMAIL = "pm@sora-analytics.example"
NOTIFY_SMTP_PORT = 1025
"""notify's default relay port: the demo's sink takes it when free, so a `--keep-running`
notify keeps a relay to talk to after the demo ends only if someone serves it there."""


@dataclass(frozen=True, slots=True)
class Sinks:
    smtp: SmtpSink
    smtp_port: int
    jira: JiraServer
    jira_url: str
    jira_webhook_secret: str
    slack: WebhookSink
    slack_url: str


@contextlib.asynccontextmanager
async def running_sinks() -> AsyncIterator[Sinks]:
    smtp = SmtpSink()
    jira = JiraServer(project=JIRA_PROJECT)
    slack = WebhookSink()
    async with contextlib.AsyncExitStack() as stack:
        try:
            smtp_port = await stack.enter_async_context(serve_smtp(smtp, port=NOTIFY_SMTP_PORT))
        except OSError:  # taken: any free port will do, notify is told which
            smtp_port = await stack.enter_async_context(serve_smtp(smtp))
        jira_url = await stack.enter_async_context(serve_app(jira.app()))
        jira.base_url = jira_url
        slack_url = await stack.enter_async_context(serve_app(slack.app()))
        yield Sinks(
            smtp=smtp,
            smtp_port=smtp_port,
            jira=jira,
            jira_url=jira_url,
            jira_webhook_secret=secrets.token_hex(24),
            slack=slack,
            slack_url=f"{slack_url}/services/T0DEMO/B0DEMO/csm-alerts",
        )


def service_env(sinks: Sinks, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment the services run with in the demo: notify's SMTP relay and the bridge's
    Jira project are the demo's stand-ins."""
    env = dict(os.environ if base is None else base)
    env.update(
        {
            "BANSO_CLOCK": "stream",  # 90 simulated days run on the events' own time
            "NOTIFY_SMTP_HOST": "127.0.0.1",
            "NOTIFY_SMTP_PORT": str(sinks.smtp_port),
            "NOTIFY_SMTP_SECURITY": "none",
            "BRIDGE_SINK": "jira",
            "BRIDGE_JIRA_BASE_URL": sinks.jira_url,
            "BRIDGE_JIRA_EMAIL": PM_EMAIL,
            "BRIDGE_JIRA_API_TOKEN": "demo-" + secrets.token_hex(8),
            "BRIDGE_JIRA_PROJECT_KEY": JIRA_PROJECT,
            "BRIDGE_JIRA_WEBHOOK_SECRET": sinks.jira_webhook_secret,
        }
    )
    return env


def service_urls(env: Mapping[str, str]) -> dict[str, str]:
    return {
        name: f"http://127.0.0.1:{env.get(f'{name.upper()}_PORT', str(port))}"
        for name, port in SERVICES.items()
    }


def console_url(env: Mapping[str, str]) -> str:
    return f"http://127.0.0.1:{env.get('CONSOLE_PORT', str(CONSOLE_PORT))}"


class ServicesFailed(Exception):
    """`scripts/services.sh` could not start the services (its output says why)."""


@dataclass(frozen=True, slots=True)
class ServiceScript:
    """`scripts/services.sh` of a checkout, run with a given environment."""

    root: Path
    env: Mapping[str, str]

    def _run(self, action: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.root / "scripts" / "services.sh"), action],
            cwd=self.root,
            env=dict(self.env),
            capture_output=True,
            text=True,
            check=False,
        )

    def running(self) -> list[str]:
        lines = self._run("status").stdout.splitlines()
        return [line.split()[0] for line in lines if " running" in line]

    def start(self) -> str:
        result = self._run("start")
        if result.returncode != 0:
            raise ServicesFailed((result.stdout + result.stderr).strip())
        return result.stdout

    def stop(self) -> None:
        self._run("stop")

    def create_console_user(
        self,
        workspace_id: str,
        email: str = DEMO_USER,
        role: str = "admin",
        locale: str | None = None,
    ) -> str:
        """(Re)create a console user of the workspace (by default the demo's administrator) with
        a new random password (given on standard input, never on the command line); returns the
        password."""
        password = secrets.token_urlsafe(12)
        language = [] if locale is None else ["--locale", locale]
        result = subprocess.run(
            [
                str(self.root / ".venv" / "bin" / "banso-console"),
                "create-user",
                email,
                "--role",
                role,
                "--workspace",
                workspace_id,
                "--replace",
                *language,
            ],
            input=password + "\n",
            cwd=self.root,
            env=dict(self.env),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise ServicesFailed((result.stdout + result.stderr).strip())
        return password
