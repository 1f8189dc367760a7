"""Words a person reads, in their language: a playbook's name and description.

A text is either one string (a customer's playbook in its author's words, any language) or a
mapping of supported locale → text (the built-in playbooks give ``en`` and ``ja``). A reader gets
their locale's text, else English, else the first one given.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Discriminator, Field, Tag
from pydantic_core import PydanticCustomError

#: the languages the product's words exist in (and a playbook's name and description may)
SUPPORTED_LOCALES = ("en", "ja")
FALLBACK_LOCALE = "en"
MAX_NAME = 200

#: the union's member tags, which error paths leave out (``name.fr``, not ``name.by_locale.fr``)
TEXT_TAGS = frozenset({"text", "by_locale"})


def _supported(locale: str) -> str:
    if locale not in SUPPORTED_LOCALES:
        raise PydanticCustomError(
            "unsupported_locale",
            "unsupported locale '{locale}': give the text in {supported}, or as one string",
            {"locale": locale, "supported": ", ".join(SUPPORTED_LOCALES)},
        )
    return locale


Locale = Annotated[str, AfterValidator(_supported)]


def _member(value: Any) -> str:
    return "by_locale" if isinstance(value, dict) else "text"


Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
Description = Annotated[str, Field(min_length=1)]

#: a name: one string, or ``{en: ..., ja: ...}``; each non-empty, at most 200 characters
LocalizedName = Annotated[
    Annotated[Name, Tag("text")]
    | Annotated[dict[Locale, Name], Tag("by_locale"), Field(min_length=1)],
    Discriminator(_member),
]
#: a description: one string (empty when none), or ``{en: ..., ja: ...}``, each non-empty
LocalizedDescription = Annotated[
    Annotated[str, Tag("text")]
    | Annotated[dict[Locale, Description], Tag("by_locale"), Field(min_length=1)],
    Discriminator(_member),
]


def text_in(value: str | dict[str, str], locale: str | None) -> str:
    """The text for a reader of ``locale`` (``ja-JP`` reads ``ja``): that locale's, else
    English, else the first given; a single string whatever the locale."""
    if isinstance(value, str):
        return value
    language = (locale or "").replace("_", "-").split("-")[0].casefold()
    if language in value:
        return value[language]
    if FALLBACK_LOCALE in value:
        return value[FALLBACK_LOCALE]
    return next(iter(value.values()), "")


def by_locale(value: str | dict[str, str]) -> dict[str, str]:
    """Each supported locale's text: a single string is the same in every locale."""
    return {locale: text_in(value, locale) for locale in SUPPORTED_LOCALES}
