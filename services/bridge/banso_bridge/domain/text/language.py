"""Language detection from the scripts a text is written in.

Feedback items are short (often one sentence), which is where statistical detectors are weakest, while
the scripts alone separate the languages the bridge must tell apart: kana only occurs in Japanese,
Hangul only in Korean. Han characters without kana are treated as Japanese because the product's CJK
users write Japanese; the tokenizer copes either way. Other Latin-script languages are reported as
English, whose tokenizer handles them acceptably (words and character n-grams).
"""

from __future__ import annotations

import re
from enum import StrEnum


class Language(StrEnum):
    JAPANESE = "ja"
    ENGLISH = "en"
    KOREAN = "ko"
    UNDETERMINED = "und"


_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
# Letters of other alphabets (accented Latin, Cyrillic, ...): any word character that is neither
# a digit, an underscore, ASCII, kana, Han nor Hangul.
_OTHER_LETTER = re.compile(
    r"[^\W\d_\x00-\x7f\u3040-\u30ff\u31f0-\u31ff\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff"
    r"\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"
)


def detect_language(text: str) -> Language:
    """Return the main language of a (normalised) text.

    One Japanese character carries about as much as a short Latin word, so Latin letters are
    weighed at a third: "Slackの連携でエラー" is Japanese, "Error in the 設定 page" is English.
    """
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    hangul = len(_HANGUL.findall(text))
    latin = len(_ASCII_LETTER.findall(text)) + len(_OTHER_LETTER.findall(text))
    japanese = kana + han
    if hangul > japanese and hangul * 3 >= latin:
        return Language.KOREAN
    if japanese and (kana or han >= 2) and japanese * 3 >= latin:
        return Language.JAPANESE
    if latin:
        return Language.ENGLISH
    return Language.JAPANESE if japanese else Language.UNDETERMINED
