"""Standard Webhooks (https://www.standardwebhooks.com/, specification 1.0.0), symmetric scheme.

A webhook carries three headers: ``webhook-id`` (the same on every retry of one event, so the
receiver can drop repeats), ``webhook-timestamp`` (Unix seconds of this attempt) and
``webhook-signature``: ``v1,`` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).

Secrets are written ``whsec_<base64>`` (the specification's form; the key is the decoded bytes).
Any other string is used as its UTF-8 bytes, and a receiver must then use the same bytes.
While a secret is rotated, a setting holds several secrets separated by spaces: the sender signs
with each (several space-separated signatures in one header) and the receiver accepts any of them.
The receiver also refuses attempts whose timestamp is further than a tolerance (default five
minutes) from its clock, so a captured delivery cannot be replayed later.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping, Sequence

SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
#: seconds a delivery's timestamp may differ from the receiver's clock
DEFAULT_TOLERANCE_S = 300.0
HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"


class WebhookVerificationError(Exception):
    """A delivery that must not be trusted; the message says why (never which secret)."""


def signing_key(secret: str) -> bytes:
    """The HMAC key a secret stands for; ValueError for an empty or malformed ``whsec_`` one."""
    if not secret:
        raise ValueError("the webhook secret is empty")
    if not secret.startswith(SECRET_PREFIX):
        return secret.encode()
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error:
        raise ValueError("a whsec_ secret must be base64 after the prefix") from None
    if not key:
        raise ValueError("the whsec_ secret has no key after the prefix")
    return key


def parse_secrets(value: str | Sequence[str]) -> tuple[str, ...]:
    """One secret, or several separated by spaces (rotation); each one checked."""
    secrets = tuple(value.split()) if isinstance(value, str) else tuple(value)
    if not secrets:
        raise ValueError("the webhook secret is empty")
    for secret in secrets:
        signing_key(secret)
    return secrets


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64>`` signature of a delivery."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION}," + base64.b64encode(digest).decode()


def signed_headers(
    secrets: str | Sequence[str], webhook_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three Standard Webhooks headers, signed with every secret given."""
    signatures = [sign(secret, webhook_id, timestamp, body) for secret in parse_secrets(secrets)]
    return {
        HEADER_ID: webhook_id,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_SIGNATURE: " ".join(signatures),
    }


def verify(
    secrets: str | Sequence[str],
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> None:
    """Accept a delivery signed with any of `secrets`, or raise WebhookVerificationError."""
    lowered = {name.lower(): value for name, value in headers.items()}
    webhook_id = lowered.get(HEADER_ID)
    timestamp = lowered.get(HEADER_TIMESTAMP)
    offered = lowered.get(HEADER_SIGNATURE)
    if not webhook_id or not timestamp or not offered:
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    if not timestamp.isascii() or not timestamp.isdigit():
        raise WebhookVerificationError("webhook-timestamp is not Unix seconds")
    if abs(now - int(timestamp)) > tolerance_s:
        raise WebhookVerificationError("webhook-timestamp is outside the tolerated window")
    try:
        keys = parse_secrets(secrets)
    except ValueError as exc:
        raise WebhookVerificationError(f"no usable secret to verify with: {exc}") from None
    # Compared as bytes: compare_digest refuses non-ASCII str, and headers may carry anything.
    candidates = [candidate.encode() for candidate in offered.split(" ") if candidate]
    expected = [sign(secret, webhook_id, int(timestamp), body).encode() for secret in keys]
    matched = False
    for want in expected:
        for candidate in candidates:
            # Every pair is compared (no early exit), so timing does not tell which matched.
            matched |= hmac.compare_digest(want, candidate)
    if not matched:
        raise WebhookVerificationError("no webhook-signature matches")


def is_verified(
    secrets: str | Sequence[str],
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> bool:
    """`verify` as a yes/no answer."""
    try:
        verify(secrets, headers, body, now=now, tolerance_s=tolerance_s)
    except WebhookVerificationError:
        return False
    return True
