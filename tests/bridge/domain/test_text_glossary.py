"""The bilingual glossary: Japanese and English product words mapped to shared concepts."""

from __future__ import annotations

from importlib.resources import files

import pytest

from banso_bridge.domain.text.glossary import (
    GLOSSARY_FILE,
    glossary,
    parse_glossary,
    shipped_glossary,
)
from banso_bridge.domain.text.language import Language
from banso_bridge.domain.text.tokenize import WordTokenizer


def _rows() -> list[tuple[str, list[str], list[str]]]:
    text = files("banso_bridge.domain.text").joinpath(GLOSSARY_FILE).read_text("utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            concept, english, japanese = line.split("\t")
            rows.append((concept, english.split(","), japanese.split(",")))
    return rows


def test_the_shipped_glossary_is_general_product_vocabulary_in_both_languages() -> None:
    rows = _rows()
    assert 100 <= len(rows) <= 200
    assert len({concept for concept, _, _ in rows}) == len(rows)  # one line per concept
    for concept, english, japanese in rows:
        assert all(word.strip() for word in english), concept
        assert all(word.strip() for word in japanese), concept


def test_every_word_is_one_key_as_the_tokenizer_keys_it() -> None:
    # A word the tokenizer cuts or spells differently would never meet a customer's word.
    tokenizer = WordTokenizer()
    concepts = shipped_glossary()
    for concept, english, japanese in _rows():
        for word in japanese:
            keys = [token.key for token in tokenizer.tokens(word, Language.JAPANESE)]
            assert len(keys) == 1, (concept, word, keys)
            assert concepts[keys[0]] == concept, (concept, word)
        for word in english:
            keys = [token.key for token in tokenizer.tokens(f"the {word} here", Language.ENGLISH)]
            assert any(concepts.get(key) == concept for key in keys), (concept, word, keys)


def test_a_japanese_and_an_english_report_of_one_problem_name_the_same_concepts() -> None:
    tokenizer = WordTokenizer()
    concepts = shipped_glossary()

    def named(text: str, language: Language) -> set[str]:
        keys = (token.key for token in tokenizer.tokens(text, language))
        return {concepts[key] for key in keys if key in concepts}

    assert named("ダッシュボードの表示が遅い", Language.JAPANESE) >= {"dashboard", "performance"}
    assert named("The dashboard is painfully slow", Language.ENGLISH) >= {
        "dashboard",
        "performance",
    }
    assert named("SSOでログインできません", Language.JAPANESE) == {"sso", "login"}
    assert named("Sign-in with SSO fails", Language.ENGLISH) >= {"sso", "login"}
    assert named("請求書の税額が間違っています", Language.JAPANESE) >= {"invoice", "tax"}
    assert named("Tax on the invoice is wrong", Language.ENGLISH) >= {"invoice", "tax"}


def test_a_line_is_concept_english_and_japanese_words() -> None:
    parsed = parse_glossary("# a comment\n\nbilling\tInvoices, billing\t請求書,請求\n")
    assert parsed == {
        "invoic": "billing",
        "bill": "billing",
        "請求書": "billing",
        "請求": "billing",
    }
    # Latin words in the Japanese column are keyed as English words are.
    assert parse_glossary("crm\tcrm\tSalesforce\n") == {"crm": "crm", "salesforc": "crm"}
    with pytest.raises(ValueError, match="line 2"):
        parse_glossary("login\tlogin\tログイン\nlogin ログイン\n")


def test_an_operator_adds_words_but_never_changes_a_shipped_one() -> None:
    extra = "kintone\tkintone\tキントーン\nbilling\tdashboard\tダッシュボード\n"
    concepts = glossary(extra)
    assert concepts["kinton"] == "kintone"
    assert concepts["ダッシュボード"] == "dashboard"  # the shipped concept stays
    assert glossary("") is shipped_glossary()
