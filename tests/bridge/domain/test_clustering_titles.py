"""Theme titles are clauses customers wrote, in the theme's main language, and stay put."""

from __future__ import annotations

from banso_bridge.domain.clustering.labels import label_theme
from banso_bridge.domain.clustering.stream import to_cluster_item
from banso_bridge.domain.clustering.theme import ClusterItem
from banso_bridge.domain.clustering.titles import MAX_TITLE_CHARS, choose_title, clauses
from banso_bridge.domain.text import TextPipeline

PIPELINE = TextPipeline()


def items(*texts: str) -> list[ClusterItem]:
    return [to_cluster_item(str(i), PIPELINE.process(text)) for i, text in enumerate(texts)]


def label_of(members: list[ClusterItem], previous: str | None = None) -> str:
    frequency: dict[str, int] = {}
    for item in members:
        for key in set(item.keys):
            frequency[key] = frequency.get(key, 0) + 1
    return label_theme(members, frequency, len(members), previous_title=previous).title


SSO_JA = [
    "お世話になっております。SSOでログインするとログイン画面に戻り、無限ループになります。よろしくお願いします。",
    "QBRにて指摘あり。「SSOログインが無限ループになります。」",
    "SSOでログインすると無限ループになってしまいます。至急確認お願いします。",
    "SSOのログインが無限ループします。",
]


def test_the_title_is_a_clause_customers_wrote_without_greetings_or_lead_ins() -> None:
    title = label_of(items(*SSO_JA))
    assert "無限ループ" in title
    assert "SSO" in title
    assert "お世話" not in title
    assert "QBR" not in title
    assert "よろしく" not in title
    assert " · " not in title  # words, not a keyword triple
    assert any(title in text for text in SSO_JA)


def test_the_title_is_in_the_main_language_of_the_theme() -> None:
    members = items(
        *SSO_JA,
        "SSO login sends us back to the sign-in page in an endless loop.",
    )
    title = label_of(members)
    assert any("\u3040" <= char <= "\u30ff" for char in title)


def test_the_title_never_carries_what_redaction_removed() -> None:
    members = items(
        "The invoice PDF shows the wrong tax amount, mail me at ken.sato@example.com about it.",
        "The invoice PDF shows the wrong tax amount.",
        "Invoice PDF tax amount is wrong again, call +1 415 555 0199.",
    )
    title = label_of(members)
    assert "invoice" in title.casefold()
    assert "@" not in title
    assert "555" not in title


def test_clauses_drop_lead_ins_and_sign_offs() -> None:
    assert clauses("Churn reason: the invoice PDF is wrong. Thanks!") == [
        "the invoice PDF is wrong"
    ]
    assert clauses("解約理由: 請求書のPDFが正しくありません。") == ["請求書のPDFが正しくありません"]


def test_a_title_is_kept_while_it_still_says_what_the_theme_is_about() -> None:
    members = items(*SSO_JA)
    first = label_of(members)
    other = "SSOでログインすると無限ループになってしまいます"
    assert other != first
    # The theme grows with more of the same: its earlier (slightly worse) title stays.
    assert label_of(members + items("SSOのログインが無限ループします。"), previous=other) == other
    assert label_of(members + items("SSOのログインが無限ループします。")) == first


def test_a_title_changes_when_the_theme_means_something_else() -> None:
    csv = items(
        "CSVエクスポートすると日本語が文字化けします。",
        "CSVの日本語が文字化けします。",
        "エクスポートしたCSVが文字化けしています。",
    )
    title = label_of(csv, previous="SSOのログインが無限ループします")
    assert "文字化け" in title


def test_weights_decide_between_clauses_and_ties_are_deterministic() -> None:
    members = items("Dark mode please. The export is slow.", "The export is slow.")
    assert choose_title(members, [("export", 2.0), ("slow", 1.0)]) == "The export is slow"
    assert choose_title([], [], previous="kept") == "kept"


def test_a_title_is_scored_on_the_words_it_shows_not_on_a_cut_off_tail() -> None:
    long = (
        "The missing Slack integration is a blocker for rolling this out to the rest of our "
        "company, to every team in it and to our alerts"
    )
    members = items(long, "Is there a Slack integration?")
    weights = [
        ("slack", 2.0),
        ("integration", 0.5),
        ("team", 1.5),
        ("company", 1.5),
        ("alerts", 1.5),
    ]
    # The long clause names more keywords, but "company", "team" and "alerts" fall in the part a
    # reader never sees ("…"): the clause that says the problem in full is the title.
    assert len(long) > MAX_TITLE_CHARS
    assert choose_title(members, weights) == "Is there a Slack integration"


def test_a_theme_of_defects_with_a_few_requests_is_named_by_a_defect() -> None:
    # the request is the most typical item and its words weigh most, but most of the theme's
    # customers report something broken: the title is theirs
    members = items(
        "Please add Slack for scheduled reports.",
        "The scheduled reports arrive at the wrong time, they ignore our time zone.",
        "Scheduled reports are broken: they arrive in UTC instead of our local time zone.",
        "Our scheduled reports ignore the workspace time zone and arrive late in the evening.",
    )
    assert [item.nature for item in members] == ["request", "defect", "defect", "defect"]
    weights = [("Slack", 3.0), ("scheduled", 1.0), ("reports", 1.0), ("zone", 1.0)]
    title = choose_title(members, weights)
    assert "Slack" not in title
    assert "time zone" in title
    # a theme of requests alone is named by a request
    assert choose_title(members[:1], weights) == "Please add Slack for scheduled reports"
