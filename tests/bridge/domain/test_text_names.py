"""Which of SudachiPy's name-tagged words are taken for a person's name (pure span logic)."""

from __future__ import annotations

from banso_bridge.domain.text.names import Morpheme, person_name_spans

NAME_FAMILY = ("名詞", "固有名詞", "人名", "姓", "*", "*")
NAME_GIVEN = ("名詞", "固有名詞", "人名", "名", "*", "*")
SUFFIX = ("接尾辞", "名詞的", "一般", "*", "*", "*")
NOUN = ("名詞", "普通名詞", "一般", "*", "*", "*")
SPACE = ("空白", "*", "*", "*", "*", "*")
DOT = ("補助記号", "一般", "*", "*", "*", "*")


def morphemes(*parts: tuple[str, tuple[str, ...]]) -> list[Morpheme]:
    out, offset = [], 0
    for surface, pos in parts:
        out.append(Morpheme(surface, pos, offset, offset + len(surface)))
        offset += len(surface)
    return out


def test_a_name_with_an_honorific_or_a_title_is_a_person() -> None:
    assert person_name_spans(morphemes(("山田", NAME_FAMILY), ("さん", SUFFIX))) == [(0, 2)]
    assert person_name_spans(morphemes(("中村", NAME_FAMILY), ("部長", NOUN))) == [(0, 2)]
    # a space before the honorific (NFKC turns the full-width one into this)
    spaced = morphemes(("山田", NAME_FAMILY), (" ", SPACE), ("様", SUFFIX))
    assert person_name_spans(spaced) == [(0, 2)]


def test_a_full_name_is_one_span_across_a_space_or_a_middle_dot() -> None:
    full = morphemes(("田中", NAME_FAMILY), (" ", SPACE), ("一郎", NAME_GIVEN), ("が", SUFFIX))
    assert person_name_spans(full) == [(0, 5)]
    katakana = morphemes(("ジョン", NAME_GIVEN), ("・", DOT), ("スミス", NAME_FAMILY))
    assert person_name_spans(katakana) == [(0, 7)]


def test_a_bare_single_name_word_is_left_alone() -> None:
    assert person_name_spans(morphemes(("陽子", NAME_GIVEN), ("と", SUFFIX))) == []
    assert person_name_spans(morphemes(("山田", NAME_FAMILY), (" ", SPACE))) == []
    assert person_name_spans(morphemes(("請求書", NOUN), ("さん", SUFFIX))) == []
