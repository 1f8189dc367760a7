"""Greetings and sign-offs that carry no topic, removed before features and keywords are taken.

Japanese business writing opens and closes with set phrases (お世話になっております,
よろしくお願いいたします); in short feedback they can outweigh the problem itself and make
unrelated items look alike. They stay in the stored text and quotes; only the clustering and the
keywords ignore them.
"""

from __future__ import annotations

import re

_JAPANESE = [
    r"(?:いつも|大変)?お世話になっております",
    r"(?:いつも|大変)?お世話になります",
    r"お疲れ様です",
    r"お忙しいところ(?:恐れ入りますが|申し訳ありませんが|すみませんが)?",
    r"お手数(?:を)?おかけ(?:しますが|いたしますが|して申し訳ありません)",
    r"恐れ入りますが",
    r"(?:何卒|どうぞ)?(?:よろしく|宜しく)お願い(?:いたします|致します|します|申し上げます)",
    r"ご確認の(?:ほど)?(?:よろしく|宜しく)お願い(?:いたします|致します|します)",
    r"ご対応の(?:ほど)?(?:よろしく|宜しく)お願い(?:いたします|致します|します)",
    r"ありがとうございます",
]
_ENGLISH = [
    r"\b(?:hi|hello|hey|dear)(?: there| team| all| support)?\b[,!]?",
    r"\b(?:many )?thanks(?: in advance| a lot)?\b[,!.]?",
    r"\bthank you(?: very much| in advance)?\b[,!.]?",
    r"\b(?:best|kind|warm)? ?regards\b[,!.]?",
    r"\bcheers\b[,!.]?",
]
_PATTERN = re.compile("|".join(_JAPANESE + _ENGLISH), re.IGNORECASE)
_PUNCTUATION_RUN = re.compile(r"^[\s。、,.!！]+|(?<=[。.!！])[\s。、,.!！]+")


def strip_boilerplate(text: str) -> str:
    """`text` without set greetings and sign-offs (unchanged if nothing else would remain)."""
    stripped = _PATTERN.sub(" ", text)
    stripped = _PUNCTUATION_RUN.sub(" ", stripped).strip()
    return stripped if any(char.isalnum() for char in stripped) else text


def is_boilerplate(text: str) -> bool:
    """Nothing but set greetings, sign-offs and punctuation ("Thanks!", よろしくお願いします。)."""
    stripped = _PUNCTUATION_RUN.sub(" ", _PATTERN.sub(" ", text)).strip()
    return not any(char.isalnum() for char in stripped)
