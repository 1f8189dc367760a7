"""PII redaction: personal data is replaced by typed placeholders before anything is stored or sent.

The patterns run on NFKC-normalised text, so full-width digits and ＠ have already become ASCII.
Phone numbers are found by `phonenumbers` (Google's libphonenumber metadata), which knows which digit
strings are real numbers in Japan and elsewhere, so dates, versions and order numbers stay untouched.
Personal names in Japanese are found by a morphological pass (`names`), given as `person_names`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import parse_qsl, urlsplit

import phonenumbers


class PiiKind(StrEnum):
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    POSTAL_CODE = "POSTAL_CODE"
    URL = "URL"
    CARD = "CARD"
    PERSON = "PERSON"


@dataclass(frozen=True, slots=True)
class Redaction:
    text: str
    found: Counter[PiiKind] = field(default_factory=Counter)


def placeholder(kind: PiiKind) -> str:
    return f"[{kind.value}]"


_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'\u3000-\u30ff\u4e00-\u9fff\uff01-\uff5e]+", re.I)
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}\b"
)
# 13-19 digits, optionally grouped by single spaces or hyphens, not glued to other digits.
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
# 〒 (or 郵便番号) makes any NNN-NNNN or NNNNNNN a postal code; bare NNN-NNNN is one too, unless it is
# glued to more digits (then it is part of a phone number or an identifier). The label word is kept so
# the sentence still reads; the 〒 mark itself goes with the code.
_POSTAL = re.compile(
    r"(?P<label>郵便番号|postal code|zip(?: code)?)?(?(label)[:\s]*|〒\s?)\d{3}-?\d{4}(?!\d)"
    r"|(?<![\d-])\d{3}-\d{4}(?![\d-])",
    re.I,
)
# A cheap gate in front of the phone matcher: it only runs where at least 7 digits come close together.
_PHONE_CANDIDATE = re.compile(r"\d(?:[\s().+-]{0,3}\d){6,}")
_PHONE_REGIONS = ("JP", "US")

_SECRET_KEYS = re.compile(
    r"token|secret|passw|pwd|key|sig|auth|session|sess|code|otp|ticket|jwt|credential|nonce|hash",
    re.I,
)
# A long run of letters and digits mixed together looks like a generated secret (magic links,
# reset tokens in the path); words and plain ids do not.
_RANDOM_RUN = re.compile(r"(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}")


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _url_carries_secret(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return True  # unparseable: do not risk leaking it
    if parts.username or parts.password:
        return True
    for chunk in (parts.query, parts.fragment):
        for key, value in parse_qsl(chunk, keep_blank_values=True):
            if _SECRET_KEYS.search(key) or _RANDOM_RUN.search(value):
                return True
        if chunk and "=" not in chunk and _RANDOM_RUN.search(chunk):
            return True
    return bool(_RANDOM_RUN.search(parts.path))


def _sub(
    pattern: re.Pattern[str],
    text: str,
    kind: PiiKind,
    found: Counter[PiiKind],
    keep: Callable[[str], bool] = lambda _match: False,
) -> str:
    def replace(match: re.Match[str]) -> str:
        if keep(match.group(0)):
            return match.group(0)
        found[kind] += 1
        return placeholder(kind)

    return pattern.sub(replace, text)


def _phone_spans(text: str) -> Iterator[tuple[int, int]]:
    for region in _PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        ):
            yield match.start, match.end


def _redact_spans(
    text: str, spans: Iterable[tuple[int, int]], kind: PiiKind, found: Counter[PiiKind]
) -> str:
    pieces: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        pieces.append(text[cursor:start])
        pieces.append(placeholder(kind))
        found[kind] += 1
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _redact_phones(text: str, found: Counter[PiiKind]) -> str:
    if not _PHONE_CANDIDATE.search(text):
        return text
    # The same number may match in a second region: overlapping spans are dropped.
    return _redact_spans(text, set(_phone_spans(text)), PiiKind.PHONE, found)


def _redact_postal_codes(text: str, found: Counter[PiiKind]) -> str:
    def replace(match: re.Match[str]) -> str:
        found[PiiKind.POSTAL_CODE] += 1
        label = match.group("label")
        return (
            f"{label} {placeholder(PiiKind.POSTAL_CODE)}"
            if label
            else placeholder(PiiKind.POSTAL_CODE)
        )

    return _POSTAL.sub(replace, text)


def redact(
    text: str, *, person_names: Callable[[str], Iterable[tuple[int, int]]] | None = None
) -> Redaction:
    """Replace e-mail addresses, phone numbers, postal codes, secret-bearing URLs, card numbers and,
    with `person_names` (where names are in a text), personal names."""
    found: Counter[PiiKind] = Counter()
    text = _sub(_URL, text, PiiKind.URL, found, keep=lambda url: not _url_carries_secret(url))
    text = _sub(_EMAIL, text, PiiKind.EMAIL, found)
    text = _sub(
        _CARD,
        text,
        PiiKind.CARD,
        found,
        keep=lambda digits: not _luhn_valid(re.sub(r"\D", "", digits)),
    )
    text = _redact_phones(text, found)
    text = _redact_postal_codes(text, found)
    if person_names is not None:
        text = _redact_spans(text, person_names(text), PiiKind.PERSON, found)
    return Redaction(text=text, found=found)
