"""Lexicon sentiment for Japanese and English feedback."""

from __future__ import annotations

import pytest

from banso_scoring.domain.sentiment import is_negative, sentiment


@pytest.mark.parametrize(
    "text",
    [
        "The export is broken again and support is slow",
        "I can't log in since yesterday",
        "Reports are not good at all",
        "画面が重いし、エラーで使えない",
        "設定が分かりにくいので困っています",
        "レポートが良くないです",
        "ＥＲＲＯＲ　ばかりです",  # full-width letters are normalised
    ],
)
def test_negative_feedback_is_recognised(text: str) -> None:
    assert is_negative(text)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, the new dashboard is great",
        "No problem, it works now",
        "とても便利で助かります",
        "問題なく使えています、ありがとう",
    ],
)
def test_positive_or_calm_feedback_is_not_negative(text: str) -> None:
    assert not is_negative(text)
    assert sentiment(text) > 0


def test_neutral_text_scores_zero() -> None:
    assert sentiment("How do I add a user to my workspace?") == 0
    assert sentiment("") == 0
