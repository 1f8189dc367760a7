"""A report is a request for something the product lacks, or a defect in what it has (Japanese and
English); a text that says both, or neither, is neither."""

from __future__ import annotations

import pytest

from banso_bridge.domain.text.nature import report_nature


@pytest.mark.parametrize(
    "text",
    [
        "Please add Slack notifications for alerts and scheduled reports.",
        "Is there an API for bulk user provisioning?",
        "We'd like a way to schedule exports to Google Drive.",
        "No Teams integration means we copy screenshots by hand.",
        "Slack連携はありますか？アラートをSlackのチャンネルに通知したいです。",
        "グラフの色を変更できるようにしてほしいです。",
        "ユーザーをCSVで一括招待できませんか",
        "Slack通知に対応していないのが全社展開の障害になっています。",
    ],
)
def test_a_request_for_something_new_is_a_request(text: str) -> None:
    assert report_nature(text) == "request"


@pytest.mark.parametrize(
    "text",
    [
        "Scheduled reports arrive hours late; it looks like a time zone bug.",
        "The report schedule ignores our workspace time zone.",
        "SSO login sends us back to the sign-in page in an endless loop.",
        "Tax is calculated incorrectly on the downloaded invoice.",
        # a closer asking for help with the defect asks for nothing new
        "Dashboards are painfully slow. Please advise.",
        "定期配信レポートが9時間ずれて届きます。",
        "CSVエクスポートすると日本語が文字化けします。",
        "レポートの日付の区切りがUTCになっていて、日本時間の集計と合いません。何か回避策があれば教えてください。",
        "SSOでログインできません。至急ご確認ください。",
    ],
)
def test_something_broken_wrong_or_slow_is_a_defect(text: str) -> None:
    assert report_nature(text) == "defect"


@pytest.mark.parametrize(
    "text",
    [
        # both: a defect and a wish for the fix's shape
        "CSV export doesn't handle Japanese characters. Could you add a UTF-8 BOM option?",
        "CSV出力で全角文字が化けます。Shift_JISかBOM付きUTF-8で出力できませんか？",
        # neither: a routine note, praise, a business reason
        "Monthly check-in done, they plan to roll out to another team.",
        "Love the new dashboards!",
        "Budget cuts: they will not renew next term.",
    ],
)
def test_a_text_that_says_both_or_neither_has_no_nature(text: str) -> None:
    assert report_nature(text) is None
