"""Word tokenisation for keywords and features, Japanese-aware.

Japanese is cut into words by SudachiPy with the dictionary that ships in `sudachidict-core` (nothing is
downloaded). Mode C keeps compounds whole (国家公務員, 振込手数料), which is what a product manager
wants to read as a keyword. English is split on letters and digits, stop words dropped and words
stemmed (Snowball) so "charged" and "charges" count as one keyword.

Only content words survive: nouns, verbs, adjectives and adjectival nouns. Particles, auxiliaries,
symbols and light verbs (する, いる, ある, なる) carry no topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import snowballstemmer  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # type: ignore[import-untyped]

from banso_bridge.domain.text.language import Language
from banso_bridge.domain.text.names import HONORIFICS, Morpheme, person_name_spans

if TYPE_CHECKING:
    from sudachipy import Tokenizer as SudachiTokenizer  # type: ignore[import-untyped]


@dataclass(frozen=True, slots=True)
class Token:
    """A content word: `key` groups inflections (lemma or stem), `surface` is what people read.

    `parts` are the keys of the short units inside a Japanese compound (ログイン時 → ログイン, 時):
    features use them so that a compound still matches its head word; keywords keep the compound.
    """

    key: str
    surface: str
    parts: tuple[str, ...] = ()


_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞"})
# Sub-kinds of content POS that are grammatical rather than topical.
_DROPPED_SUBPOS = frozenset({"数詞", "非自立可能", "助動詞語幹"})
# Formal nouns, light verbs and pronoun-like words (normalised forms): frequent, never a topic.
_JA_STOP_LEMMAS = frozenset(
    {
        "事",
        "こと",
        "物",
        "もの",
        "為る",
        "居る",
        "有る",
        "成る",
        "出来る",
        "言う",
        "思う",
        "様",
        "よう",
        "方",
        "所",
        "ところ",
        "時",
        "とき",
        "今",
        "其れ",
        "此れ",
        "何",
        "良い",
        "無い",
        "為",
        "ため",
        "中",
        "上",
        "後",
        "前",
        "等",
        "頃",
        "度",
        "全て",
        "皆",
        "達",
        "頂く",
        "下さる",
        "くれる",
        "貰う",
    }
)
# Placeholders left by redaction are not topics: "[EMAIL]" must not make e-mail a theme keyword.
_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
# A redacted name's honorific goes with it: alone, 氏 or くん would read as other words.
_PERSON_HONORIFIC = re.compile(
    r"\[PERSON\]\s?(?:" + "|".join(sorted(HONORIFICS, key=len, reverse=True)) + ")"
)
# Kana and kanji: only text with some is worth a Japanese morphological pass for names.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_EN_WORD = re.compile(r"[a-z][a-z0-9'’]*[a-z0-9]|[a-z]")
_EN_STOP_WORDS = ENGLISH_STOP_WORDS | frozenset(
    {
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "please",
        "pls",
        "ok",
        "okay",
        "yes",
        "yeah",
        "just",
        "like",
        "know",
        "want",
        "need",
        "im",
        "i'm",
        "i've",
        "i'd",
        "i'll",
        "it's",
        "don't",
        "doesn't",
        "didn't",
        "can't",
        "won't",
        "isn't",
        "wasn't",
        "haven't",
        "um",
        "uh",
        "oh",
        "would",
        "could",
        "did",
        "does",
        "doing",
        "having",
        "got",
        "getting",
        "really",
        "still",
        "also",
        "able",
    }
)


class WordTokenizer:
    """Tokenises normalised, redacted text into content words.

    The Sudachi tokenizer is built on first use (not at import time) and is not thread-safe, so
    each worker keeps its own `WordTokenizer`.
    """

    def __init__(self) -> None:
        self._sudachi: SudachiTokenizer | None = None
        self._stemmer = snowballstemmer.stemmer("english")
        self._stems: dict[str, str] = {}

    def tokens(self, text: str, language: Language) -> list[Token]:
        text = _PLACEHOLDER.sub(" ", _PERSON_HONORIFIC.sub(" ", text))
        if language is Language.JAPANESE:
            return self._japanese(text)
        return self._english(text)

    def person_names(self, text: str) -> list[tuple[int, int]]:
        """Where personal names are in `text` (Japanese only; see `names`), as offsets."""
        if not _JAPANESE.search(text):
            return []
        morphemes = [
            Morpheme(m.surface(), tuple(m.part_of_speech()), m.begin(), m.end())
            for m in self._tokenizer().tokenize(text)
        ]
        return person_name_spans(morphemes)

    def _tokenizer(self) -> SudachiTokenizer:
        if self._sudachi is None:
            from sudachipy import Dictionary, SplitMode

            self._sudachi = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
        return self._sudachi

    def _japanese(self, text: str) -> list[Token]:
        from sudachipy import SplitMode

        out: list[Token] = []
        for morpheme in self._tokenizer().tokenize(text):
            pos = morpheme.part_of_speech()
            if (
                pos[0] not in _CONTENT_POS
                or pos[1] in _DROPPED_SUBPOS
                or pos[1] == "固有名詞"
                and pos[2] == "人名"
            ):
                continue
            lemma = morpheme.normalized_form()
            surface = morpheme.surface()
            if lemma in _JA_STOP_LEMMAS or len(surface) == 1 and not _is_kanji(surface):
                continue
            if surface.isascii():
                # Latin words inside Japanese text (Slack, CSV, API) go through the English path.
                out.extend(self._english(surface.lower()))
                continue
            display = morpheme.dictionary_form() if pos[0] in {"動詞", "形容詞"} else surface
            parts: tuple[str, ...] = ()
            if len(surface) >= 3:  # only compounds are long enough to have parts
                units = morpheme.split(SplitMode.A)
                if len(units) > 1:
                    parts = tuple(unit.normalized_form() for unit in units)
            out.append(Token(key=lemma, surface=display, parts=parts))
        return out

    def _english(self, text: str) -> list[Token]:
        out: list[Token] = []
        for word in _EN_WORD.findall(text.lower()):
            word = word.replace("’", "'")
            if word in _EN_STOP_WORDS or len(word) < 2 or word.isdigit():
                continue
            stem = self._stems.get(word)
            if stem is None:
                stem = self._stemmer.stemWord(word)
                if len(self._stems) < 200_000:
                    self._stems[word] = stem
            out.append(Token(key=stem, surface=word))
        return out


def _is_kanji(text: str) -> bool:
    return all(0x4E00 <= ord(char) <= 0x9FFF for char in text)
