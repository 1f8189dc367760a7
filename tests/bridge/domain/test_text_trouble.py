"""Trouble with the product or a wish for it, told in a CSM's note or an NPS comment, against the
routine notes and compliments that tell of none (Japanese and English)."""

from __future__ import annotations

import pytest

from banso_bridge.domain.text.trouble import tells_of_trouble


@pytest.mark.parametrize(
    "text",
    [
        # a CSM's notes quoting what the customer said
        'QBR note: "Exports to Excel keep failing for the finance team."',
        "Call with Dana: their users get stuck on the SAML redirect after the last update.",
        "Sync with the customer: the weekly report arrives hours late and the totals are wrong.",
        "Customer asked whether we can post alerts to Microsoft Teams.",
        "QBRにて指摘あり。「月末の請求書に旧住所が載ったままで、経理から差し戻されました。」",
        "訪問時メモ: 管理画面の読み込みに1分以上かかり、会議で使えないとのこと。",
        "定例にて、権限設定が分かりにくいという声が複数ありました。",
        # a passive's or a promoter's comment with a problem or a wish in it
        "Good tool overall, but the dashboards have gotten slow since the update.",
        "We'd like a way to schedule exports to Google Drive.",
        "Is there an API for bulk user provisioning?",
        "No Teams integration means we copy screenshots by hand.",
        "全体的には満足ですが、CSVの日本語が文字化けします。",
        "グラフの色を変更できるようにしてほしいです。",
        "ダッシュボードがずっとローディングのままです。",
    ],
)
def test_trouble_or_a_wish_told_in_any_note_is_found(text: str) -> None:
    assert tells_of_trouble(text)


@pytest.mark.parametrize(
    "text",
    [
        # routine check-ins and good news: "no issues" is no trouble
        "Monthly check-in done, no major issues.",
        "QBR went well; no open issues, renewal is on track.",
        "They plan to roll out to the marketing team next quarter.",
        "Reviewed their usage together; adoption is growing.",
        "Problems from last quarter were resolved, the team is happy.",
        "定例ミーティング実施。特に大きな課題はなし。",
        "月次の振り返りを実施。活用は順調です。",
        "来期は営業部への展開を検討中とのこと。",
        "前回の問題は解消済み。利用も広がっています。",
        # praise
        "Love the dashboards, the team uses them every day.",
        "サポートの対応が早くて助かっています。",
    ],
)
def test_routine_notes_and_praise_tell_of_no_trouble(text: str) -> None:
    assert not tells_of_trouble(text)
