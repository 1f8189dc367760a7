"""Request bytes: content type, gzip, size limits and JSON errors."""

from __future__ import annotations

import gzip

import pytest

from banso_ingest.domain.body import check_content_type, decode_body, parse_json
from banso_ingest.domain.rejections import InvalidRequest, Reason

LIMIT = 500 * 1024


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "text/plain;charset=UTF-8",
        "application/vnd.api+json",
        "Application/JSON",
    ],
)
def test_json_media_types_are_accepted(content_type: str) -> None:
    check_content_type(content_type)


@pytest.mark.parametrize(
    "content_type", [None, "", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_other_media_types_are_refused(content_type: str | None) -> None:
    with pytest.raises(InvalidRequest) as caught:
        check_content_type(content_type)
    assert caught.value.reason is Reason.UNSUPPORTED_MEDIA_TYPE


def test_gzip_bodies_are_inflated() -> None:
    payload = b'{"batch": []}'
    assert decode_body(gzip.compress(payload), "gzip", max_bytes=LIMIT) == payload


def test_concatenated_gzip_members_are_all_inflated() -> None:
    raw = gzip.compress(b'{"a":') + gzip.compress(b"1}")
    assert decode_body(raw, "gzip", max_bytes=LIMIT) == b'{"a":1}'


def test_a_gzip_bomb_is_refused_once_it_passes_the_limit() -> None:
    bomb = gzip.compress(b" " * (50 * 1024 * 1024))
    assert len(bomb) < LIMIT
    with pytest.raises(InvalidRequest) as caught:
        decode_body(bomb, "gzip", max_bytes=LIMIT)
    assert caught.value.reason is Reason.REQUEST_TOO_LARGE


def test_a_body_of_exactly_the_limit_passes_and_one_byte_more_does_not() -> None:
    assert len(decode_body(b"x" * LIMIT, None, max_bytes=LIMIT)) == LIMIT
    assert len(decode_body(gzip.compress(b"x" * LIMIT), "gzip", max_bytes=LIMIT)) == LIMIT
    for raw, encoding in ((b"x" * (LIMIT + 1), None), (gzip.compress(b"x" * (LIMIT + 1)), "gzip")):
        with pytest.raises(InvalidRequest) as caught:
            decode_body(raw, encoding, max_bytes=LIMIT)
        assert caught.value.reason is Reason.REQUEST_TOO_LARGE


@pytest.mark.parametrize("raw", [b"not gzip at all", gzip.compress(b'{"a": 1}')[:-12]])
def test_broken_gzip_is_refused(raw: bytes) -> None:
    with pytest.raises(InvalidRequest) as caught:
        decode_body(raw, "gzip", max_bytes=LIMIT)
    assert caught.value.reason is Reason.INVALID_GZIP


def test_unknown_encodings_are_refused() -> None:
    with pytest.raises(InvalidRequest) as caught:
        decode_body(b"{}", "br", max_bytes=LIMIT)
    assert caught.value.reason is Reason.UNSUPPORTED_ENCODING


@pytest.mark.parametrize("raw", [b"", b"   ", b'{"batch": [', b"{'single': 'quotes'}", b"NaN"])
def test_invalid_json_is_refused_with_where_it_broke(raw: bytes) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_json(raw)
    assert caught.value.reason is Reason.INVALID_JSON
    assert caught.value.message
