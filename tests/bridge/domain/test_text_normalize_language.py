"""Normalisation and language detection of feedback texts."""

from __future__ import annotations

import pytest

from banso_bridge.domain.text import Language, detect_language, normalize_text


def test_nfkc_folds_full_width_and_half_width_katakana() -> None:
    assert normalize_text("ＡＰＩ１２３　ｴﾗｰ") == "API123 エラー"


def test_zero_width_characters_and_runs_of_space_disappear() -> None:
    assert normalize_text("  請求\u200b書が\n\n届かない  ") == "請求書が 届かない"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("請求書のPDFがダウンロードできません", Language.JAPANESE),
        ("ログインできない", Language.JAPANESE),
        ("料金変更", Language.JAPANESE),  # kanji only, no kana
        ("Slackの連携でエラーが出ます", Language.JAPANESE),
        ("The invoice PDF cannot be downloaded", Language.ENGLISH),
        ("Error on the 設定 page when I save", Language.ENGLISH),
        ("결제가 안 돼요", Language.KOREAN),
        ("12345 !!!", Language.UNDETERMINED),
        ("", Language.UNDETERMINED),
    ],
)
def test_language_is_detected_from_scripts(text: str, language: Language) -> None:
    assert detect_language(text) is language
