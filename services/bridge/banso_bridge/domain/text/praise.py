"""Praise: feedback that is clearly positive ("Love the dashboards", 使いやすいです), not a problem.

A small bilingual rule on the words themselves (greetings and sign-offs already removed, so a
closing "Thanks!" is no praise): a text is praise when it carries a cue of satisfaction and nothing
that reads as trouble or a wish — a negation, a failure word, a request, a question or a "but".
It is meant to be sure rather than complete: a text it does not recognise stays with the problems,
where the ticket rule's problem share still judges it. The clusterer keeps praise and problem
reports in separate themes, so compliments never dilute a problem's ticket and never get one.
"""

from __future__ import annotations

import re

_POSITIVE_EN = (
    r"\blov(?:e|es|ed|ing)\b",
    r"\bgreat\b",
    r"\bexcellent\b",
    r"\bawesome\b",
    r"\bamazing\b",
    r"\bfantastic\b",
    r"\bwonderful\b",
    r"\bhelpful\b",
    r"\bintuitive\b",
    r"\beasy\b",
    r"\bsaves? (?:us|me|our|a lot|hours|time)\b",
    r"\bsaved (?:us|me|our)\b",
    r"\bhappy with\b",
    r"\bpleased\b",
    r"\bimpressed\b",
    r"\brecommend\b",
    r"\bworks (?:great|well|perfectly|nicely)\b",
    r"\buses? it (?:daily|every day|all the time)\b",
    r"\bgame[ -]changer\b",
)
_POSITIVE_JA = (
    "使いやすい",
    "使い易い",
    "わかりやすい",
    "分かりやすい",
    "便利",
    "助かって",
    "助かります",
    "助かりました",
    "おかげで",
    "お陰で",
    "満足して",
    "満足です",
    "大満足",
    "気に入って",
    "素晴らしい",
    "すばらしい",
    "最高です",
    "最高でした",
    "快適",
    "重宝",
    "感謝",
    "ありがたい",
    "手間が大幅に減",
    "手間が減",
    "効率が上が",
    "効率化できました",
)
# Trouble, wishes and doubts: any of these and the text is no (pure) praise.
_TROUBLE_EN = (
    r"n't\b",
    r"'d\b",
    r"\bnot?\b",
    r"\bnever\b",
    r"\bcannot\b",
    r"\bunable\b",
    r"\b(?:error|errors|fail|fails|failed|failing|broken|bug|bugs|crash\w*|issue|issues)\b",
    r"\b(?:problem|problems|wrong|missing|stuck|slow\w*|lag\w*|garbled|timeout|loop)\b",
    r"\b(?:please|would|wish|need|needs|want|wants|could|should|hope)\b",
    r"\b(?:but|however|although|though|except|unfortunately|only if)\b",
    r"\?",
)
_TROUBLE_JA = (
    "ない",
    "ません",
    "なく",
    "ず",
    "できな",
    "エラー",
    "不具合",
    "バグ",
    "問題",
    "遅",
    "重い",
    "重く",
    "困",
    "化け",
    "ループ",
    "欲しい",
    "ほしい",
    "ください",
    "下さい",
    "ませんか",
    "ですが",
    "けど",
    "しかし",
    "ただ、",
    "残念",
    "？",
    "?",
)
_POSITIVE = re.compile("|".join(_POSITIVE_EN), re.IGNORECASE)
_TROUBLE = re.compile("|".join(_TROUBLE_EN), re.IGNORECASE)
# A wish ("…したいです", "変えたい"), but not ありがたい (grateful).
_WISH_JA = re.compile(r"(?<!ありが)たい(?:です|と|の|な|ん|。|$)")


def is_praise(content: str) -> bool:
    """The text (without greetings and sign-offs) is clearly positive and reports nothing wrong."""
    text = content.strip()
    if not text:
        return False
    positive = _POSITIVE.search(text) is not None or any(cue in text for cue in _POSITIVE_JA)
    if not positive:
        return False
    if _TROUBLE.search(text) is not None or _WISH_JA.search(text) is not None:
        return False
    return not any(cue in text for cue in _TROUBLE_JA)
