"""Dependencies of notify's routes: the notify components built by the lifespan."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from banso_kit.clock import Clock
from banso_notify.adapters.channels.base import Sender
from banso_notify.config import NotifySettings
from banso_notify.domain.facts import Channel
from banso_notify.service.catalog import Catalog
from banso_notify.service.dispatcher import Dispatcher
from banso_notify.service.rendering import MessageBuilder
from banso_notify.service.scheduler import Scheduler


@dataclass(frozen=True)
class Notify:
    """What the lifespan built for the routes, beside the kit's runtime."""

    settings: NotifySettings
    catalog: Catalog
    builder: MessageBuilder
    dispatcher: Dispatcher
    scheduler: Scheduler
    clock: Clock
    #: the delivery channels (test sends use them directly, outside the dispatcher)
    senders: Mapping[Channel, Sender]


def get_notify(request: Request) -> Notify:
    notify: Notify = request.state.notify
    return notify


NotifyDep = Annotated[Notify, Depends(get_notify)]
