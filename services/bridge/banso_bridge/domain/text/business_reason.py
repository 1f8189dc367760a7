"""A churn reason that names a business cause ("Budget cuts", 予算削減, "their champion left"),
not something about the product.

A churn reason counts as a problem report by its kind, and a theme of problem reports gets a
ticket. But a product team can do nothing with "budget cuts: they will not renew" or "they decided
to move to another vendor" on its own: the CSM acts on those. A small bilingual rule on the words
(like praise.py): a text names a business cause — budget or price, an acquisition or a
reorganisation, the person who owned the tool leaving, a decision to move to another tool or build
one in-house, adoption that never took root inside the customer (活用が進まず), a season or a
project that ended — and nothing that reads as trouble with the product or a wish for it
(`trouble.tells_of_trouble`: an error, slowness, something that does not work, is missing or hard
to use). It is meant to be sure rather than complete: "adoption never took off because setup was
too complicated" or "moved to X because exports kept failing" stay problem reports.
"""

from __future__ import annotations

import re

from banso_bridge.domain.text.trouble import tells_of_trouble

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
    r"\b(?:went|go|going) with (?:a )?(?:competitor|another (?:vendor|tool))\b",
    r"\bin[- ]house\b",
    r"\bdownsiz\w*",
    r"\brestructur\w*",
    r"\b(?:priorities|strategy) (?:changed|shifted)\b",
    r"\b(?:changed|shifting|shifted) (?:priorities|strategy)\b",
    # adoption inside the customer: the tool did not take root (no product cause named)
    r"\badoption\b",
    r"\b(?:never|didn't|did not) (?:took|take) off\b",
    r"\b(?:never|didn't|did not) (?:got|get|gain|gained) (?:any )?traction\b",
    r"\b(?:low|little|poor) (?:usage|engagement|uptake)\b",
    r"\b(?:nobody|no one|few people) (?:used|uses|was using|is using|logs? in)\b",
    r"\bno (?:internal )?buy-in\b",
    # seasonality, a project that ended
    r"\bseasonal\b",
    r"\b(?:off|busy|peak)[- ]season\b",
    r"\bproject (?:ended|is over|was cancel+ed|wrapped up|finished)\b",
    r"\bonly needed it for\b",
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
    "他社製品",
    "他社サービス",
    "内製",
    "自社開発",
    "事業縮小",
    "人員削減",
    "方針転換",
    "経営方針",
    "優先度が下が",
    # adoption inside the customer
    "活用が進ま",
    "活用されず",
    "活用されな",
    "定着せず",
    "定着しな",
    "浸透せず",
    "浸透しな",
    "利用が広がら",
    "利用者が増えな",
    "使われなくな",
    "使われていな",
    "使う人がいな",
    "利用頻度が低",
    "展開が進ま",
    # seasonality, a project that ended
    "繁忙期",
    "閑散期",
    "季節",
    "プロジェクト終了",
    "プロジェクトが終了",
    "プロジェクトの終了",
)
_CAUSE = re.compile("|".join(_CAUSE_EN), re.IGNORECASE)


def is_business_reason(text: str) -> bool:
    """The text names a business cause for leaving and no trouble with the product."""
    has_cause = bool(_CAUSE.search(text)) or any(cue in text for cue in _CAUSE_JA)
    if not has_cause:
        return False
    return not tells_of_trouble(text)
