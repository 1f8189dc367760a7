"""The theme board's and the playbooks screen's pure decisions, and their words in both
languages."""

from __future__ import annotations

import json

import pytest

from banso_console.api.rendering import Renderer
from banso_console.domain.playbooks import (
    MadeBy,
    check_test_send,
    choose_step,
    description_in,
    made_by,
    name_in,
    playbook_names,
    steps_of,
    subject_words,
    suppressions,
    template_subject,
    uplift_chart,
)
from banso_console.domain.roles import Viewer
from banso_console.domain.themes import (
    MERGE_TARGETS,
    ThemeFilters,
    account_names,
    check_merge,
    check_rename,
    check_split,
    growth,
    items_to_split,
    language_mix,
    merge_targets,
    parse_theme_filters,
    related_theme_id,
    split_nature,
    title_language,
)


def test_the_board_lists_open_and_ticketed_themes_unless_asked_otherwise() -> None:
    parsed = parse_theme_filters({})
    assert parsed.filters == ThemeFilters(statuses=("open", "ticketed"), muted=False, page=1)
    assert parsed.problems == {}
    asked = parse_theme_filters({"status": ["resolved"], "muted": ["yes"], "page": ["3"]})
    assert asked.filters == ThemeFilters(statuses=("resolved",), muted=True, page=3)
    assert asked.filters.offset == 50
    assert asked.filters.query(page=4) == [("status", "resolved"), ("muted", "yes"), ("page", "4")]


def test_filters_the_board_cannot_use_are_named_and_left_out() -> None:
    parsed = parse_theme_filters({"status": ["merged", "open"], "page": ["-2"]})
    assert parsed.filters.statuses == ("open",)
    assert parsed.filters.page == 1
    assert parsed.problems == {"status": "unknown_status", "page": "not_a_page"}


@pytest.mark.parametrize(
    ("last_7d", "prev_28d", "trend", "expected"),
    [
        (5, 0, 40.0, "new"),
        (0, 0, 0.0, "steady"),
        (10, 8, 5.0, "growing"),
        (2, 8, 1.0, "steady"),
        (1, 28, 0.25, "shrinking"),
    ],
)
def test_a_themes_growth_compares_last_week_with_the_four_before(
    last_7d: int, prev_28d: int, trend: float, expected: str
) -> None:
    assert growth(last_7d, prev_28d, trend) == expected


def test_languages_are_listed_largest_share_first() -> None:
    assert language_mix({"en": 0.25, "ja": 0.75}) == [("ja", 0.75), ("en", 0.25)]
    assert language_mix({"und": 0.5, "en": 0.5}) == [("en", 0.5), ("und", 0.5)]


def test_a_themes_title_is_marked_in_the_language_it_is_written_in() -> None:
    assert title_language("ダッシュボードの表示が遅いです") == "ja"
    assert title_language("CSV エクスポートが遅い") == "ja"
    assert title_language("The KPI dashboard keeps spinning") == "en"
    assert title_language("2026 — 42") is None


def test_a_theme_points_to_the_theme_it_was_merged_into_or_split_off_from() -> None:
    assert related_theme_id({"status": "merged", "merged_into": 7, "split_from": 3}) == 7
    assert related_theme_id({"status": "open", "merged_into": None, "split_from": 3}) == 3
    assert related_theme_id({"status": "open", "merged_into": None, "split_from": None}) is None


def test_a_title_is_at_most_200_characters_and_may_be_empty() -> None:
    assert check_rename("") == {}
    assert check_rename("  " + "x" * 200 + "  ") == {}
    assert check_rename("x" * 201) == {"title": "too_long"}


def test_a_merge_goes_into_one_of_the_themes_offered_never_itself() -> None:
    assert check_merge(3, "", [4, 5]).problems == {"into": "required"}
    assert check_merge(3, "abc", [4, 5]).problems == {"into": "unknown_theme"}
    assert check_merge(3, "9", [4, 5]).problems == {"into": "unknown_theme"}
    assert check_merge(3, "3", [4, 5]).problems == {"into": "itself"}
    accepted = check_merge(3, " 5 ", [4, 5])
    assert (accepted.problems, accepted.into) == ({}, 5)


def test_the_merge_control_offers_the_first_themes_and_says_when_there_are_more() -> None:
    # The console asks the bridge for one theme more than it offers: the theme itself may be
    # among them.
    listed = [{"theme_id": n} for n in range(1, MERGE_TARGETS + 2)]
    with_itself = merge_targets(listed, 5, listed_more=False)
    assert [t["theme_id"] for t in with_itself.themes] == [n for n in range(1, 22) if n != 5]
    assert with_itself.more is False
    without_itself = merge_targets(listed, 99, listed_more=False)
    assert [t["theme_id"] for t in without_itself.themes] == list(range(1, 21))
    assert without_itself.more is True
    assert merge_targets(listed, 5, listed_more=True).more is True
    assert merge_targets([{"theme_id": 5}], 5, listed_more=False) == (
        merge_targets([], 5, listed_more=False)
    )


def test_a_split_takes_some_of_the_items_shown_never_all_of_the_theme() -> None:
    shown = ["f1", "f2", "f3"]
    assert check_split([], shown, 3, "").problems == {"split_items": "required"}
    assert check_split(["", ""], shown, 3, "").problems == {"split_items": "required"}
    assert check_split(["f1", "f9"], shown, 3, "").problems == {"split_items": "unknown_items"}
    assert check_split(shown, shown, 3, "").problems == {"split_items": "nothing_left"}
    # Only the latest items are shown: all of them is fine when the theme has more.
    assert check_split(shown, shown, 10, "").problems == {}
    too_long = check_split(["f1"], shown, 3, "x" * 201)
    assert too_long.problems == {"split_title": "too_long"}
    accepted = check_split(["f2", "f1", "f2"], shown, 3, "  CSV export  ")
    assert (accepted.problems, accepted.items, accepted.title) == ({}, ["f2", "f1"], "CSV export")


def test_a_theme_held_back_for_mixing_natures_offers_the_fewer_nature_ticked() -> None:
    items: list[dict[str, str | None]] = [
        {"feedback_id": "d1", "nature": "defect"},
        {"feedback_id": "r1", "nature": "request"},
        {"feedback_id": "d2", "nature": "defect"},
        {"feedback_id": "n1", "nature": None},
    ]
    assert items_to_split(items, "requests_and_defects") == ["r1"]
    assert split_nature(items, ["r1"]) == "request"
    more_requests: list[dict[str, str | None]] = [
        *items,
        {"feedback_id": "r2", "nature": "request"},
        {"feedback_id": "r3", "nature": "request"},
    ]
    assert items_to_split(more_requests, "requests_and_defects") == ["d1", "d2"]
    # A tie offers the requests; a theme held back for two problems, or not held, offers none.
    assert items_to_split(items[:2], "requests_and_defects") == ["r1"]
    assert items_to_split(items, "unlike_words") == []
    assert items_to_split(items, None) == []
    assert split_nature(items, []) is None
    assert split_nature(items, ["d1", "r1"]) is None


DEFINITION = {
    "steps": [
        {"wait": "2d"},
        {"send": {"channel": "email", "template": "hello"}},
        {"send": {"channel": "slack", "template": "alert"}},
    ]
}


def test_a_playbooks_steps_are_sends_and_waits_in_order() -> None:
    steps = steps_of(DEFINITION, locale="en")
    assert [(s.index, s.kind, s.channel, s.template, s.wait) for s in steps] == [
        (0, "wait", None, None, "2d"),
        (1, "send", "email", "hello", None),
        (2, "send", "slack", "alert", None),
    ]


def test_a_send_step_says_what_it_sends_in_the_readers_language() -> None:
    definition = {
        **DEFINITION,
        "default_locale": "en",
        "templates": {
            "hello": {
                "en": {
                    "subject": "{{ user.first_name or 'Hi' }}, your first step in {{ product.name }}"
                },
                "ja": {"subject": "{{ product.name }} の最初の一歩をご案内します"},
            },
            # a Slack text without a subject in the reader's language: the default's title
            "alert": {"en": {"subject": "{{ account.name }} turned red ({{ health.score }})"}},
        },
    }
    english = steps_of(definition, locale="en")
    assert [(s.subject, s.subject_locale) for s in english] == [
        (None, None),
        ("…, your first step in …", "en"),
        ("… turned red (…)", "en"),
    ]
    japanese = steps_of(definition, locale="ja")
    assert [(s.subject, s.subject_locale) for s in japanese[1:]] == [
        ("… の最初の一歩をご案内します", "ja"),
        ("… turned red (…)", "en"),
    ]
    # a template without a subject, or one that is nothing but its variables: no words
    assert template_subject({"templates": {"t": {"en": {"text": "Hi"}}}}, "t", "en") is None
    assert template_subject({"templates": {}}, "t", "en") is None
    assert subject_words("{{ ticket.title }}") is None
    assert (
        subject_words("{% if vip %}Dear {% endif %}{{ a }} {{ b }}, welcome") == "Dear …, welcome"
    )
    assert subject_words("Fixed: {{ ticket.title }}") == "Fixed: …"


def test_the_preview_shows_the_step_asked_for_or_names_why_not() -> None:
    steps = steps_of(DEFINITION, locale="en")
    assert choose_step(None, steps).index == 1
    assert choose_step("2", steps).index == 2
    for asked in ("0", "9", "x"):  # a wait, no such step, not a number
        chosen = choose_step(asked, steps)
        assert (chosen.index, chosen.problem) == (1, "not_a_send_step")
    assert choose_step(None, steps_of({"steps": [{"wait": "1d"}]}, locale="en")).index is None


def test_the_uplift_is_drawn_in_points_with_zero_always_on_the_axis() -> None:
    assert uplift_chart({"uplift": None}) is None
    helps = uplift_chart({"uplift": {"difference": 0.12, "ci95": {"low": 0.031, "high": 0.2}}})
    assert helps is not None
    assert (helps.estimate, helps.low, helps.high, helps.verdict) == (12.0, 3.1, 20.0, "helps")
    chart = helps.chart("Uplift", "95 percent interval", "Estimate")
    assert chart["min"] < 0 < chart["max"]
    assert chart["max"] >= 20.0
    unclear = uplift_chart({"uplift": {"difference": 0.01, "ci95": {"low": -0.04, "high": 0.06}}})
    assert unclear is not None
    assert unclear.verdict == "unclear"
    hurts = uplift_chart({"uplift": {"difference": -0.1, "ci95": {"low": -0.2, "high": -0.01}}})
    assert hurts is not None
    assert hurts.verdict == "hurts"


def test_suppressions_are_listed_most_frequent_first() -> None:
    report = {"suppressed": {"holdout": 3, "frequency_cap": 7, "no_address": 3}}
    assert suppressions(report) == [("frequency_cap", 7), ("holdout", 3), ("no_address", 3)]


@pytest.mark.parametrize(
    ("to", "locale", "problems"),
    [
        ("qa@vendor.example", "ja", {}),
        (" qa@vendor.example ", "en", {}),
        ("", "en", {"to": "required"}),
        ("qa at vendor", "en", {"to": "invalid_email"}),
        ("qa@localhost", "en", {"to": "invalid_email"}),
        ("@vendor.example", "en", {"to": "invalid_email"}),
        ("a@" + "b" * 250 + ".example", "en", {"to": "too_long"}),
        ("qa@vendor.example", "fr", {"locale": "unknown_language"}),
    ],
)
def test_a_test_message_goes_to_one_address_in_japanese_or_english(
    to: str, locale: str, problems: dict[str, str]
) -> None:
    assert check_test_send(to, locale) == problems


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(currency="USD")


def test_theme_and_playbook_words_exist_in_both_languages(renderer: Renderer) -> None:
    en, ja = renderer.wordings["en"], renderer.wordings["ja"]
    assert (en.theme_status("ticketed"), ja.theme_status("ticketed")) == ("Ticketed", "起票済み")
    assert (en.ticket_state("failed"), ja.ticket_state("failed")) == ("Filing failed", "起票に失敗")
    assert (en.suppress_reason("holdout"), ja.suppress_reason("holdout")) == (
        "Held out (control group)",
        "対照群（ホールドアウト）",
    )
    assert (en.trigger("inactivity"), ja.trigger("inactivity")) == ("No activity", "利用がない期間")
    # A language is named in its own words whatever the page's; an unknown code is shown as is.
    assert en.language("ja") == ja.language("ja") == "日本語"
    assert (en.language("und"), ja.language("und")) == ("Unknown language", "不明な言語")
    assert en.language("fr") == "fr"
    assert en.suppress_reason("new_reason") == "new reason"
    assert (en.nudge_reason("awaiting_person"), ja.nudge_reason("awaiting_person")) == (
        "Waiting for the person's details (name, language, address)",
        "利用者の情報（名前・言語・宛先）の到着待ち",
    )
    assert (en.held_back("unlike_words"), ja.held_back("unlike_words")) == (
        "Held back: reports in unlike words",
        "保留：共通する言葉のない報告が混在",
    )
    assert "別の言葉で書かれている" in ja.held_back_advice("unlike_words")
    # a wait step as its author wrote it (notify's "3d"), in words
    assert (en.duration("3d"), ja.duration("3d")) == ("3 days", "3 日")
    assert (en.duration("1w"), ja.duration("12h")) == ("1 week", "12 時間")
    assert en.duration("soon") == "soon"


def test_the_playbook_page_words_and_draws_an_uplift(renderer: Renderer) -> None:
    """The page's uplift: the sentence with the figures, and the data its chart script reads."""
    report = {
        "sent": 40,
        "pending": 2,
        "failed": 1,
        "suppressed": {"holdout": 5, "frequency_cap": 2},
        "holdout_percent": 10,
        "treatment": {"accounts": 40, "converted": 14, "rate": 0.35},
        "holdout": {"accounts": 5, "converted": 1, "rate": 0.2},
        "uplift": {"difference": 0.15, "ci95": {"low": 0.021, "high": 0.31}},
    }
    uplift = uplift_chart(report)
    assert uplift is not None
    chart = uplift.chart("Uplift", "95 percent interval", "Estimate")
    playbook = {"name": "Re-engagement", "enabled": True, "trigger": "inactivity", "id": "re"}
    values = {
        "workspace_id": "ws_a",
        "playbook": playbook,
        "playbook_name": "Re-engagement",
        "playbook_description": "",
        "definition": {"description": ""},
        "steps": steps_of(DEFINITION, locale="en"),
        "chosen": choose_step(None, steps_of(DEFINITION, locale="en")),
        "preview": None,
        "preview_problems": [],
        "test_problems": [],
        "report": report,
        "suppressions": suppressions(report),
        "uplift": uplift,
        "chart_json": json.dumps(chart),
        "locales": ("ja", "en"),
        "test_form": {"to": "", "locale": "en"},
        "problems": {},
        "sent": False,
        "editing": None,  # a viewer does not edit playbooks
        "viewer": Viewer(1, "lead@vendor.example", "viewer", ("ws_a",), "en"),
        "csrf_token": "token",
        "request_path": "/w/ws_a/playbooks/re",
    }
    page = bytes(renderer.render("en", "playbook.html", values).body).decode()
    assert "+15.0 percentage points (95 % interval +2.1 to +31.0)" in page
    assert "The playbook helps: the whole interval is above zero." in page
    assert '<script src="/static/playbook.js" defer></script>' in page
    assert json.dumps(chart) in page
    assert "Held out (control group)" in page
    japanese = bytes(renderer.render("ja", "playbook.html", values).body).decode()
    assert "+15.0 ポイント（95 % 信頼区間 +2.1 〜 +31.0）" in japanese
    assert "効果あり：信頼区間全体がゼロを上回っています。" in japanese


def test_a_themes_feedback_names_its_accounts() -> None:
    accounts: list[dict[str, str | None]] = [
        {"account_id": "northwind", "name": "Northwind Traders"},
        {"account_id": "acme", "name": None},  # no trait named it: its id is shown
    ]
    assert account_names(accounts) == {"northwind": "Northwind Traders"}


def test_playbooks_are_named_by_id_and_none_without_notifys_list() -> None:
    listed = [
        {"id": "handover-welcome", "name": "Welcome after a hand-over"},
        {"id": "re-engagement-14d", "name": "Re-engagement after 14 quiet days"},
    ]
    names = playbook_names(listed, "en")
    assert names["handover-welcome"] == "Welcome after a hand-over"
    # a playbook the list does not hold (gone since), or no list at all: the page shows the id
    assert "retired-playbook" not in names
    assert playbook_names(None, "ja") == {}


def test_playbooks_are_named_in_the_readers_language() -> None:
    handover = {
        "id": "handover-welcome",
        "name": "Welcome after a hand-over",
        "names": {"en": "Welcome after a hand-over", "ja": "引き継ぎ後のご挨拶"},
        "descriptions": {"en": "Greets the new contact.", "ja": "新しいご担当者にご挨拶します。"},
        "definition": {"description": {"en": "Greets the new contact."}},
    }
    older_notify = {"id": "tip", "name": "Tip", "definition": {"description": "A tip."}}

    assert playbook_names([handover, older_notify], "ja") == {
        "handover-welcome": "引き継ぎ後のご挨拶",
        "tip": "Tip",
    }
    assert name_in(handover, "en") == "Welcome after a hand-over"
    assert description_in(handover, "ja") == "新しいご担当者にご挨拶します。"
    # a notify that answers without names: its one name and description, whatever the language
    assert name_in(older_notify, "ja") == "Tip"
    assert description_in(older_notify, "ja") == "A tip."
    assert description_in({"id": "x", "name": "X", "definition": {}}, "en") == ""


@pytest.mark.parametrize(
    ("created_by", "by"),
    [
        ("console: aiko@vendor.example (token 9f2c)", MadeBy("aiko@vendor.example", None)),
        ("deploy-bot (token 9f2c)", MadeBy("deploy-bot", "9f2c")),
        ("token 9f2c", MadeBy(None, "9f2c")),
        ("someone else", MadeBy("someone else", None)),
        (None, None),
    ],
)
def test_a_playbook_version_says_who_made_it(created_by: str | None, by: MadeBy | None) -> None:
    assert made_by(created_by) == by
