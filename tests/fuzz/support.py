"""Each service as a real process (`banso-<name> serve` on a free port, its own SQLite database,
the real broker) whose `/openapi.json` schemathesis turns into requests, with real credentials:
a workspace token signed with the service's secret, the operator's admin token, and for ingest a
write key created through its admin API."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Err

from banso_kit.auth import issue_token
from tests.conftest import _delete_topics
from tests.e2e.cluster import ADMIN_TOKEN, SECRET, Cluster
from tests.scoring.service.support import publish, usage
from tests.support.topics import unique_prefix
from tests.support.waiting import eventually

WORKSPACE = "ws_fuzz"
# No server error, and every answer is one the OpenAPI declares: its status, its content type and
# its body's schema.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# A bounded, reproducible run: the same examples every time, about a minute per service.
FUZZ = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@dataclass
class Target:
    url: str
    bootstrap: str
    topic_prefix: str
    # Path parameters naming what exists (seeded): operations on them are fuzzed with these too.
    known: dict[str, str] = field(default_factory=dict)
    # Requests sent per operation, so a test can tell every operation was exercised.
    sent: dict[str, int] = field(default_factory=dict)
    write_key: str = ""
    token: str = field(
        default_factory=lambda: issue_token(SECRET, WORKSPACE, ("admin",))  # every scope
    )

    def headers(self, case: Case[Any]) -> dict[str, str]:
        """The credentials the operation asks for: admin token, write key or workspace token."""
        path = case.operation.path
        if path.startswith("/v1/admin/"):
            return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        if self.write_key and not path.startswith("/v1/admin"):
            basic = base64.b64encode(f"{self.write_key}:".encode()).decode()
            return {"Authorization": f"Basic {basic}"}
        return {"Authorization": f"Bearer {self.token}"}

    def check(self, case: Case[Any]) -> None:
        label = case.operation.label
        self.sent[label] = self.sent.get(label, 0) + 1
        case.call_and_validate(base_url=self.url, headers=self.headers(case), checks=CHECKS)


@contextmanager
def running(
    name: str, directory: Path, bootstrap: str, prepare: Callable[[Target], None] | None = None
) -> Iterator[Target]:
    prefix = unique_prefix()
    cluster = Cluster(directory, bootstrap, prefix)
    try:
        asyncio.run(cluster.start(name))
        target = Target(cluster.url(name), bootstrap, prefix)
        if prepare is not None:
            prepare(target)
        yield target
    finally:
        cluster.stop()
        asyncio.run(_delete_topics(bootstrap, prefix))


def load(target: Target) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{target.url}/openapi.json")


def fuzz(target: Target) -> list[str]:
    """Every operation of the target's OpenAPI, first with schemathesis's boundary cases (each
    parameter at and past its limits, missing, of the wrong type), then with generated valid and
    invalid input; what failed."""
    failures: list[str] = []
    schema = load(target)
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            failures.append(f"an operation the fuzzer cannot read: {result.err()}")
            continue
        operation = result.ok()
        if operation.path == "/readyz":
            continue  # its 503 is the designed answer while a dependency is down, not a fault
        boundary = schema.iter_coverage_cases(
            operation,
            generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
            generation_config=schema.config.generation_for(operation=operation),
        )
        for case in boundary:
            try:
                target.check(case)
            except (Exception, FailureGroup) as error:  # noqa: BLE001 - report every operation's
                failures.append(f"{operation.label} (boundary case): {error}")
                break
        strategies = [
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ]
        names = {parameter.name for parameter in operation.path_parameters}
        if names and names <= set(target.known):
            existing = {name: target.known[name] for name in names}
            strategies.append(
                operation.as_strategy(GenerationMode.POSITIVE, path_parameters=existing)
            )
        cases = st.one_of(*strategies)

        @FUZZ
        @given(case=cases)
        def answers_as_documented(case: Case[Any]) -> None:
            target.check(case)

        try:
            answers_as_documented()
        except (Exception, FailureGroup) as error:  # noqa: BLE001 - report every operation's
            failures.append(f"{operation.label}: {error}")
    return failures


def create_write_key(target: Target) -> None:
    """A workspace and a source through ingest's admin API; the fuzzer sends its write key."""
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=target.url, headers=admin, timeout=30) as client:
        workspace = client.post("/v1/admin/workspaces", json={"name": "fuzz"})
        workspace.raise_for_status()
        workspace_id = workspace.json()["workspace_id"]
        source = client.post(f"/v1/admin/workspaces/{workspace_id}/sources", json={"name": "app"})
        source.raise_for_status()
        target.write_key = source.json()["write_key"]
        target.token = issue_token(SECRET, workspace_id, ("admin",))


def seed_accounts(target: Target) -> None:
    """Accounts with usage in the fuzzed workspace, so lists and health answer with real rows."""
    now = dt.datetime.now(dt.UTC)
    events = [
        usage(WORKSPACE, account, f"{account}-user", "Report Exported", now, now)
        for account in ("acme", "globex", "initech")
    ]
    asyncio.run(publish(target.bootstrap, target.topic_prefix, events))
    headers = {"Authorization": f"Bearer {target.token}"}

    def listed() -> bool:
        answer = httpx.get(f"{target.url}/v1/accounts", headers=headers, timeout=10)
        return len(answer.json()["accounts"]) == 3

    async def seeded() -> None:
        await eventually(lambda: asyncio.to_thread(listed))

    asyncio.run(seeded())
    target.known["account_id"] = "acme"
