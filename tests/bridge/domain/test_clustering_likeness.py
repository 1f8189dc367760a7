"""One problem in other words or the other language: themes compared by their customers' words."""

from __future__ import annotations

import pytest

from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.likeness import (
    Bags,
    bags_likeness,
    concept_likeness,
    lexicon,
    likeness,
)
from banso_bridge.domain.clustering.stream import ThemeStream
from banso_bridge.domain.text.language import Language
from banso_bridge.domain.text.tokenize import WordTokenizer

LOOP_EN = [
    "SSO login loops back to the sign-in page",
    "After SSO login the page reloads in a loop",
    "Our SSO login keeps looping, nobody can sign in",
]
LOOP_JA = [
    "SSOでログインするとページがループします",
    "SSOログイン後にページが何度もリロードされてループします",
    "SSOのログインがループして誰も入れません",
]
SLOW_EN = [
    "Dashboards take a long time to load",
    "Loading the dashboard takes time every morning",
    "The dashboard is slow, charts take time",
]
ZONE_EN = [
    "The scheduled report ignores our time zone",
    "Report schedule uses the wrong time zone",
    "Our report arrives at the wrong time, a time zone bug",
]
INVOICE_EN = [
    "The invoice PDF shows our old billing address",
    "Invoice PDF has the wrong billing address",
    "Our invoices still carry the old address",
]


def test_every_lexicon_entry_is_one_word_as_the_tokenizer_keys_it() -> None:
    # An entry the tokenizer cuts differently would never match a customer's word.
    tokenizer = WordTokenizer()
    entries = lexicon()
    assert len(entries) >= 50
    for japanese, english in entries.items():
        tokens = tokenizer.tokens(japanese, Language.JAPANESE)
        assert [token.key for token in tokens] == [japanese]
        assert english.isascii()
        assert english


def _placed(groups: dict[str, list[str]]) -> tuple[ThemeStream, dict[str, int]]:
    """Each group's texts placed three times over and consolidated; the theme of each group's
    first item."""
    stream = ThemeStream(ClusteringConfig())
    for name, texts in groups.items():
        for n, text in enumerate(texts * 3):
            stream.place(f"{name}-{n}", text)
    stream.clusterer.consolidate(refit=True)
    placed = stream.final_assignments()
    return stream, {name: placed[f"{name}-0"] for name in groups}


def _themes() -> tuple[ThemeStream, dict[str, int]]:
    return _placed({"en-loop": LOOP_EN, "ja-loop": LOOP_JA, "en-invoice": INVOICE_EN})


def test_a_japanese_theme_is_most_like_the_english_theme_of_its_problem() -> None:
    stream, theme = _themes()
    assert len(set(theme.values())) == 3  # the representation keeps the languages apart
    clusterer = stream.clusterer
    others = [theme["en-invoice"], theme["en-loop"]]
    found = clusterer.most_alike(theme["ja-loop"], others, minimum=0.3)
    assert found is not None
    assert found[0] == theme["en-loop"]
    # Another problem in the same language as the ticket is not alike enough.
    assert clusterer.most_alike(theme["ja-loop"], [theme["en-invoice"]], minimum=0.3) is None
    assert clusterer.most_alike(theme["ja-loop"], others, minimum=0) is None  # 0 = off


def test_themes_a_product_manager_kept_apart_are_never_alike() -> None:
    stream, theme = _themes()
    clusterer = stream.clusterer
    clusterer.merge(theme["ja-loop"], theme["en-loop"])
    clusterer.unmerge(theme["ja-loop"], [f"ja-loop-{n}" for n in range(9)])
    assert clusterer.most_alike(theme["ja-loop"], [theme["en-loop"]], minimum=0.3) is None


def test_likeness_is_the_cosine_of_two_word_bags() -> None:
    assert likeness({"login": 1.0, "loop": 1.0}, {"login": 2.0, "loop": 2.0}) == pytest.approx(1.0)
    assert likeness({"login": 1.0, "loop": 1.0, "sso": 1.0}, {"login": 1.0, "loop": 1.0}) == (
        pytest.approx((2 / 3) ** 0.5)
    )
    assert likeness({"login": 1.0}, {"invoic": 1.0}) == 0.0
    assert likeness({}, {"invoic": 1.0}) == 0.0


def test_one_word_in_common_is_no_likeness() -> None:
    # "Dashboards take time to load" and "the report ignores our time zone" share "time" and
    # nothing else: two problems, however heavy that word is in both.
    slow_dashboards = {"dashboard": 3.0, "slow": 2.5, "time": 2.0, "load": 1.5}
    report_time_zone = {"report": 3.0, "time": 3.0, "zone": 3.0, "schedul": 2.0}
    assert likeness(slow_dashboards, report_time_zone) == 0.0
    # The same problem's two themes share the feature and the symptom.
    slack_en = {"slack": 3.0, "notif": 2.0, "integr": 1.5, "alert": 1.0}
    slack_ja = {"slack": 3.0, "integr": 2.0, "チャンネル": 1.0}
    assert likeness(slack_en, slack_ja) > 0.5


def test_a_theme_sharing_one_word_with_a_ticketed_one_does_not_join_it() -> None:
    stream, theme = _placed({"slow": SLOW_EN, "zone": ZONE_EN, "en-loop": LOOP_EN})
    slow, zone = theme["slow"], theme["zone"]
    assert slow != zone
    assert stream.clusterer.most_alike(slow, [zone], minimum=0.01) is None


SLOW_JA = [
    "ダッシュボードの表示が遅いです",
    "ダッシュボードが重くて表示に時間がかかります",
    "朝になるとダッシュボードの読み込みがとても遅い",
]
SPINNING_EN = [
    "The KPI dashboard keeps spinning",
    "Our dashboard is sluggish and keeps spinning",
    "Dashboard performance is terrible, it spins forever",
]


def test_one_problem_in_japanese_and_english_is_alike_by_its_glossary_concepts() -> None:
    # 「ダッシュボードの表示が遅い」 and "The KPI dashboard keeps spinning" share one word through
    # the lexicon (dashboard); they name the same concepts, dashboard and performance.
    stream, theme = _placed({"ja-slow": SLOW_JA, "en-slow": SPINNING_EN, "en-loop": LOOP_EN})
    clusterer = stream.clusterer
    ja, en = theme["ja-slow"], theme["en-slow"]
    assert ja != en
    found = clusterer.most_alike(ja, [en, theme["en-loop"]], minimum=0.15)
    assert found is not None
    assert found[0] == en
    assert found[1] >= clusterer.config.cross_language_min_concept_likeness
    # Another problem in the other language names other concepts.
    assert clusterer.most_alike(ja, [theme["en-loop"]], minimum=0.05) is None


def test_without_the_concept_bar_the_two_languages_meet_only_by_their_words() -> None:
    config = ClusteringConfig(cross_language_min_concept_likeness=1.01)
    stream = ThemeStream(config)
    for name, texts in {"ja": SLOW_JA, "en": SPINNING_EN}.items():
        for n, text in enumerate(texts * 3):
            stream.place(f"{name}-{n}", text)
    stream.clusterer.consolidate(refit=True)
    placed = stream.final_assignments()
    ja, en = placed["ja-0"], placed["en-0"]
    assert ja != en
    assert stream.clusterer.most_alike(ja, [en], minimum=0.15) is None


def test_an_operators_glossary_links_words_the_shipped_one_does_not_know() -> None:
    # A product's own feature names ("kintone app" / キントーン連携) are the operator's to add.
    japanese = ["キントーン連携の同期が止まります", "キントーン連携で同期できません"]
    english = ["Kintone sync stopped working", "Kintone sync fails every night"]
    extra = "kintone\tkintone\tキントーン\n"

    def alike(config: ClusteringConfig) -> tuple[int, float] | None:
        stream = ThemeStream(config)
        for name, texts in {"ja": japanese, "en": english}.items():
            for n, text in enumerate(texts * 3):
                stream.place(f"{name}-{n}", text)
        stream.clusterer.consolidate(refit=True)
        placed = stream.final_assignments()
        assert placed["ja-0"] != placed["en-0"]
        return stream.clusterer.most_alike(placed["ja-0"], [placed["en-0"]], minimum=0.3)

    assert alike(ClusteringConfig()) is None
    found = alike(ClusteringConfig(glossary_extra=extra))
    assert found is not None


def _bags(concepts: dict[str, float], shares: dict[str, float], language: str) -> Bags:
    return Bags({}, concepts, Language(language), shares)


def test_a_theme_whose_customers_say_more_still_contains_the_others_concepts() -> None:
    # The English Slack requests name alerts, channels and e-mail besides Slack; the Japanese
    # ones only Slack and its integration. All of the Japanese theme's concepts are named as
    # often in the English one: alike, where the cosine of the two bags is not.
    english = _bags(
        {"slack": 76.0, "notification": 120.0, "email": 50.0, "post": 50.0, "integration": 39.0}
        | {"schedule": 30.0, "dashboard": 29.0, "report": 25.0},
        {"slack": 1.0, "notification": 1.0, "email": 0.33, "post": 0.5, "integration": 0.5}
        | {"schedule": 0.3, "dashboard": 0.3, "report": 0.3},
        "en",
    )
    japanese = _bags({"slack": 38.0, "integration": 10.0}, {"slack": 1.0, "integration": 1.0}, "ja")
    assert likeness(english.concepts, japanese.concepts) < 0.5
    # slack counts whole (38), integration up to the English theme's half of its items (5).
    assert concept_likeness(english, japanese) == pytest.approx(43 / 48)
    assert concept_likeness(japanese, english) == concept_likeness(english, japanese)
    assert bags_likeness(english, japanese, concept_minimum=0.4) == pytest.approx(43 / 48)


def test_a_few_reports_of_a_theme_do_not_make_it_contain_another() -> None:
    # A quarter of a slow-dashboard theme's reports are of the SSO loop: the loop theme's
    # concepts count only up to that quarter, and they are a quarter of the slow theme's.
    slow = _bags(
        {"dashboard": 15.0, "performance": 18.0, "loop": 4.0, "login": 4.0, "sso": 3.0},
        {"dashboard": 0.75, "performance": 0.75, "loop": 0.25, "login": 0.25, "sso": 0.25},
        "en",
    )
    loop = _bags(
        {"loop": 23.0, "login": 23.0, "sso": 17.0},
        {"loop": 1.0, "login": 1.0, "sso": 1.0},
        "ja",
    )
    assert concept_likeness(slow, loop) == pytest.approx(11 / 44)
    assert bags_likeness(slow, loop, concept_minimum=0.4) == 0.0


def test_one_shared_concept_is_no_likeness_in_concepts_either() -> None:
    a = _bags({"slack": 10.0, "report": 5.0}, {"slack": 1.0, "report": 1.0}, "en")
    b = _bags({"slack": 10.0, "invoice": 5.0}, {"slack": 1.0, "invoice": 1.0}, "ja")
    assert concept_likeness(a, b) == 0.0


def test_a_dark_mode_request_in_japanese_and_in_english_is_one_request() -> None:
    # Two tickets for dark mode, one per language, until the glossary knew dark and mode
    # (bench/themes.py, seeds 7 and 1).
    stream, theme = _placed(
        {
            "ja": ["ダークモードが欲しいです。", "ダークモードに対応してほしい"],
            "en": ["Would love a dark mode.", "Please add a dark mode"],
            "en-loop": LOOP_EN,
        }
    )
    found = stream.clusterer.most_alike(theme["ja"], [theme["en"], theme["en-loop"]], minimum=0.15)
    assert found is not None
    assert found[0] == theme["en"]
