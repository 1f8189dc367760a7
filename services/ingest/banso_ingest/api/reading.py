"""Reading a request: the write key from HTTP Basic, the body within its size limit."""

from __future__ import annotations

import base64
import binascii

from fastapi import Request

from banso_ingest.api.errors import WriteKeyRefused
from banso_ingest.domain.rejections import InvalidRequest, Reason


def basic_username(authorization: str | None) -> str | None:
    """The write key Segment's libraries send as the Basic username (password empty)."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "basic":
        raise WriteKeyRefused("Authorization must be HTTP Basic with the write key as username")
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise WriteKeyRefused("the Basic credentials are not valid base64") from None
    username = decoded.partition(":")[0]
    return username or None


def request_weight(request: Request, max_bytes: int) -> int:
    """What admitting the request costs: its declared length, or the most it may be."""
    declared = request.headers.get("content-length")
    encoded = request.headers.get("content-encoding", "").strip().lower() not in ("", "identity")
    if declared is None or not declared.isdigit() or encoded:
        return max_bytes
    return min(int(declared), max_bytes + 1)


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The raw body, refused as soon as it exceeds `max_bytes` (never buffered past it)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(max_bytes: int) -> InvalidRequest:
    return InvalidRequest(
        Reason.REQUEST_TOO_LARGE, f"the request body exceeds the limit of {max_bytes} bytes"
    )
