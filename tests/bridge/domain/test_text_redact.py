"""PII redaction: every kind, in Japanese and English, and what must stay untouched."""

from __future__ import annotations

import pytest

from banso_bridge.domain.text import PiiKind, TextPipeline, normalize_text, redact


def redacted(text: str) -> str:
    return redact(normalize_text(text)).text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("連絡先は taro.yamada@example.co.jp です", "連絡先は [EMAIL] です"),
        ("Please reply to jane+billing@corp.example.com.", "Please reply to [EMAIL]."),
        ("全角でも　ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ　に", "全角でも [EMAIL] に"),
    ],
)
def test_email_addresses(text: str, expected: str) -> None:
    assert redacted(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("電話は03-1234-5678までお願いします", "電話は[PHONE]までお願いします"),
        ("携帯 090-1234-5678 に折り返し", "携帯 [PHONE] に折り返し"),
        ("携帯09012345678です", "携帯[PHONE]です"),
        ("代表 (03)1234-5678", "代表 [PHONE]"),
        ("フリーダイヤル 0120-123-456", "フリーダイヤル [PHONE]"),
        ("ＴＥＬ：０３－１２３４－５６７８", "TEL:[PHONE]"),
        ("call +81 90-1234-5678 please", "call [PHONE] please"),
        ("our London office +44 20 7946 0958", "our London office [PHONE]"),
        ("call me at (415) 555-2671", "call me at [PHONE]"),
    ],
)
def test_phone_numbers_japanese_and_international(text: str, expected: str) -> None:
    assert redacted(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("〒123-4567 東京都千代田区", "[POSTAL_CODE] 東京都千代田区"),
        ("住所は 150-0001 渋谷区です", "住所は [POSTAL_CODE] 渋谷区です"),
        ("郵便番号1500001", "郵便番号 [POSTAL_CODE]"),
        ("zip code 1500001 in Tokyo", "zip code [POSTAL_CODE] in Tokyo"),
    ],
)
def test_japanese_postal_codes(text: str, expected: str) -> None:
    assert redacted(text) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://app.example.com/reset?token=abc123",
        "https://app.example.com/callback#access_token=xyz",
        "https://admin:hunter2@internal.example.com/dashboard",
        "https://app.example.com/magic/aB3dE5fG7hJ9kL1mN3pQ5rS7",
        "https://app.example.com/share?id=7&sig=0f9e8d7c6b5a",
    ],
)
def test_urls_carrying_secrets_are_redacted_whole(url: str) -> None:
    assert redacted(f"このリンクが開けません {url} です") == "このリンクが開けません [URL] です"
    assert redacted(f"The link {url} fails") == "The link [URL] fails"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card 4111 1111 1111 1111 was declined", "card [CARD] was declined"),
        ("カード番号5500-0000-0000-0004で決済できない", "カード番号[CARD]で決済できない"),
        ("amex 378282246310005 fails", "amex [CARD] fails"),
    ],
)
def test_card_numbers_passing_the_luhn_check(text: str, expected: str) -> None:
    assert redacted(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Since version 2.3.14 the export is broken",
        "2024-01-15 から請求書が届きません",
        "on 2024/01/15 at 10:30 the sync failed",
        "注文番号 123456789 の件",
        "invoice INV-2024-0042 shows ¥12,000",
        "order 4111 1111 1111 1112 is not a card (bad checksum)",
        "see https://docs.example.com/setup?page=2 for the steps",
        "We have 1500 seats and 3 workspaces",
    ],
)
def test_things_that_are_not_personal_data_stay(text: str) -> None:
    assert redacted(text) == normalize_text(text)


def test_redaction_counts_what_it_found() -> None:
    result = redact("mail a@b.co or b@c.co, call 03-1234-5678, 〒100-0001")
    assert result.found == {PiiKind.EMAIL: 2, PiiKind.PHONE: 1, PiiKind.POSTAL_CODE: 1}


def test_pipeline_redacts_before_tokenising() -> None:
    processed = TextPipeline().process("山田 taro@example.com 090-1234-5678 から請求書が届かない")
    assert "taro" not in processed.text
    assert "090" not in processed.text
    keys = {token.key for token in processed.tokens}
    assert not keys & {"taro", "example", "com", "090"}
    assert {"請求書", "届く"} <= keys


def pipeline_text(text: str) -> str:
    return TextPipeline().process(text).text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "山田さんから請求書が届かないと連絡がありました",
            "[PERSON]さんから請求書が届かないと連絡がありました",
        ),
        ("佐藤様のアカウントでログインできません", "[PERSON]様のアカウントでログインできません"),
        ("明日の会議で森さんに聞きます", "明日の会議で[PERSON]さんに聞きます"),
        ("担当の鈴木太郎です。CSVの出力が遅い", "担当の[PERSON]です。CSVの出力が遅い"),
        ("田中　一郎様、ご連絡ありがとうございます", "[PERSON]様、ご連絡ありがとうございます"),
        ("伊藤 花子 から問い合わせ", "[PERSON] から問い合わせ"),
        ("高橋さんと中村部長が困っています", "[PERSON]さんと[PERSON]部長が困っています"),
        ("ジョン・スミスさんがログインできない", "[PERSON]さんがログインできない"),
        ("山田 様 宛の請求書", "[PERSON] 様 宛の請求書"),
    ],
)
def test_japanese_personal_names_are_redacted(text: str, expected: str) -> None:
    assert pipeline_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "請求書の宛名が間違っています",
        "陽子と中性子の質量を比べるグラフが表示されない",  # 陽子 is tagged a given name out of context
        "馬に乗るアイコンが消えた",
        "一国の首相のページが重い",
        "石川県の支店では使えない",
        "本田技研のアカウントで同期が止まる",
        "ディズニーのテーマが選べない",
        "明日までに対応をお願いします",
        "新しい機能がほしい",
    ],
)
def test_ordinary_japanese_words_are_not_taken_for_names(text: str) -> None:
    assert pipeline_text(text) == normalize_text(text)


def test_names_are_counted_and_leave_no_trace_in_the_tokens() -> None:
    processed = TextPipeline().process("森氏と鈴木くん、田中 一郎様から CSV の出力が遅いと連絡")
    assert processed.pii == {PiiKind.PERSON: 3}
    assert processed.text == "[PERSON]氏と[PERSON]くん、[PERSON]様から CSV の出力が遅いと連絡"
    keys = {token.key for token in processed.tokens}
    # neither the names nor their honorifics (氏 alone would read as a word) become keywords
    assert keys == {"csv", "出力", "遅い", "連絡"}
