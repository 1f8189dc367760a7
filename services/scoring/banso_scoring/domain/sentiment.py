"""A small lexicon sentiment for Japanese and English feedback.

Support friction only needs to tell an angry ticket from a neutral question, so a lexicon is
enough and stays deterministic and dependency-free. Text is NFKC-normalised (full-width
letters, half-width katakana) and case-folded first. English words preceded by a negator
("not good") flip; Japanese negated forms that matter are listed as phrases.
"""

from __future__ import annotations

import re
import unicodedata

_EN_NEGATIVE = frozenset(
    """
    angry annoyed annoying awful bad broken bug buggy cancel cancelling cancellation crash
    crashed crashes crashing confused confusing difficult disappointed disappointing down
    error errors expensive fail failed failing fails failure frustrated frustrating hate
    impossible issue lost missing outage poor problem refund slow stuck terrible unusable
    useless worse worst wrong
    """.split()
)
_EN_POSITIVE = frozenset(
    """
    amazing awesome easy excellent fantastic fast glad good great happy helpful intuitive love
    loved nice perfect pleased reliable smooth solved thank thanks useful wonderful works
    """.split()
)
_EN_NEGATORS = frozenset({"not", "no", "never", "dont", "doesnt", "didnt", "isnt", "cant", "wont"})
_EN_PHRASES_NEGATIVE = ("doesn't work", "does not work", "not working", "can't", "cannot")

_JA_NEGATIVE = (
    "使いにくい", "使いづらい", "分かりにくい", "わかりにくい", "わかりづらい", "遅い", "重い",
    "エラー", "不具合", "バグ", "困って", "困る", "できない", "出来ない", "動かない", "使えない",
    "落ちる", "落ちた", "解約", "不満", "最悪", "ひどい", "酷い", "問題", "失敗", "面倒",
    "高すぎ", "良くない", "よくない", "残念", "返金", "障害", "繋がらない", "つながらない",
)  # fmt: skip
_JA_POSITIVE = (
    "便利", "ありがとう", "助かり", "助かる", "使いやすい", "わかりやすい", "分かりやすい",
    "素晴らしい", "満足", "最高", "快適", "良い", "よい", "いいね", "嬉しい", "うれしい",
    "解決", "気に入",
)  # fmt: skip
# Negated forms are counted (or neutralised) first and cut out, so "良くない" is not also
# read as "良い" and "問題ない" (no problem) not as "問題".
_JA_NEGATED_POSITIVE = ("良くない", "よくない")
_JA_NEGATED_NEGATIVE = ("問題ない", "問題なく", "問題無")

_WORD = re.compile(r"[a-z']+")


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _english(text: str) -> tuple[int, int]:
    positive = negative = 0
    for phrase in _EN_PHRASES_NEGATIVE:
        negative += text.count(phrase)
    words = [word.replace("'", "") for word in _WORD.findall(text)]
    for index, word in enumerate(words):
        negated = index > 0 and words[index - 1] in _EN_NEGATORS
        if word in _EN_POSITIVE:
            negative, positive = (negative + 1, positive) if negated else (negative, positive + 1)
        elif word in _EN_NEGATIVE and not negated:
            negative += 1
    return positive, negative


def _japanese(text: str) -> tuple[int, int]:
    negative = 0
    for phrase in _JA_NEGATED_POSITIVE:
        negative += text.count(phrase)
        text = text.replace(phrase, " ")
    for phrase in _JA_NEGATED_NEGATIVE:
        text = text.replace(phrase, " ")
    negative += sum(text.count(phrase) for phrase in _JA_NEGATIVE)
    positive = sum(text.count(phrase) for phrase in _JA_POSITIVE)
    return positive, negative


def sentiment(text: str) -> float:
    """A score from -1 (only negative cues) to 1 (only positive cues); 0 for none."""
    normalised = _normalise(text)
    en_positive, en_negative = _english(normalised)
    ja_positive, ja_negative = _japanese(normalised)
    positive, negative = en_positive + ja_positive, en_negative + ja_negative
    if positive + negative == 0:
        return 0.0
    return (positive - negative) / (positive + negative)


def is_negative(text: str) -> bool:
    return sentiment(text) < 0
