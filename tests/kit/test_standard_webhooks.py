"""Standard Webhooks signing and verification against the specification's published test vectors.

The vector (secret, message id, timestamp, payload and the expected signature) is the one the
official libraries test against: standard-webhooks/standard-webhooks,
libraries/python/tests/test_webhooks.py (`test_sign_function`) and libraries/go/webhook_test.go
(`TestWebhookSign`); the wrong and multi-signature headers come from the same files.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from banso_kit.standard_webhooks import (
    DEFAULT_TOLERANCE_S,
    WebhookVerificationError,
    is_verified,
    parse_secrets,
    sign,
    signed_headers,
    signing_key,
    verify,
)

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
PAYLOAD = b'{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
# Same length, last character changed: the official tests' "invalid signature".
WRONG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="
# Signatures the official multi-signature test puts around the valid one.
OTHERS = (
    "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
    "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
)
OTHER_SECRET = "whsec_" + base64.b64encode(b"another key of twenty-four bytes").decode()


def _headers(signature: str, *, timestamp: int = TIMESTAMP) -> dict[str, str]:
    return {
        "webhook-id": MSG_ID,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


def test_signing_reproduces_the_published_vector() -> None:
    assert sign(SECRET, MSG_ID, TIMESTAMP, PAYLOAD) == EXPECTED
    headers = signed_headers(SECRET, MSG_ID, TIMESTAMP, PAYLOAD)
    assert headers == _headers(EXPECTED)


def test_a_whsec_secret_is_its_base64_bytes_and_a_plain_one_its_utf8_bytes() -> None:
    assert signing_key(SECRET) == base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    assert signing_key("plain-secret") == b"plain-secret"
    plain = sign("plain-secret", MSG_ID, TIMESTAMP, PAYLOAD)
    digest = hmac.new(b"plain-secret", f"{MSG_ID}.{TIMESTAMP}.".encode() + PAYLOAD, hashlib.sha256)
    assert plain == "v1," + base64.b64encode(digest.digest()).decode()
    assert plain != EXPECTED


@pytest.mark.parametrize(
    ("secret", "reason"),
    [("", "empty"), ("whsec_", "no key"), ("whsec_not base64!", "base64"), ("whsec_abc", "base64")],
)
def test_malformed_secrets_are_refused_with_a_reason(secret: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        signing_key(secret)
    with pytest.raises(ValueError, match=reason):
        parse_secrets(secret or "   ")


def test_the_published_vector_verifies_within_the_tolerance() -> None:
    verify(SECRET, _headers(EXPECTED), PAYLOAD, now=TIMESTAMP)
    verify(SECRET, _headers(EXPECTED), PAYLOAD, now=TIMESTAMP + DEFAULT_TOLERANCE_S)
    verify(SECRET, _headers(EXPECTED), PAYLOAD, now=TIMESTAMP - DEFAULT_TOLERANCE_S)
    # Header names are case-insensitive in HTTP.
    upper = {name.upper(): value for name, value in _headers(EXPECTED).items()}
    assert is_verified(SECRET, upper, PAYLOAD, now=TIMESTAMP)


@pytest.mark.parametrize("now", [TIMESTAMP + DEFAULT_TOLERANCE_S + 1, TIMESTAMP - 301])
def test_too_old_or_too_new_deliveries_are_refused(now: float) -> None:
    with pytest.raises(WebhookVerificationError, match="tolerated window"):
        verify(SECRET, _headers(EXPECTED), PAYLOAD, now=now)
    assert is_verified(SECRET, _headers(EXPECTED), PAYLOAD, now=now, tolerance_s=3600)


def test_wrong_signature_body_id_or_secret_is_refused() -> None:
    assert not is_verified(SECRET, _headers(WRONG), PAYLOAD, now=TIMESTAMP)
    assert not is_verified(SECRET, _headers(EXPECTED), PAYLOAD + b" ", now=TIMESTAMP)
    assert not is_verified(
        SECRET, {**_headers(EXPECTED), "webhook-id": "msg_other"}, PAYLOAD, now=TIMESTAMP
    )
    assert not is_verified(OTHER_SECRET, _headers(EXPECTED), PAYLOAD, now=TIMESTAMP)
    # The bare signature without its version, or another version's, is no v1 signature.
    assert not is_verified(SECRET, _headers(EXPECTED[3:]), PAYLOAD, now=TIMESTAMP)
    assert not is_verified(SECRET, _headers("v2" + EXPECTED[2:]), PAYLOAD, now=TIMESTAMP)
    # Non-ASCII garbage is refused, not an exception from the comparison.
    assert not is_verified(SECRET, _headers("v1,äöü"), PAYLOAD, now=TIMESTAMP)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_is_refused(missing: str) -> None:
    headers = _headers(EXPECTED)
    del headers[missing]
    with pytest.raises(WebhookVerificationError, match="missing"):
        verify(SECRET, headers, PAYLOAD, now=TIMESTAMP)


@pytest.mark.parametrize("timestamp", ["hello", "-1614265330", "1614265330.5", "１６１４"])
def test_a_timestamp_that_is_not_unix_seconds_is_refused(timestamp: str) -> None:
    headers = {**_headers(EXPECTED), "webhook-timestamp": timestamp}
    with pytest.raises(WebhookVerificationError, match="Unix seconds"):
        verify(SECRET, headers, PAYLOAD, now=TIMESTAMP)


def test_several_signatures_in_one_header_any_one_valid_is_enough() -> None:
    header = " ".join([OTHERS[0], OTHERS[1], EXPECTED, OTHERS[0]])
    verify(SECRET, _headers(header), PAYLOAD, now=TIMESTAMP)
    assert not is_verified(SECRET, _headers(" ".join(OTHERS)), PAYLOAD, now=TIMESTAMP)


def test_rotation_signs_with_both_secrets_and_either_receiver_accepts() -> None:
    rotating = f"{OTHER_SECRET} {SECRET}"
    headers = signed_headers(rotating, MSG_ID, TIMESTAMP, PAYLOAD)
    signatures = headers["webhook-signature"].split(" ")
    assert len(signatures) == 2
    assert EXPECTED in signatures
    # A receiver still on the old secret, one already on the new, and one holding both.
    verify(SECRET, headers, PAYLOAD, now=TIMESTAMP)
    verify(OTHER_SECRET, headers, PAYLOAD, now=TIMESTAMP)
    verify(rotating, _headers(EXPECTED), PAYLOAD, now=TIMESTAMP)
    verify([OTHER_SECRET, SECRET], _headers(EXPECTED), PAYLOAD, now=TIMESTAMP)


def test_a_receiver_without_a_usable_secret_refuses_everything() -> None:
    with pytest.raises(WebhookVerificationError, match="no usable secret"):
        verify("", _headers(EXPECTED), PAYLOAD, now=TIMESTAMP)
    assert not is_verified("whsec_!!", _headers(EXPECTED), PAYLOAD, now=TIMESTAMP)
