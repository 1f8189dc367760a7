"""Language detection from the scripts a text is written in.

Feedback items are short (often one sentence), which is where statistical detectors are weakest, while
the scripts alone separate the languages the bridge must tell apart: kana only occurs in Japanese,
Hangul only in Korean. Han characters without kana are treated as Japanese because the product's CJK
users write Japanese; the tokenizer copes either way. Other Latin-script languages are reported as
English, whose tokenizer handles them acceptably (words and character n-grams).
"""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    JAPANESE = "ja"
    ENGLISH = "en"
    KOREAN = "ko"
    UNDETERMINED = "und"


def _is_kana(code: int) -> bool:
    return 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF


def _is_han(code: int) -> bool:
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def _is_hangul(code: int) -> bool:
    return 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F


def detect_language(text: str) -> Language:
    """Return the main language of a (normalised) text.

    One Japanese character carries about as much as a short Latin word, so Latin letters are
    weighed at a third: "Slackの連携でエラー" is Japanese, "Error in the 設定 page" is English.
    """
    kana = han = hangul = latin = 0
    for char in text:
        code = ord(char)
        if char.isascii():
            latin += char.isalpha()
        elif _is_kana(code):
            kana += 1
        elif _is_han(code):
            han += 1
        elif _is_hangul(code):
            hangul += 1
        elif char.isalpha():
            latin += 1  # accented Latin letters and other alphabets
    japanese = kana + han
    if hangul > japanese and hangul * 3 >= latin:
        return Language.KOREAN
    if japanese and (kana or han >= 2) and japanese * 3 >= latin:
        return Language.JAPANESE
    if latin:
        return Language.ENGLISH
    return Language.JAPANESE if japanese else Language.UNDETERMINED
