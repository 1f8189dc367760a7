"""A churn reason that names a business cause ("Budget cuts", 予算削減, "their champion left"),
not something about the product.

A churn reason counts as a problem report by its kind, and a theme of problem reports gets a
ticket. But a product team can do nothing with "budget cuts: they will not renew" or "they decided
to move to another vendor" on its own: the CSM acts on those. A small bilingual rule on the words
(like praise.py): a text names a business cause — budget or price, an acquisition or a
reorganisation, the person who owned the tool leaving, a decision to move to another tool — and
nothing that reads as product trouble (an error, slowness, something that does not work or is
missing). It is meant to be sure rather than complete: "adoption never took off" or "moved to X
because exports kept failing" stay problem reports.
"""

from __future__ import annotations

import re

_CAUSE_EN = (
    r"\bbudgets?\b",
    r"\bcost[- ]cutting\b",
    r"\bcosts? (?:too much|reduction)\b",
    r"\btoo expensive\b",
    r"\bpric(?:e|es|ing) (?:increase|rise|is too high)\b",
    r"\bacquired\b",
    r"\bacquisition\b",
    r"\bmerger\b",
    r"\breorg(?:ani[sz]ation)?\b",
    r"\blayoffs?\b",
    r"\bwent out of business\b",
    r"\bbankrupt(?:cy)?\b",
    r"\bchampion (?:left|moved|quit)\b",
    r"\b(?:owner|admin|sponsor) (?:left|moved on|quit)\b",
    r"\bnobody owns\b",
    r"\b(?:move|moving|moved|switch|switching|switched|migrat(?:e|ing|ed)) to\b",
    r"\bconsolidat(?:e|ing|ed) (?:vendors|tools|on)\b",
)
_CAUSE_JA = (
    "予算",
    "コスト削減",
    "経費削減",
    "値上げ",
    "価格が高",
    "費用が高",
    "買収",
    "合併",
    "組織変更",
    "組織再編",
    "事業撤退",
    "倒産",
    "担当者の異動",
    "担当者が異動",
    "担当者の退職",
    "担当者が退職",
    "への移行が決ま",
    "に乗り換え",
    "へ乗り換え",
    "ツールを統一",
    "ツール統一",
)
# What reads as trouble with the product, or a wish: then it is a problem report whatever else
# it says.
_TROUBLE_EN = (
    r"\berrors?\b",
    r"\bbugs?\b",
    r"\bbroken\b",
    r"\bcrash(?:es|ed|ing)?\b",
    r"\bslow(?:ness)?\b",
    r"\bfail(?:s|ed|ing|ure)?\b",
    r"\bdoes(?:n't| not) work\b",
    r"\bdid(?:n't| not) work\b",
    r"\bcan(?:'t|not)\b",
    r"\bmissing\b",
    r"\blacks?\b",
    r"\bno (?:support|way|option)\b",
    r"\bhard to use\b",
    r"\bdifficult\b",
    r"\bconfusing\b",
    r"\bclunky\b",
    r"\bcomplicated\b",
    r"\bunreliable\b",
    r"\bfeatures?\b",
    r"\bplease\b",
    r"\bwould (?:like|love)\b",
    r"\bwish\b",
    r"\bneed(?:s|ed)?\b",
)
_TROUBLE_JA = (
    "エラー",
    "不具合",
    "バグ",
    "遅い",
    "遅く",
    "重い",
    "重く",
    "落ちる",
    "できない",
    "できません",
    "使えない",
    "使えません",
    "機能",
    "対応して",
    "不満",
    "使いにく",
    "分かりにく",
    "わかりにく",
    "欲しい",
    "ほしい",
    "ください",
)

_CAUSE = re.compile("|".join(_CAUSE_EN), re.IGNORECASE)
_TROUBLE = re.compile("|".join(_TROUBLE_EN), re.IGNORECASE)


def is_business_reason(text: str) -> bool:
    """The text names a business cause for leaving and no trouble with the product."""
    has_cause = bool(_CAUSE.search(text)) or any(cue in text for cue in _CAUSE_JA)
    if not has_cause:
        return False
    if _TROUBLE.search(text):
        return False
    return not any(cue in text for cue in _TROUBLE_JA)
