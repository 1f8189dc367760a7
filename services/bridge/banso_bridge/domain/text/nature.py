"""What a report is: a request for something the product lacks, or a defect in what it has.

A product manager files the two apart — a feature request ("Please add Slack notifications for
alerts and scheduled reports", Slack連携はありますか？) goes on the roadmap, a defect ("Scheduled
reports arrive hours late", 定期配信レポートが9時間ずれて届きます) to the bug queue — even when
both name the same feature. Lexically such reports can share most of their words ("scheduled
reports"), so the ticket rule also asks that a ticket's reports be of one nature
(`clustering/one_problem.py`).

A small bilingual rule on the words, like praise.py and trouble.py, sure rather than complete: a
text is a `request` when it asks for something (please add, is there a…, we'd like, we need, no …
integration, 欲しい, ありますか, できるようにしてほしい, 連携がない) and tells of nothing broken; a
`defect` when it tells of something broken, wrong or slow (an error, a loop, ignores, doesn't
match, late, garbled; エラー, ずれ, 化け, 遅い, 合いません) and asks for nothing new; else None
(both, or neither: "The export is slow, could you add a faster one?", a check-in note). Polite
closers that ask for help with the defect ("Please advise", 回避策があれば教えてください) are no
request.
"""

from __future__ import annotations

import re
from typing import Literal

Nature = Literal["request", "defect"]

# Asking for help with what is broken, not for something new: removed before the cues are looked for.
_HELP_EN = (
    r"\bplease (?:advise|help|fix|investigate|check|look into|let us know)\b",
    r"\bis there (?:a|an|any) (?:workaround|fix|update|eta)\b",
    r"\b(?:any|a) workaround would be appreciated\b",
)
_HELP_JA = (
    r"(?:回避策|原因|対応方法|状況)(?:が|を|は)?(?:あれば)?(?:教えて|ご教示|ご連絡)(?:ください|下さい|いただけますか|いただけませんか)",
    r"(?:ご)?(?:確認|対応|調査)(?:を)?(?:お願い|してください|して下さい|ください|下さい|いただけますか|いただけませんか)",
)
_REQUEST_EN = (
    r"\bplease (?:add|support|build|make|let|allow|provide|include|offer|consider|bring)\b",
    r"\bis there (?:a|an|any)\b",
    r"\b(?:would|we'd|i'd) (?:like|love)\b",
    r"\bwould be (?:great|nice|helpful|useful)\b",
    r"\bwe need (?:a|an|to)\b",
    r"\bneed(?:s|ed)? (?:a|an) (?:way|option|integration|feature)\b",
    r"\bwish\b",
    r"\bany plans?\b",
    r"\bis it possible\b",
    r"\bcould you (?:add|support|build|provide|offer)\b",
    r"\bno [\w-]+ (?:integration|support|option)\b",
    r"\bmissing [\w-]+ (?:integration|support|option|feature)\b",
    r"\bfeature requests?\b",
)
_REQUEST_JA = (
    "欲しい",
    "ほしい",
    "ありますか",
    "ありませんか",
    "できませんか",
    "ようにしてください",
    "ようにして下さい",
    "いただけませんか",
    "予定はありますか",
    "要望",
    "機能がな",
    "機能がありません",
    "連携がな",
    "連携がありません",
    "連携機能がな",
    "対応していない",
    "対応していません",
)
_DEFECT_EN = (
    r"\berrors?\b",
    r"\bbugs?\b",
    r"\bbroken\b",
    r"\bcrash(?:es|ed|ing)?\b",
    r"\bfail(?:s|ed|ing|ure|ures)?\b",
    r"\bwrong\b",
    r"\bincorrect(?:ly)?\b",
    r"\b(?:does|do|did|is|are|was|were)(?:n't| not) (?:\w+ly )?(?:work|match|load|show|save|sync|"
    r"appear|handle|respect|render|display|open|update|arrive)\w*",
    r"\bbr(?:eaks?|oke)\b",
    r"\bignor(?:es|ed|ing)\b",
    r"\bback and forth\b",
    r"\bstopped working\b",
    r"\bcan(?:'t|not) (?:log|sign|open|use|load|see|read|export|download|process)\b",
    r"\bstuck\b",
    r"\bloops?\b",
    r"\bgarbled\b",
    r"\bunreadable\b",
    r"\bcorrupt(?:ed)?\b",
    r"\bmojibake\b",
    r"\btim(?:e|es|ed|ing) ?out\b",
    r"\btimeouts?\b",
    r"\boutage\b",
    r"\bslow(?:er|ness|ly)?\b",
    r"\btakes? (?:forever|ages|minutes)\b",
    r"\blate\b",
    r"\bspinning\b",
    r"\bworse\b",
)
_DEFECT_JA = (
    "エラー",
    "不具合",
    "バグ",
    "できません",
    "できない",
    "ループ",
    "繰り返され",
    "戻され",
    "戻ってしま",
    "先に進めません",
    "化け",
    "読めません",
    "正しくない",
    "正しくありません",
    "間違",
    "誤っ",
    "合わない",
    "合いません",
    "合っていません",
    "ずれ",
    "ズレ",
    "差し戻",
    "タイムアウト",
    "遅い",
    "遅く",
    "遅すぎ",
    "重い",
    "重く",
    "待たされ",
    "のままです",
    "記載されていな",
    "記載されていません",
    "なっていない",
    "なっていません",
)

_HELP = re.compile("|".join(_HELP_EN + _HELP_JA), re.IGNORECASE)
_REQUEST = re.compile("|".join(_REQUEST_EN), re.IGNORECASE)
_DEFECT = re.compile("|".join(_DEFECT_EN), re.IGNORECASE)
# "…できませんか" asks for something; its "できません" is no defect.
_ASKS_JA = re.compile("できませんか|ありませんか|いただけませんか")


def report_nature(text: str) -> Nature | None:
    """`request`, `defect`, or None when the words say both or neither (see above)."""
    rest = _HELP.sub(" ", text)
    request = _REQUEST.search(rest) is not None or any(cue in rest for cue in _REQUEST_JA)
    plain = _ASKS_JA.sub(" ", rest)
    defect = _DEFECT.search(plain) is not None or any(cue in plain for cue in _DEFECT_JA)
    if request == defect:
        return None
    return "request" if request else "defect"
