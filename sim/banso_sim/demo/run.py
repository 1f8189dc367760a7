"""`banso-sim demo`: stand-ins up, services started with them, a workspace set up like a CS team
would, 90 days simulated through ingest, wait for the services to catch up, close the loop on one
ticket, then the report (text on stdout, HTML under `<data dir>/demo/`)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import httpx
import orjson

from banso_sim.console import ProgressLine
from banso_sim.demo import collect, configure, reaction
from banso_sim.demo.environment import (
    DEMO_USER,
    ServiceScript,
    ServicesFailed,
    Sinks,
    console_url,
    running_sinks,
    service_env,
    service_urls,
)
from banso_sim.demo.html import render_html
from banso_sim.demo.loop import close_the_loop
from banso_sim.demo.purity import TopicIndex
from banso_sim.demo.reaction import Planted
from banso_sim.demo.report import (
    DemoReport,
    HealthSection,
    LoopSection,
    NudgesSection,
    Simulation,
    ThemesSection,
)
from banso_sim.demo.text import render
from banso_sim.platform.api import ServiceApi
from banso_sim.platform.metrics import Progress, wait_caught_up
from banso_sim.platform.provision import ProvisionFailed, Tenant, provision
from banso_sim.run import simulate
from banso_sim.send.sender import Sender, SendOptions
from banso_sim.stream.feedback_plan import world_feedback
from banso_sim.stream.generate import generate
from banso_sim.world.build import build_world
from banso_sim.world.model import World, WorldConfig

S = TypeVar("S")


def _lag_line(readings: dict[str, Progress | None]) -> str:
    parts = []
    for name, reading in readings.items():
        if reading is None:
            parts.append(f"{name} –")
        elif reading.lag is None:
            parts.append(f"{name} {reading.processed:,.0f} applied")
        else:
            parts.append(f"{name} lag {reading.lag:,.0f}")
    return "  catching up: " + " · ".join(parts)


async def run_demo(args: argparse.Namespace, config: WorldConfig, options: SendOptions) -> int:
    root = Path(os.environ.get("BANSO_ROOT", Path.cwd()))
    if not (root / "scripts" / "services.sh").exists():
        sys.stderr.write("banso-sim demo: run it from the repository root (or `make demo`)\n")
        return 2
    data_dir = Path(os.environ.get("BANSO_DATA_DIR", ".data"))
    out_dir = (data_dir if data_dir.is_absolute() else root / data_dir) / "demo"
    line = ProgressLine()
    world = build_world(config)
    async with running_sinks() as sinks:
        env = service_env(sinks)
        script = ServiceScript(root, env)
        running = await asyncio.to_thread(script.running)
        if running:
            line.say(
                f"Restarting {', '.join(running)} with the demo's Jira, Slack and SMTP stand-ins"
            )
            await asyncio.to_thread(script.stop)
        line.say(f"Starting the services (logs in {out_dir.parent / 'logs'}) ...")
        try:
            line.say((await asyncio.to_thread(script.start)).rstrip())
        except ServicesFailed as failure:
            sys.stderr.write(f"banso-sim demo: the services did not start:\n{failure}\n")
            return 1
        try:
            return await _journey(args, config, options, world, sinks, env, line, out_dir, script)
        finally:
            if args.keep_running:
                line.say(
                    "The services and the console keep running (make stop stops them). "
                    "The demo's Jira, Slack and SMTP stand-ins stop with the demo."
                )
            else:
                line.say("Stopping the services ...")
                await asyncio.to_thread(script.stop)


async def _journey(
    args: argparse.Namespace,
    config: WorldConfig,
    options: SendOptions,
    world: World,
    sinks: Sinks,
    env: dict[str, str],
    line: ProgressLine,
    out_dir: Path,
    script: ServiceScript,
) -> int:
    try:
        tenant = await asyncio.to_thread(provision, "Sora Analytics (demo)", env=env)
    except ProvisionFailed as failure:
        sys.stderr.write(f"banso-sim demo: {failure}\n")
        return 1
    line.say(f"Workspace {tenant.workspace_id} with a write key and an admin token")
    try:
        password: str | None = await asyncio.to_thread(
            script.create_console_user, tenant.workspace_id
        )
        line.say(f"  ✓ console: {DEMO_USER}, an administrator of the workspace")
    except ServicesFailed as failure:
        password = None
        line.say(f"  – console: could not create {DEMO_USER} ({failure!s:.200})")
    # A CSM's morning: the CSM with the largest book signs in to "My accounts" in their language.
    csm, book = world.busiest_csm()
    try:
        csm_password: str | None = await asyncio.to_thread(
            script.create_console_user, tenant.workspace_id, csm.email, "editor", csm.locale
        )
        line.say(f"  ✓ console: {csm.email} ({csm.name}), a CSM")
    except ServicesFailed as failure:
        csm_password = None
        line.say(f"  – console: could not create {csm.email} ({failure!s:.200})")
    urls = service_urls(env)
    async with httpx.AsyncClient(timeout=30.0) as client:
        apis = {name: ServiceApi(name, url, tenant.token, client) for name, url in urls.items()}
        steps = [await configure.put_scorecard(apis["scoring"])]
        goals, unknown = await configure.put_goals(apis["scoring"], world)
        steps += [
            goals,
            await configure.put_policy(apis["notify"], sinks.slack_url),
            await configure.put_onboarding_playbook(apis["notify"]),
        ]
        for step in steps:
            mark = "✓" if step.ok else "–"
            line.say(
                f"  {mark} {step.service}: {step.what}"
                + (f" ({step.detail})" if step.detail else "")
            )
        line.say(
            f"Simulating {len(world.accounts)} accounts and {len(world.users):,} people over "
            f"{config.days} days, sent through ingest's /v1/batch:"
        )
        sent = await simulate(
            config,
            ingest_url=urls["ingest"],
            write_key=tenant.write_key,
            options=options,
            line=line,
        )
        if unknown:
            late_goals, _ = await configure.put_goals(apis["scoring"], world)
            steps[1] = late_goals
        downstream = {name: url for name, url in urls.items() if name != "ingest"}
        readings = await wait_caught_up(
            downstream,
            quiet_s=8.0,
            timeout_s=args.wait,
            report=lambda r: line.update(_lag_line(r)),
        )
        lagging = [n for n, r in readings.items() if r is not None and r.lag]
        line.done(
            _lag_line(readings).replace("catching up", "caught up" if not lagging else "behind")
        )
        health = await _guarded(
            "scoring", collect.collect_health(apis["scoring"], world), HealthSection
        )
        themes = await _guarded(
            "bridge", collect.collect_themes(apis["bridge"], sinks.jira), ThemesSection
        )
        if themes.available or sinks.jira.issues:
            line.say("Resolving the top ticket in Jira ...")
            loop = await _guarded(
                "bridge",
                close_the_loop(
                    apis["bridge"],
                    sinks.jira,
                    sinks.smtp,
                    sinks.jira_webhook_secret,
                    tenant.workspace_id,
                    themes.themes,
                ),
                LoopSection,
            )
        else:
            loop = LoopSection(False, themes.note or "no ticket was created")
        labels = TopicIndex.of(world_feedback(config, world))
        themes = await _guarded(
            "bridge", collect.collect_themes(apis["bridge"], sinks.jira, labels), ThemesSection
        )
        # last: the reactions change what scoring sees (people come back), and the report's
        # health is the replayed 90 days'
        planted = await _guarded_reaction(apis["notify"], world, urls, tenant, options, line)
        nudges = await _guarded(
            "notify", collect.collect_nudges(apis["notify"], sinks.smtp, sinks.slack), NudgesSection
        )
        nudges.planted = planted
    report = DemoReport(
        generated_at=datetime.now(UTC),
        workspace_id=tenant.workspace_id,
        simulation=Simulation(
            accounts=len(world.accounts),
            users=len(world.users),
            days=config.days,
            start=config.start,
            end=config.now,
            by_topic=dict(sent.by_topic),
            acknowledged=sent.acknowledged,
            seconds=sent.elapsed_s,
            stories=Counter(account.archetype.value for account in world.accounts),
        ),
        setup=[(s.service, s.what, s.ok, s.detail) for s in steps],
        health=health,
        themes=themes,
        nudges=nudges,
        loop=loop,
        caught_up=not lagging,
        lagging=lagging,
    )
    html_path = await asyncio.to_thread(_write_html, out_dir, render_html(report))
    await asyncio.to_thread(_write_uplift, out_dir, nudges)
    sys.stdout.write("\n" + render(report, str(html_path)))
    if args.keep_running and password is not None:
        sys.stdout.write(
            f"\nConsole: {console_url(env)}/w/{tenant.workspace_id}/accounts"
            f" — sign in as {DEMO_USER} / {password}\n"
        )
        if csm_password is not None:
            sys.stdout.write(
                f"A CSM's morning: {console_url(env)}/w/{tenant.workspace_id}/accounts"
                f"?csm={quote(csm.email)} — sign in as {csm.email} / {csm_password}"
                f" ({csm.name}, {book} accounts)\n"
            )
    sys.stdout.flush()
    return 0


async def _guarded_reaction(
    notify: ServiceApi,
    world: World,
    urls: dict[str, str],
    tenant: Tenant,
    options: SendOptions,
    line: ProgressLine,
) -> dict[str, Planted]:
    """Nudged accounts act on their playbook's goal (see reaction.py); {} when notify has
    nothing to read yet."""
    try:
        planted, sent = await react(notify, world, urls["ingest"], tenant.write_key, options)
    except (httpx.HTTPError, ValueError, KeyError) as error:
        line.say(f"  – notify: could not read who was enrolled ({error!r:.200})")
        return {}
    if sent:
        line.say(
            f"Customers react to their nudges: {sent:,} goal events in their goal windows "
            f"(planted: a nudge makes {reaction.LIFT:.0%} of accounts act)"
        )
        await wait_caught_up({"notify": urls["notify"]}, quiet_s=5.0, timeout_s=300.0)
    return planted


async def react(
    notify: ServiceApi, world: World, ingest_url: str, write_key: str, options: SendOptions
) -> tuple[dict[str, Planted], int]:
    """Read every goal playbook's enrolments from notify, send the goal events the nudged
    accounts do in event time (dated inside their windows), return what was planted and how
    many events were sent."""
    if not await notify.offers("/v1/playbooks/{playbook_id}/enrolments"):
        return {}, 0
    enrolled: list[reaction.Enrolled] = []
    for playbook_id in reaction.goal_playbooks(await notify.get("/v1/playbooks")):
        offset = 0
        while True:
            page = await notify.get(
                f"/v1/playbooks/{playbook_id}/enrolments", limit=1000, offset=offset
            )
            enrolled += reaction.enrolled_from(playbook_id, page)
            if len(page) < 1000:
                break
            offset += len(page)
    natural = reaction.NaturalGoals(generate(world))
    messages, planted = reaction.plan_reactions(enrolled, natural, world)
    if messages:
        async with Sender(ingest_url, write_key, options) as sender:
            await sender.send(messages)
    return planted, len(messages)


async def _guarded(service: str, reading: Awaitable[S], unavailable: Callable[[bool, str], S]) -> S:
    """A report section, or the section saying plainly why the service could not give it."""
    try:
        return await reading
    except httpx.HTTPStatusError as error:
        status = error.response.status_code
        return unavailable(False, f"{service}: {error.request.url.path} answered {status}")
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
        return unavailable(False, f"{service}: could not be read ({error!r:.200})")


def _write_uplift(directory: Path, nudges: NudgesSection) -> None:
    """`uplift.json`: per playbook, what the simulation planted beside what notify measured."""
    measured = {row.playbook_id: row for row in nudges.playbooks}
    planted = reaction.as_json(nudges.planted)
    data = {
        playbook_id: {
            "planted": entry,
            "measured": getattr(measured.get(playbook_id), "uplift", None),
            "ci95": [
                getattr(measured.get(playbook_id), "ci_low", None),
                getattr(measured.get(playbook_id), "ci_high", None),
            ],
        }
        for playbook_id, entry in planted.items()
    }
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "uplift.json").write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))


def _write_html(directory: Path, page: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
