"""Trouble with the product, or a wish for it ("the export fails", "SSOでログインできません",
"please add Slack alerts"), told anywhere in a text.

Support tickets and feature requests report a problem by their nature; a CSM's note or an NPS
comment from a passive or a promoter does only when its words do. "Call with the customer: the
dashboards time out" is a problem report whoever wrote it down; "Monthly check-in done, no major
issues", "adoption is on track" or "they plan to roll out to another team" are not. A small
bilingual rule on the words (like praise.py and business_reason.py): a cue of failure, slowness,
something missing, wrong or hard to use, or a wish — after the phrases that say all is well
("no major issues", 特に大きな課題はなし) are taken out, so a routine note's "no issues" is no
trouble.
"""

from __future__ import annotations

import re

# "Nothing wrong": phrases that carry a trouble word but say the opposite. Removed before the
# cues are looked for.
_ALL_CLEAR_EN = (
    r"\bno (?:(?:major|big|real|particular|new|open|outstanding|significant) )*"
    r"(?:issues?|problems?|concerns?|complaints?|blockers?|bugs?|errors?)\b",
    r"\bwithout (?:any )?(?:issues?|problems?|errors?)\b",
    r"\bnothing (?:major )?(?:to report|wrong|broken)\b",
    r"\b(?:issues?|problems?|bugs?)(?: [\w-]+){0,4} (?:were|was|have been|has been|got|are|is) "
    r"(?:all |now )?(?:resolved|fixed|solved|closed)\b",
    r"\bno longer (?:an issue|a problem)\b",
)
_ALL_CLEAR_JA = (
    r"(?:特に|とくに)?(?:大きな|目立った)?(?:課題|問題|不具合|懸念|トラブル)(?:点)?(?:は|も|が)?(?:特に)?"
    r"(?:なし|無し|なく|ない|ありません|ございません|見られません)",
    r"(?:課題|問題|不具合)(?:は|が)?(?:解消|解決)(?:済み|しました|された|されました)",
)
_TROUBLE_EN = (
    # failure, breakage, wrong results
    r"\berrors?\b",
    r"\bbugs?\b",
    r"\bbroken\b",
    r"\bcrash(?:es|ed|ing)?\b",
    r"\bfail(?:s|ed|ing|ure|ures)?\b",
    r"\bissues?\b",
    r"\bproblems?\b",
    r"\bwrong\b",
    r"\bincorrect(?:ly)?\b",
    r"\binaccurate\b",
    r"\b(?:does|do|did|is|are|was|were)(?:n't| not) (?:\w+ly )?(?:work|match|load|show|save|sync|"
    r"appear|handle|support|respect|render|display|open|update|arrive)\w*",
    r"\bbr(?:eaks?|oke)\b",
    r"\bignor(?:es|ed|ing)\b",
    r"\bback and forth\b",
    r"\bstopped working\b",
    r"\bcan(?:'t|not)\b",
    r"\bunable to\b",
    r"\bstuck\b",
    r"\b(?:endless|infinite|redirect|login) loops?\b",
    r"\bgarbled\b",
    r"\bunreadable\b",
    r"\bcorrupt(?:ed)?\b",
    r"\btim(?:e|es|ed|ing) ?out\b",
    r"\btimeouts?\b",
    r"\bblocker\b",
    r"\bblocking\b",
    r"\boutage\b",
    r"\bdowntime\b",
    r"\bsends? (?:us|me|them|users|people) back\b",
    r"\bkeeps? (?:reloading|redirecting|spinning|crashing|failing|logging)\b",
    # slowness
    r"\bslow(?:er|ness|ly)?\b",
    r"\blag(?:s|gy|ging)?\b",
    r"\btakes? (?:forever|ages|minutes)\b",
    # missing, hard to use
    r"\bmissing\b",
    r"\blacks?\b",
    r"\bno (?:[\w-]+ )?(?:support|way|option|integration|export)\b",
    r"\bhard to\b",
    r"\bdifficult\b",
    r"\bconfusing\b",
    r"\bclunky\b",
    r"\bcomplicated\b",
    r"\bcomplex\b",
    r"\bunreliable\b",
    r"\bworkarounds?\b",
    r"\bcomplain(?:s|ed|ing|ts?)?\b",
    r"\bfrustrat\w*",
    # a wish
    r"\bplease\b",
    r"\b(?:would|we'd|i'd) (?:like|love|be (?:great|nice|helpful))\b",
    r"\bis there (?:a|an|any)\b",
    r"\bwish\b",
    r"\b(?:asked|asking|ask) (?:for|about|whether|if)\b",
    r"\b(?:any plans?|is there a way|is it possible)\b",
    r"\bneed(?:s|ed)? (?:a|an|to be able|the option|support)\b",
    r"\bwe need\b",
    r"\bfeature requests?\b",
)
_TROUBLE_JA = (
    "エラー",
    "不具合",
    "バグ",
    "障害",
    "問題",
    "課題",
    "トラブル",
    "できない",
    "できません",
    "できず",
    "使えない",
    "使えません",
    "動かない",
    "動きません",
    "落ちる",
    "落ちます",
    "止まる",
    "止まります",
    "ループ",
    "繰り返され",
    "戻され",
    "戻ってしま",
    "先に進めません",
    "のままです",
    "終わらな",
    "意味不明",
    "表示されな",
    "表示されません",
    "反映されな",
    "反映されません",
    "記載されていな",
    "記載されていません",
    "なっていない",
    "なっていません",
    "化け",
    "読めません",
    "正しくない",
    "正しくありません",
    "間違",
    "誤っ",
    "合わない",
    "合いません",
    "ずれて",
    "ずれが",
    "ずれる",
    "ズレ",
    "差し戻",
    "タイムアウト",
    "遅い",
    "遅く",
    "遅すぎ",
    "重い",
    "重く",
    "待たされ",
    "時間がかか",
    "使いにく",
    "分かりにく",
    "わかりにく",
    "面倒",
    "手間がかか",
    "不便",
    "不満",
    "困って",
    "困り",
    "見つかりません",
    "見当たりません",
    "対応していない",
    "対応していません",
    "機能がな",
    "機能がありません",
    "機能が少な",
    "機能しな",
    "機能しません",
    "連携がな",
    "連携がありません",
    "足りない",
    "足りません",
    "不足",
    # a wish
    "欲しい",
    "ほしい",
    "ください",
    "下さい",
    "いただけませんか",
    "できませんか",
    "ありますか",
    "予定はありますか",
    "要望",
    "希望",
)

_ALL_CLEAR = re.compile("|".join(_ALL_CLEAR_EN + _ALL_CLEAR_JA), re.IGNORECASE)
_TROUBLE = re.compile("|".join(_TROUBLE_EN), re.IGNORECASE)


def tells_of_trouble(text: str) -> bool:
    """The text tells of trouble with the product or a wish for it (all-clear phrases aside)."""
    rest = _ALL_CLEAR.sub(" ", text)
    if _TROUBLE.search(rest) is not None:
        return True
    return any(cue in rest for cue in _TROUBLE_JA)
