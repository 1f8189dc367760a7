"""An SMTP server on loopback (aiosmtpd) that accepts every message and keeps it for inspection."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP


@dataclass(frozen=True, slots=True)
class Mail:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    @property
    def message_id(self) -> str:
        return str(self.message.get("Message-ID", ""))

    @property
    def text(self) -> str:
        """The plain-text body (the first text/plain part)."""
        part = self.message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        content = part.get_content()
        return content if isinstance(content, str) else ""


@dataclass
class SmtpSink:
    """What the relay accepted, in arrival order."""

    mails: list[Mail] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    # aiosmtpd's hook name
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.mails.append(Mail(str(envelope.mail_from), tuple(envelope.rcpt_tos), parsed))
        self._arrived.set()
        return "250 OK"

    def to(self, address: str) -> list[Mail]:
        return [mail for mail in self.mails if address in mail.rcpt_tos]

    async def wait_for(self, count: int, timeout_s: float) -> bool:
        """True once `count` mails arrived; False when `timeout_s` passed first."""

        async def enough() -> None:
            while len(self.mails) < count:
                self._arrived.clear()
                await self._arrived.wait()

        try:
            await asyncio.wait_for(enough(), timeout_s)
        except TimeoutError:
            return False
        return True


@contextlib.asynccontextmanager
async def serve_smtp(sink: SmtpSink, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[int]:
    """Serve `sink` on `host:port` (0: a free port); yields the port."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, hostname="sink.banso.local"), host, port)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()
