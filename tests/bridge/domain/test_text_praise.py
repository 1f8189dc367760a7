"""Praise, told apart from problems by its words (Japanese and English)."""

from __future__ import annotations

import pytest

from banso_bridge.domain.text import TextPipeline
from banso_bridge.domain.text.praise import is_praise


def praise(text: str) -> bool:
    """As the stream sees it: greetings and sign-offs already removed."""
    return is_praise(TextPipeline().process(text).content)


@pytest.mark.parametrize(
    "text",
    [
        "Love the dashboards.",
        "Support is quick and helpful.",
        "Easy to set up and our team uses it daily.",
        "Saves us hours of reporting every week.",
        "とても使いやすいです。",
        "サポートの対応が早くて助かっています。",
        "ダッシュボードのおかげで会議が短くなりました。",
        "レポート作成の手間が大幅に減りました。",
        "Hi team, we love the new export. Thanks!",
    ],
)
def test_clearly_positive_feedback_is_praise(text: str) -> None:
    assert praise(text)


@pytest.mark.parametrize(
    "text",
    [
        # problems, even from happy customers
        "Love the dashboards but they take 20 seconds to load.",
        "The dashboards are great, however the CSV export is garbled.",
        "ダッシュボードは便利ですが、表示がとても遅いです。",
        "使いやすいのですが、CSVが文字化けします。",
        "便利なのにSSOでログインできません。",
        # wishes and questions
        "Would love a dark mode.",
        "I'd love to get Slack notifications.",
        "A bulk user invite from CSV would save us time.",
        "Great product, could you add Slack alerts?",
        "ダークモードが欲しいです。",
        "グラフの色を自由に変えたいです。",
        "Slack連携があると便利なのでご検討ください。",
        # no satisfaction in it at all, or only a polite sign-off
        "The invoice PDF download fails. Thanks!",
        "請求書PDFがダウンロードできません。ありがとうございます。",
        "Monthly check-in done, no major issues.",
        "",
    ],
)
def test_problems_wishes_and_neutral_notes_are_not_praise(text: str) -> None:
    assert not praise(text)


def test_grateful_is_not_mistaken_for_a_wish() -> None:
    assert praise("いつも迅速に対応いただけてありがたいです。")
