"""Tokenisation into content words, Japanese and English."""

from __future__ import annotations

from banso_bridge.domain.text import Language, WordTokenizer


def test_japanese_keeps_nouns_verbs_adjectives_and_drops_particles() -> None:
    tokens = WordTokenizer().tokens(
        "請求書のPDFが重くてダウンロードできません。", Language.JAPANESE
    )
    surfaces = [token.surface for token in tokens]
    assert surfaces == ["請求書", "pdf", "重い", "ダウンロード"]
    assert not {"の", "が", "て", "ませ", "ん", "。"} & set(surfaces)


def test_japanese_verbs_are_keyed_by_lemma() -> None:
    tokenizer = WordTokenizer()
    first = tokenizer.tokens("給料が振り込まれていない", Language.JAPANESE)
    second = tokenizer.tokens("給料を振り込んだ", Language.JAPANESE)
    assert [token.key for token in first] == [token.key for token in second] == ["給料", "振り込む"]


def test_japanese_compounds_stay_whole() -> None:
    tokens = WordTokenizer().tokens("振込手数料が高い", Language.JAPANESE)
    assert tokens[0].surface == "振込手数料"


def test_english_drops_stop_words_and_stems() -> None:
    tokens = WordTokenizer().tokens(
        "I still haven't received my cards, they were charged twice", Language.ENGLISH
    )
    assert [token.key for token in tokens] == ["receiv", "card", "charg", "twice"]
    assert [token.surface for token in tokens] == ["received", "cards", "charged", "twice"]


def test_placeholders_from_redaction_are_not_words() -> None:
    tokenizer = WordTokenizer()
    assert tokenizer.tokens("[EMAIL] [PHONE] bounced", Language.ENGLISH)[0].surface == "bounced"
    assert [t.surface for t in tokenizer.tokens("[EMAIL]に届かない", Language.JAPANESE)] == ["届く"]


def test_greetings_and_sign_offs_are_not_topics() -> None:
    from banso_bridge.domain.text import TextPipeline, strip_boilerplate

    text = "いつもお世話になっております。請求書のPDFが開けません。よろしくお願いいたします。"
    assert strip_boilerplate(text) == "請求書のPDFが開けません。"
    assert strip_boilerplate("Hi team, the export fails. Thanks!") == "the export fails."
    # A message that is nothing but thanks stays as it is.
    assert strip_boilerplate("ありがとうございます") == "ありがとうございます"
    processed = TextPipeline().process(text)
    assert processed.text.startswith("いつもお世話に")  # stored and quoted as written
    assert [token.surface for token in processed.tokens] == ["請求書", "pdf", "開ける"]
