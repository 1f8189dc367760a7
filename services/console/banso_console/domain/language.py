"""Which language a person reads: their saved choice, else their browser's, else English."""

from __future__ import annotations

from babel import Locale

SUPPORTED = ("en", "ja")
DEFAULT = "en"


def from_accept_language(header: str | None) -> str:
    """The best supported language in an Accept-Language header (RFC 9110 q-values)."""
    if not header:
        return DEFAULT
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, index, tag.strip().replace("-", "_")))
    preferred = [tag for _, _, tag in sorted(weighted)]
    chosen = Locale.negotiate(preferred, list(SUPPORTED), sep="_")
    return str(chosen) if chosen is not None else DEFAULT


def choose(saved: str | None, accept_language: str | None) -> str:
    if saved in SUPPORTED:
        return saved
    return from_accept_language(accept_language)
