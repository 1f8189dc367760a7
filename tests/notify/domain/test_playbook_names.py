"""A playbook's name and description: one string in its author's words, or one text per
supported locale (en, ja), each reader getting their own language."""

from __future__ import annotations

import pytest

from banso_notify.builtin import builtin_playbooks
from banso_notify.domain.errors import PlaybookInvalid
from banso_notify.domain.localized_text import SUPPORTED_LOCALES, by_locale
from banso_notify.domain.playbook import parse_playbook, playbook_to_yaml

BOOK = """
id: welcome
{texts}
trigger: {{type: usage_event, event: Signed Up}}
steps:
  - send: {{channel: in_app, template: hello}}
templates:
  hello:
    en: {{subject: "Hello", text: "Welcome aboard."}}
"""

BOTH = """
name:
  en: Welcome new users
  ja: 新規ユーザーへのご挨拶
description:
  en: Says hello on sign-up.
  ja: 登録時にご挨拶します。
"""


def problems(texts: str) -> dict[str, tuple[str, str | None]]:
    with pytest.raises(PlaybookInvalid) as caught:
        parse_playbook(BOOK.format(texts=texts))
    return {error.field: (error.message, error.code) for error in caught.value.errors}


def test_a_name_in_one_string_reads_the_same_in_every_language() -> None:
    book = parse_playbook(BOOK.format(texts="name: Bienvenue\ndescription: Dit bonjour."))

    assert book.name_in("ja") == book.name_in("en") == "Bienvenue"
    assert book.description_in("ja") == "Dit bonjour."
    assert by_locale(book.name) == {"en": "Bienvenue", "ja": "Bienvenue"}


def test_a_name_per_locale_reads_in_the_readers_language() -> None:
    book = parse_playbook(BOOK.format(texts=BOTH))

    assert book.name_in("ja") == "新規ユーザーへのご挨拶"
    assert book.name_in("ja-JP") == "新規ユーザーへのご挨拶"
    assert book.name_in("en") == "Welcome new users"
    assert book.description_in("ja") == "登録時にご挨拶します。"
    assert book.description_in("en") == "Says hello on sign-up."


def test_a_missing_language_falls_back_to_english_then_the_first_given() -> None:
    english = parse_playbook(BOOK.format(texts="name: {en: Welcome}"))
    japanese = parse_playbook(BOOK.format(texts="name: {ja: ようこそ}"))

    assert english.name_in("ja") == "Welcome"
    assert english.name_in("fr") == "Welcome"
    assert japanese.name_in("en") == "ようこそ"
    assert japanese.name_in(None) == "ようこそ"
    assert english.description_in("ja") == ""


def test_a_name_per_locale_survives_the_yaml_round_trip() -> None:
    book = parse_playbook(BOOK.format(texts=BOTH))

    assert parse_playbook(playbook_to_yaml(book)) == book


def test_an_unsupported_locale_is_named_with_its_field() -> None:
    found = problems("name: {en: Welcome, fr: Bienvenue}\ndescription: {de: Hallo}")

    assert set(found) == {"name.fr", "description.de"}
    message, code = found["name.fr"]
    assert code == "unsupported_locale"
    assert "'fr'" in message
    assert "en, ja" in message


def test_an_empty_or_too_long_text_is_named_with_its_locale() -> None:
    found = problems(f'name: {{en: "{"x" * 201}", ja: ""}}\ndescription: {{ja: ""}}')

    assert found["name.en"][1] == "string_too_long"
    assert found["name.ja"][1] == "string_too_short"
    assert found["description.ja"][1] == "string_too_short"


def test_a_name_must_be_given_as_text_or_texts() -> None:
    assert problems("name: {}")["name"][1] == "too_short"
    assert problems('name: ""')["name"][1] == "string_too_short"
    assert problems("name: [Welcome]")["name"][1] == "string_type"
    assert "name" in problems("description: Only a description")


def test_every_builtin_playbook_is_named_and_described_in_japanese_and_english() -> None:
    for book in builtin_playbooks():
        assert isinstance(book.name, dict), book.id
        assert isinstance(book.description, dict), book.id
        assert set(book.name) == set(book.description) == set(SUPPORTED_LOCALES), book.id
        assert book.name_in("ja") != book.name_in("en"), book.id
        # Japanese text, not the English copied across
        assert any("\u3040" <= char <= "\u30ff" for char in book.name_in("ja")), book.id
        assert any("\u3040" <= char <= "\u30ff" for char in book.description_in("ja")), book.id
