"""The notify service: app factory and lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TypedDict

import httpx
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from banso_contracts.topics import ACCOUNT_TRAITS, HEALTH, TICKETS, USAGE, USER_TRAITS
from banso_kit.app import service_app
from banso_kit.clock import Clock
from banso_kit.event_time import service_clock, service_watermarks
from banso_kit.logging import configure_logging
from banso_kit.openapi import TOKEN_ERRORS, errors
from banso_kit.runtime import Runtime
from banso_notify.adapters.channels.base import Sender
from banso_notify.adapters.channels.slack import SlackSender
from banso_notify.adapters.channels.smtp import SmtpSender
from banso_notify.adapters.channels.webhook import WebhookSender
from banso_notify.api import admin, inapp, playbooks, reports, tryout, unsubscribe
from banso_notify.api.deps import Notify
from banso_notify.config import NotifySettings
from banso_notify.consumers.handler import NotifyHandler
from banso_notify.domain.facts import Channel
from banso_notify.metrics import NotifyMetrics
from banso_notify.models import KIT
from banso_notify.service.catalog import Catalog
from banso_notify.service.dispatcher import Dispatcher, RetryPolicy
from banso_notify.service.planner import Planner
from banso_notify.service.rendering import MessageBuilder
from banso_notify.service.scheduler import Scheduler

CONSUMED = (USAGE, USER_TRAITS, ACCOUNT_TRAITS, HEALTH, TICKETS)


class State(TypedDict):
    settings: NotifySettings
    runtime: Runtime
    notify: Notify


def create_app(settings: NotifySettings, *, clock: Clock | None = None) -> FastAPI:
    registry = CollectorRegistry()
    # The clock BANSO_CLOCK selects (the wall clock, or the watermark of what the consumers
    # applied); tests and simulations may pass their own.
    watermarks = service_watermarks(settings)
    the_clock: Clock = clock or service_clock(settings, watermarks)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[State]:
        async with Runtime(
            settings, tables=KIT, registry=registry, watermarks=watermarks
        ) as runtime:
            metrics = NotifyMetrics(registry)
            catalog = Catalog(ttl_s=settings.catalog_ttl_s)
            http = httpx.AsyncClient(timeout=settings.http_timeout_s)
            smtp = SmtpSender(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.email_from,
                username=settings.smtp_username,
                password=settings.smtp_password,
                use_tls=settings.smtp_security == "tls",
                start_tls=settings.smtp_security == "starttls",
                timeout_s=settings.smtp_timeout_s,
                connections=settings.smtp_connections,
            )
            senders: dict[Channel, Sender] = {
                Channel.EMAIL: smtp,
                Channel.WEBHOOK: WebhookSender(http),
                Channel.SLACK: SlackSender(http),
            }
            builder = MessageBuilder(
                secret=settings.secret,
                public_url=settings.public_url,
                message_id_domain=settings.message_id_domain,
            )
            dispatcher = Dispatcher(
                db=runtime.db,
                outbox=runtime.outbox,
                relay=runtime.relay,
                catalog=catalog,
                builder=builder,
                senders=senders,
                clock=the_clock,
                metrics=metrics,
                retry=RetryPolicy(
                    max_attempts=settings.max_attempts,
                    base_delay_s=settings.retry_base_s,
                    max_delay_s=settings.retry_max_s,
                ),
                concurrency=settings.send_concurrency,
                poll_interval_s=settings.dispatch_poll_s,
                fault_point=settings.fault_point,
            )
            await dispatcher.recover()
            planner = Planner(runtime.outbox)
            runtime.add_consumer(
                group_id="notify",
                topics=CONSUMED,
                handler=NotifyHandler(
                    outbox=runtime.outbox,
                    catalog=catalog,
                    planner=planner,
                    clock=the_clock,
                    metrics=metrics,
                    wake_dispatcher=dispatcher.wake,
                    max_clock_skew=timedelta(seconds=settings.max_clock_skew_s),
                ),
            )
            scheduler = Scheduler(
                db=runtime.db,
                outbox=runtime.outbox,
                relay=runtime.relay,
                catalog=catalog,
                planner=planner,
                clock=the_clock,
                wake_dispatcher=dispatcher.wake,
                interval_s=settings.scheduler_interval_s,
                metrics=metrics,
                held_gauge_s=settings.held_gauge_s,
            )
            tasks = [
                asyncio.create_task(dispatcher.run(), name="notify-dispatcher"),
                asyncio.create_task(scheduler.run(), name="notify-scheduler"),
            ]
            notify = Notify(
                settings=settings,
                catalog=catalog,
                builder=builder,
                dispatcher=dispatcher,
                scheduler=scheduler,
                clock=the_clock,
                senders=senders,
            )
            try:
                yield {"settings": settings, "runtime": runtime, "notify": notify}
            finally:
                scheduler.request_stop()
                dispatcher.request_stop()
                await asyncio.gather(*tasks, return_exceptions=True)
                await smtp.close()
                await http.aclose()

    app = service_app(
        service="notify",
        title="Bansō notify",
        description="Tech-touch playbooks: the right nudge to the right person at the right time.",
        version="0.1.0",
        lifespan=lifespan,
        registry=registry,
    )
    for module in (playbooks, tryout, inapp, admin):
        app.include_router(module.router, responses=TOKEN_ERRORS)
    app.include_router(reports.router, responses={**TOKEN_ERRORS, **errors(404)})
    app.include_router(reports.every_playbook, responses=TOKEN_ERRORS)
    app.include_router(unsubscribe.router)
    return app


def create_app_from_env() -> FastAPI:
    """Entry for uvicorn workers: settings from the environment."""
    settings = NotifySettings()
    configure_logging("notify", settings.log_level)
    return create_app(settings)
