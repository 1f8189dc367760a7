"""From request bytes to JSON: content type, gzip, size limits and parsing.

Pure functions over bytes, so the API layer stays a thin adapter and every bad-input case is unit
tested here.
"""

from __future__ import annotations

import zlib
from typing import Any

import orjson

from banso_ingest.domain.rejections import InvalidRequest, Reason

# Browsers' navigator.sendBeacon (analytics.js, rudder-sdk-js) posts JSON as text/plain to avoid a
# CORS preflight, so that media type is read as JSON too.
_JSON_MEDIA_TYPES = frozenset({"application/json", "text/plain"})
_GZIP = frozenset({"gzip", "x-gzip"})
_IDENTITY = frozenset({"", "identity"})


def check_content_type(content_type: str | None) -> None:
    """Refuse anything that does not say it is JSON (parameters such as charset are fine)."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type in _JSON_MEDIA_TYPES or (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        return
    shown = media_type or "none"
    raise InvalidRequest(
        Reason.UNSUPPORTED_MEDIA_TYPE,
        f"Content-Type must be application/json, got {shown}",
    )


def decode_body(raw: bytes, content_encoding: str | None, *, max_bytes: int) -> bytes:
    """The request body as plain bytes, refusing it once it would exceed `max_bytes`.

    A gzip body is inflated incrementally with a cap, so a small bomb never becomes a large buffer.
    """
    encoding = (content_encoding or "").strip().lower()
    if encoding in _IDENTITY:
        _check_size(len(raw), max_bytes)
        return raw
    if encoding not in _GZIP:
        raise InvalidRequest(
            Reason.UNSUPPORTED_ENCODING,
            f"Content-Encoding {encoding!r} is not supported; send gzip or no encoding",
        )
    _check_size(len(raw), max_bytes)
    return _gunzip(raw, max_bytes=max_bytes)


def parse_json(body: bytes) -> Any:
    """The JSON value of the body, or `InvalidRequest(invalid_json)` saying where it broke."""
    if not body.strip():
        raise InvalidRequest(Reason.INVALID_JSON, "the request body is empty")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise InvalidRequest(Reason.INVALID_JSON, f"the body is not valid JSON: {error}") from None


def _gunzip(raw: bytes, *, max_bytes: int) -> bytes:
    out = bytearray()
    pending = raw
    try:
        # gzip files may hold several members back to back; each needs a fresh decompressor.
        while pending:
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            out += inflater.decompress(pending, max_bytes + 1 - len(out))
            if len(out) > max_bytes or inflater.unconsumed_tail:
                _check_size(max_bytes + 1, max_bytes)
            if not inflater.eof:
                raise InvalidRequest(Reason.INVALID_GZIP, "the gzip body is truncated")
            pending = inflater.unused_data
    except zlib.error as error:
        raise InvalidRequest(Reason.INVALID_GZIP, f"the body is not valid gzip: {error}") from None
    return bytes(out)


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise InvalidRequest(
            Reason.REQUEST_TOO_LARGE,
            f"the request body exceeds the limit of {max_bytes} bytes",
        )
