"""A real SMTP server on loopback (aiosmtpd) that records what it accepts."""

from __future__ import annotations

import asyncio
import email
import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class SmtpSink:
    """Accepts every message (or answers ``reply`` instead, to simulate a failing server)."""

    received: list[Received] = field(default_factory=list)
    reply: str | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reply is not None:
            return self.reply
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        self.arrived.set()
        return "250 OK"

    async def wait_for(self, count: int, timeout_s: float = 30.0) -> None:
        async def enough() -> None:
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()

        await asyncio.wait_for(enough(), timeout_s)


async def start_sink(
    sink: SmtpSink, host: str = "127.0.0.1", port: int = 0
) -> tuple[asyncio.Server, int]:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, hostname="sink.local"), host, port)
    port = server.sockets[0].getsockname()[1]
    return server, int(port)
