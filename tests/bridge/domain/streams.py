"""Synthetic feedback streams in Japanese and English, each text tagged with its true topic.

Every topic is one problem told in varied words around the same key terms, as real reports of one
problem are; the fillers (greetings, times, who is affected) are shared across topics.
"""

from __future__ import annotations

import itertools
import random

_EN_PREFIXES = ["", "Hi, ", "Urgent: ", "Again, "]
_EN_SUFFIXES = ["", " since yesterday", " for our whole team", " on every browser"]
_JA_PREFIXES = ["", "お世話になっております。", "至急です。", "再度の連絡です。"]
_JA_SUFFIXES = ["", "昨日からです。", "チーム全員で起きています。", "どのブラウザでも同じです。"]

TOPICS: dict[str, list[str]] = {
    "invoice-en": [
        "the invoice PDF download fails.",
        "downloading the invoice PDF fails.",
        "the invoice PDF does not download.",
        "I cannot download the invoice PDF.",
    ],
    "login-en": [
        "login with single sign-on fails.",
        "single sign-on login is broken.",
        "we cannot log in with single sign-on.",
        "the single sign-on login page shows an error.",
    ],
    "slack-en": [
        "Slack notifications stopped arriving.",
        "we no longer get Slack notifications.",
        "Slack notifications are missing.",
        "the Slack notifications stopped.",
    ],
    "invoice-ja": [
        "請求書のPDFがダウンロードできません。",
        "請求書PDFのダウンロードに失敗します。",
        "請求書のPDFをダウンロードするとエラーになります。",
        "請求書PDFがダウンロードされません。",
    ],
    "login-ja": [
        "シングルサインオンでログインできません。",
        "シングルサインオンのログインが失敗します。",
        "シングルサインオンでのログイン時にエラーが出ます。",
        "シングルサインオンでログインするとエラーになります。",
    ],
}


def topic_stream(seed: int = 7, per_topic: int = 24) -> list[tuple[str, str]]:
    """(topic, text) pairs: `per_topic` distinct texts per topic, shuffled with `seed`."""
    rng = random.Random(seed)
    pairs: list[tuple[str, str]] = []
    for topic, cores in TOPICS.items():
        if topic.endswith("-ja"):
            texts = [p + c + s for p, c, s in itertools.product(_JA_PREFIXES, cores, _JA_SUFFIXES)]
        else:
            texts = [
                (p + c[0].lower() + c[1:] if p else c[0].upper() + c[1:]) + s
                for p, c, s in itertools.product(_EN_PREFIXES, cores, _EN_SUFFIXES)
            ]
        rng.shuffle(texts)
        pairs.extend((topic, text) for text in texts[:per_topic])
    rng.shuffle(pairs)
    return pairs
