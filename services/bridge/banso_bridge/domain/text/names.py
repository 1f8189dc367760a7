"""Personal names in Japanese text, from SudachiPy's part-of-speech tags (名詞,固有名詞,人名).

The tag alone is not enough: out of context SudachiPy also tags ordinary words as names (馬 and
一国 as surnames, 陽子 "proton" as a given name, ディズニー as a foreign name). A name is taken as
a person's when it reads like one in feedback:

- a full name: two or more name words in a row (鈴木太郎, 田中 一郎, ジョン・スミス), or
- a name followed by an honorific or a title (山田さん, 佐藤様, 中村部長, 森氏).

A bare single name ("小林から連絡") is left as it is: it identifies nobody on its own as often
as it is an ordinary word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

_NAME_POS = ("名詞", "固有名詞", "人名")
#: honorific suffixes: they only mark the word before as a person's name
HONORIFICS = frozenset({"さん", "様", "さま", "サマ", "氏", "君", "くん", "ちゃん", "殿"})
#: titles after a name (they are words of their own too: 部長 stays a keyword)
TITLES = frozenset(
    {
        "先生",
        "会長",
        "社長",
        "副社長",
        "専務",
        "常務",
        "部長",
        "次長",
        "課長",
        "係長",
        "主任",
        "室長",
        "所長",
        "店長",
        "支店長",
        "マネージャー",
    }
)
# What may stand between the family and the given name: a space, or the middle dot of katakana
# names.
_JOINERS = frozenset({" ", "・"})


@dataclass(frozen=True, slots=True)
class Morpheme:
    surface: str
    pos: tuple[str, ...]  # SudachiPy's part of speech, six levels
    begin: int  # character offsets in the text
    end: int

    @property
    def is_name(self) -> bool:
        return self.pos[:3] == _NAME_POS


def person_name_spans(morphemes: Sequence[Morpheme]) -> list[tuple[int, int]]:
    """(begin, end) of every personal name among the morphemes of one text, in order."""
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(morphemes):
        if not morphemes[index].is_name:
            index += 1
            continue
        first = last = index
        count = 1
        cursor = index + 1
        while cursor < len(morphemes):
            if morphemes[cursor].is_name:
                last, count = cursor, count + 1
            elif not (
                morphemes[cursor].surface in _JOINERS
                and cursor + 1 < len(morphemes)
                and morphemes[cursor + 1].is_name
            ):
                break
            cursor += 1
        following = [m.surface for m in morphemes[last + 1 : last + 3] if not m.surface.isspace()]
        after = following[0] if following else ""
        if count >= 2 or after in HONORIFICS or after in TITLES:
            spans.append((morphemes[first].begin, morphemes[last].end))
        index = last + 1
    return spans
