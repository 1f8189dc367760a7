"""Rounds of live traffic with SIGKILLs (and broker restarts) at seeded random moments, then exact
accounting: what ingest acknowledged is what scoring applied, account by account; no nudge is sent
twice; every acknowledged feedback item is in exactly one theme; and, at the end of a run, every
account's aggregates equal a clean replay's, byte for byte.

Used by `tests/faults/test_repeated_kills.py` (a few short rounds in `make test`) and by
`bench/soak.py` (as many rounds as asked, output for the record). A round is reproducible from its
seed: the traffic, the services killed and the moments they are killed at.
"""

from __future__ import annotations

import asyncio
import base64
import random
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from banso_contracts.events import NudgeSent
from banso_contracts.topics import NUDGES
from banso_ingest.domain.plan import event_id
from banso_sim.platform.provision import Tenant, provision
from banso_sim.platform.topics import read_topic
from banso_sim.sinks.smtp import SmtpSink, serve_smtp
from tests.e2e.cluster import Cluster
from tests.faults.aggregates import replay_differences

KILLABLE = ("ingest", "scoring", "notify", "bridge")
TRACKS = ("Report Viewed", "Dashboard Opened", "Filter Applied", "Export Failed")
COMPLAINTS = (
    "The CSV export fails with a timeout every time",
    "SSO login loops back to the sign-in page",
    "請求書の消費税が間違って計算されています",
    "ダッシュボードの読み込みがとても遅い",
)
PLAYBOOK = """\
id: export-failed-help
name: Help after a failed export
trigger:
  type: usage_event
  event: Export Failed
recipient:
  kind: user
steps:
  - send:
      channel: email
      template: help
caps:
  user_daily: null
  user_weekly: null
  account_same_playbook_daily: null
default_locale: en
templates:
  help:
    en:
      subject: "Your export failed"
      text: "Try a smaller date range."
    ja:
      subject: "エクスポートに失敗しました"
      text: "期間を短くしてお試しください。"
"""


@dataclass(frozen=True, slots=True)
class RoundPlan:
    seed: int
    events: int
    faults: tuple[tuple[str, float], ...]  # (service or "broker", share of the events sent)
    accounts: int = 12
    users_per_account: int = 3
    feedback: int = 24
    rate: float = 400.0  # events offered per second

    @classmethod
    def drawn(cls, seed: int, *, events: int, faults: int, broker: bool) -> RoundPlan:
        rng = random.Random(seed)
        kinds = KILLABLE + (("broker",) if broker else ())
        chosen = sorted(
            ((rng.choice(kinds), round(rng.uniform(0.1, 0.85), 3)) for _ in range(faults)),
            key=lambda fault: fault[1],
        )
        return cls(seed=seed, events=events, faults=tuple(chosen))


@dataclass
class RoundResult:
    seed: int
    faults: list[tuple[str, int]] = field(default_factory=list)  # (what, events acknowledged)
    acknowledged: int = 0
    applied: int = 0
    lost: dict[str, int] = field(default_factory=dict)  # account -> acknowledged - applied (> 0)
    doubled: dict[str, int] = field(default_factory=dict)  # account -> applied - acknowledged
    retries: int = 0
    nudges_sent: int = 0
    nudge_keys_sent_twice: int = 0
    feedback_acknowledged: int = 0
    feedback_unthemed: int = 0
    feedback_in_several_themes: int = 0

    @property
    def clean(self) -> bool:
        return not (
            self.lost
            or self.doubled
            or self.nudge_keys_sent_twice
            or self.feedback_unthemed
            or self.feedback_in_several_themes
        )

    def line(self) -> str:
        faults = ", ".join(f"{what}@{at}" for what, at in self.faults)
        return (
            f"round seed={self.seed}: faults [{faults}]; events acknowledged {self.acknowledged}, "
            f"applied {self.applied}, lost {sum(self.lost.values())}, applied twice "
            f"{sum(self.doubled.values())}; sender retries {self.retries}; nudges sent "
            f"{self.nudges_sent}, keys sent twice {self.nudge_keys_sent_twice}; feedback "
            f"acknowledged {self.feedback_acknowledged}, in no theme {self.feedback_unthemed}, "
            f"in several {self.feedback_in_several_themes}"
        )


@dataclass
class Run:
    """Four services on one broker, an SMTP stand-in, and the restart of a broker if given."""

    cluster: Cluster
    smtp: SmtpSink
    client: httpx.AsyncClient
    restart_broker: Callable[[], None] | None = None
    tenants: list[Tenant] = field(default_factory=list)


@asynccontextmanager
async def services(
    directory: Path,
    bootstrap: str,
    prefix: str,
    *,
    restart_broker: Callable[[], None] | None = None,
) -> AsyncIterator[Run]:
    smtp = SmtpSink()
    async with serve_smtp(smtp) as smtp_port, httpx.AsyncClient(timeout=30.0) as client:
        cluster = Cluster(
            directory=directory,
            bootstrap=bootstrap,
            topic_prefix=prefix,
            extra_env={
                "NOTIFY_SMTP_HOST": "127.0.0.1",
                "NOTIFY_SMTP_PORT": str(smtp_port),
                "NOTIFY_RETRY_BASE_S": "1",
                # Every round's accounts are new and quiet between rounds: no decay ticks.
                "SCORING_TICK_SECONDS": "86400",
            },
        )
        try:
            await cluster.start()
            yield Run(cluster, smtp, client, restart_broker)
        finally:
            cluster.stop()


async def play_round(run: Run, plan: RoundPlan) -> RoundResult:
    """One round: a new workspace, its traffic with the plan's faults, then the accounting."""
    result = RoundResult(seed=plan.seed)
    tenant = await asyncio.to_thread(provision, f"round-{plan.seed}", env=run.cluster.env)
    run.tenants.append(tenant)
    await _configure(run, tenant)
    rng = random.Random(plan.seed)
    accounts = [f"acct-{plan.seed}-{a}" for a in range(plan.accounts)]
    users = {a: [f"{a}-u{u}" for u in range(plan.users_per_account)] for a in accounts}
    identify = [
        {"type": "identify", "userId": user, "messageId": f"id-{user}",
         "traits": {"email": f"{user}@example.com"}, "context": {"groupId": account}}
        for account, people in users.items() for user in people
    ]  # fmt: skip
    await _deliver(run, tenant, "/v1/batch", {"batch": identify}, result)

    sent: Counter[str] = Counter()
    batches: list[bytes] = []
    for start in range(0, plan.events, 100):
        batch = []
        for n in range(start, min(start + 100, plan.events)):
            account = rng.choice(accounts)
            name = TRACKS[3] if rng.random() < 0.02 else rng.choice(TRACKS[:3])
            batch.append(
                {"type": "track", "userId": rng.choice(users[account]), "event": name,
                 "messageId": f"r{plan.seed}-{n}", "timestamp": _now(),
                 "context": {"groupId": account}}
            )  # fmt: skip
            sent[account] += 1
        batches.append(orjson.dumps({"batch": batch}))
    feedback = [
        {"id": f"fb-{plan.seed}-{n}", "kind": "support_ticket",
         "text": f"{rng.choice(COMPLAINTS)} ({n})", "account": rng.choice(accounts)}
        for n in range(plan.feedback)
    ]  # fmt: skip
    for item in feedback:
        sent[item["account"]] += 1  # scoring counts a ticket as an event applied, too

    acknowledged = 0
    progress = asyncio.Event()

    async def send() -> None:
        nonlocal acknowledged
        loop = asyncio.get_running_loop()
        began = loop.time()
        lanes = asyncio.Semaphore(4)

        async def one(path: str, body: bytes, events: int) -> None:
            nonlocal acknowledged
            async with lanes:
                await _deliver(run, tenant, path, body, result)
            acknowledged += events
            progress.set()

        tasks = []
        for index, body in enumerate(batches):
            tasks.append(asyncio.create_task(one("/v1/batch", body, 100)))
            if index % 10 == 0 and feedback:
                items, feedback[:] = feedback[:4], feedback[4:]
                tasks.append(asyncio.create_task(one("/v1/feedback", orjson.dumps({"items": items}), 0)))  # fmt: skip
            ahead = (index + 1) * 100 / plan.rate - (loop.time() - began)
            if ahead > 0:
                await asyncio.sleep(ahead)
        if feedback:
            tasks.append(asyncio.create_task(one("/v1/feedback", orjson.dumps({"items": feedback}), 0)))  # fmt: skip
        await asyncio.gather(*tasks)

    sending = asyncio.create_task(send())
    # A killed service is started again at once and not waited for: the next fault may hit it
    # (or another) while it is still starting, loading its partitions or rebalancing.
    starting: dict[str, asyncio.Task[None]] = {}
    for what, share in plan.faults:
        while acknowledged < share * plan.events and not sending.done():
            progress.clear()
            waiter = asyncio.create_task(progress.wait())
            await asyncio.wait({waiter, sending}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
        result.faults.append((what, acknowledged))
        if what == "broker":
            assert run.restart_broker is not None, "a broker restart needs a private broker"
            await asyncio.to_thread(run.restart_broker)
        else:
            if what in starting:
                starting[what].cancel()  # killed again before it was ready
            service = run.cluster.services[what]
            service.kill()
            service.start()
            starting[what] = asyncio.create_task(service.wait_ready())
    await sending
    await asyncio.gather(*starting.values())
    result.acknowledged = sum(sent.values())  # track events and feedback items
    result.feedback_acknowledged = plan.feedback
    await _account(run, tenant, plan, sent, result)
    return result


async def _configure(run: Run, tenant: Tenant) -> None:
    headers = {"Authorization": f"Bearer {tenant.token}"}
    notify = run.cluster.url("notify")
    policy = {"delivery_hours": {"send_window": None, "quiet_hours": None}}
    response = await run.client.put(f"{notify}/v1/policy", json=policy, headers=headers)
    assert response.status_code < 300, response.text
    response = await run.client.put(
        f"{notify}/v1/playbooks/export-failed-help",
        content=PLAYBOOK,
        headers={**headers, "Content-Type": "application/yaml"},
    )
    assert response.status_code < 300, response.text


async def _deliver(run: Run, tenant: Tenant, path: str, body: Any, result: RoundResult) -> None:
    """As a well-behaved Segment client: the same body (same message ids) until a 2xx."""
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    key = base64.b64encode(f"{tenant.write_key}:".encode()).decode()
    headers = {"Authorization": f"Basic {key}", "Content-Type": "application/json"}
    for _ in range(2_000):
        try:
            response = await run.client.post(
                run.cluster.url("ingest") + path, content=content, headers=headers
            )
            if response.status_code < 300:
                return
            assert response.status_code in (429, 503), response.text
        except httpx.TransportError:
            pass
        result.retries += 1
        await asyncio.sleep(0.2)
    raise AssertionError(f"{path} was never acknowledged")


async def _account(
    run: Run, tenant: Tenant, plan: RoundPlan, sent: Counter[str], result: RoundResult
) -> None:
    headers = {"Authorization": f"Bearer {tenant.token}"}
    scoring, bridge = run.cluster.url("scoring"), run.cluster.url("bridge")
    applied: dict[str, int] = {}
    for _ in range(240):  # until every acknowledged event is applied, or two minutes
        for account in sent:
            response = await run.client.get(f"{scoring}/v1/accounts/{account}/health", headers=headers)  # fmt: skip
            applied[account] = response.json()["applied"]["events"] if response.status_code == 200 else 0  # fmt: skip
        if applied == dict(sent):
            break
        await asyncio.sleep(0.5)
    result.applied = sum(applied.values())
    result.lost = {a: sent[a] - applied[a] for a in sent if applied[a] < sent[a]}
    result.doubled = {a: applied[a] - sent[a] for a in sent if applied[a] > sent[a]}

    themed: Counter[str] = Counter()
    expected = {event_id(tenant.source_id, f"fb-{plan.seed}-{n}") for n in range(plan.feedback)}
    for _ in range(120):
        themed = await _themed_items(run, bridge, headers)
        if set(themed) >= expected:
            break
        await asyncio.sleep(0.5)
    result.feedback_unthemed = len(expected - set(themed))
    result.feedback_in_several_themes = sum(1 for item in expected if themed[item] > 1)

    records = await read_topic(run.cluster.bootstrap, run.cluster.topic_prefix, NUDGES)
    nudges: dict[str, set[str]] = defaultdict(set)
    for record in records:
        event = record.event
        if isinstance(event, NudgeSent) and event.workspace_id == tenant.workspace_id:
            nudges[event.idempotency_key].add(event.nudge_id)
    result.nudges_sent = sum(len(ids) for ids in nudges.values())
    result.nudge_keys_sent_twice = sum(1 for ids in nudges.values() if len(ids) > 1)


async def _themed_items(run: Run, bridge: str, headers: dict[str, str]) -> Counter[str]:
    """How many themes each feedback item is in (merged themes hand their items on)."""
    found: Counter[str] = Counter()
    offset: int | None = 0
    while offset is not None:
        listed = await run.client.get(f"{bridge}/v1/themes", params={"limit": 200, "offset": offset, "include_muted": "true"}, headers=headers)  # fmt: skip
        listed.raise_for_status()
        page = listed.json()
        for theme in page["themes"]:
            if theme.get("status") == "merged":
                continue
            detail = await run.client.get(f"{bridge}/v1/themes/{theme['theme_id']}", params={"items": 500}, headers=headers)  # fmt: skip
            detail.raise_for_status()
            found.update(item["feedback_id"] for item in detail.json()["items"])
        offset = page["next_offset"]
    return found


async def compare_with_replay(run: Run) -> list[str]:
    """Stop notify (its nudges are scoring input), let scoring settle, replay every topic into an
    empty database with a second scoring, and name every account whose aggregates differ."""
    run.cluster.services["notify"].stop()
    workspaces = [tenant.workspace_id for tenant in run.tenants]
    return await replay_differences(run.cluster, run.cluster.directory, workspaces)


def _now() -> str:
    return datetime.now(UTC).isoformat()
