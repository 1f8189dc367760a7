"""The demo report: readable text, a self-contained HTML page, and plain words for what is missing."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from banso_sim.demo.collect import band_timeline, count_jira, playbook_row, theme_row
from banso_sim.demo.html import render_html
from banso_sim.demo.loop import ticket_to_resolve
from banso_sim.demo.purity import TopicIndex, score_tickets
from banso_sim.demo.report import (
    AccountRow,
    DemoReport,
    HealthSection,
    LoopSection,
    NudgesSection,
    PlaybookRow,
    Simulation,
    ThemeRow,
    ThemesSection,
)
from banso_sim.demo.svg import bands_over_time, horizontal_bars
from banso_sim.demo.text import fit, money, render, shown_themes, width
from banso_sim.sinks.jira import Issue, JiraServer

NOW = datetime(2025, 6, 30, tzinfo=UTC)


def simulation() -> Simulation:
    return Simulation(
        accounts=200,
        users=3000,
        days=90,
        start=NOW - timedelta(days=90),
        end=NOW,
        by_topic={"banso.usage.v1": 250_000, "banso.feedback.v1": 900},
        acknowledged=250_900,
        seconds=80.0,
        stories=Counter({"healthy": 90, "churning": 20}),
    )


def full_report() -> DemoReport:
    red = AccountRow("acct_1", "株式会社大和メディカル", "red", 23.0, 52_000, "enterprise",
                     ("weekly active users fell 60 % against the previous 4 weeks",), (), "churning")  # fmt: skip
    health = HealthSection(
        True,
        bands=Counter({"green": 120, "yellow": 50, "red": 20, "unknown": 10}),
        arr_by_band={"red": 400_000.0, "green": 2_000_000.0},
        at_risk=[red],
        by_story={"churning": Counter({"red": 18, "yellow": 2})},
        timeline=[
            (date(2025, 4, 1) + timedelta(days=d), Counter({"green": 100 + d, "red": d}))
            for d in range(30)
        ],  # fmt: skip
    )
    theme = ThemeRow("th_1", "CSV出力の文字化け", ("CSV", "文字化け"), {"ja": 0.8, "en": 0.2}, 40, 31,
                     410_000, 0.45, "ticketed", "PROD-1", "http://127.0.0.1:1/browse/PROD-1",
                     ("CSVエクスポートすると日本語が文字化けします。",))  # fmt: skip
    themes = ThemesSection(True, themes=[theme], total_themes=12, feedback_items=900, tickets_in_jira=6)  # fmt: skip
    playbook = PlaybookRow("onboarding", "Onboarding guide", 120, 0, 3, {"holdout": 12, "cap_user": 30},
                           30, 0.25, 0.22, 0.03, -0.08, 0.14)  # fmt: skip
    nudges = NudgesSection(True, playbooks=[playbook], emails=120, emails_ja=80, slack_alerts=7)
    loop = LoopSection(True, ticket="PROD-1", title="CSV出力の文字化け", accounts=9, emails=14)
    return DemoReport(NOW, "ws_1", simulation(), [("scoring", "scorecard", True, "")], health, themes, nudges, loop)  # fmt: skip


def test_the_text_report_tells_a_cs_lead_what_happened() -> None:
    text = render(full_report(), ".data/demo/report.html")
    assert "200 accounts, 3,000 people, 90 days" in text
    assert "green 120" in text
    assert "red 20 ($400,000 ARR)" in text
    assert "株式会社大和メディカル" in text
    assert "weekly active users fell 60 %" in text
    assert re.search(r"churning +20: red 18 · yellow 2", text)
    assert "PROD-1" in text
    assert "31 accounts" in text
    assert "$410,000" in text
    assert "ja 80%" in text
    assert "120 sent: 120 e-mails (80 in Japanese), 7 Slack alerts" in text
    assert "cap_user 30, holdout 12" in text
    assert "+3.0 pts (-8.0 … +14.0)" in text
    assert "14 e-mails to the people who reported it at 9 accounts" in text
    assert ".data/demo/report.html" in text


def test_services_that_offer_nothing_yet_are_named_plainly() -> None:
    report = full_report()
    report.health = HealthSection(False, "scoring: not available yet")
    report.themes = ThemesSection(False, "bridge: not available yet", tickets_in_jira=0)
    report.nudges = NudgesSection(False, "notify: not running")
    report.loop = LoopSection(False, "bridge: the Jira resolve webhook is not available yet")
    report.setup = [("scoring", "scorecard", False, "scoring: not available yet")]
    text = render(report)
    assert "scoring: not available yet" in text
    assert "bridge: not available yet" in text
    assert "notify: not running" in text
    assert "SETUP STEPS THAT DID NOT APPLY" in text
    page = render_html(report)
    assert "scoring: not available yet" in page


def test_the_html_page_is_self_contained_with_well_formed_charts() -> None:
    page = render_html(full_report())
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["']https?://(?!127\.0\.0\.1)""", page)
    charts = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(charts) == 2
    for chart in charts:
        ET.fromstring(chart)  # well-formed XML
    assert "CSV出力の文字化け" in page
    assert 'lang="en"' in page


def test_bands_chart_stacks_every_day_and_bars_scale_to_the_largest() -> None:
    days = [
        (date(2025, 4, 1) + timedelta(days=d), Counter({"green": 3, "red": 1})) for d in range(5)
    ]
    chart = ET.fromstring(bands_over_time(days))
    rects = [r for r in chart.iter("{http://www.w3.org/2000/svg}rect") if r.find("{http://www.w3.org/2000/svg}title") is not None]  # fmt: skip
    assert len(rects) == 10  # two bands a day
    bars = ET.fromstring(horizontal_bars([("a", 100.0, "$100"), ("b", 50.0, "$50")]))
    widths = [float(r.get("width", 0)) for r in bars.iter("{http://www.w3.org/2000/svg}rect")]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert bands_over_time([]) == ""


def test_band_timeline_counts_each_accounts_band_per_event_time_day() -> None:
    day = date(2025, 4, 1)
    series = {
        "a": [(day, "unknown"), (day + timedelta(days=1), "green"), (day + timedelta(days=3), "red")],
        "b": [(day + timedelta(days=2), "yellow"), (day + timedelta(days=3), "yellow")],
    }  # fmt: skip
    timeline = band_timeline(series)
    assert [moment for moment, _ in timeline] == [day + timedelta(days=d) for d in range(4)]
    # An account counts from its first day; a day without a point keeps the band before it.
    assert [sum(counts.values()) for _, counts in timeline] == [1, 1, 2, 2]
    assert [counts["green"] for _, counts in timeline] == [0, 1, 1, 0]
    assert [counts["red"] for _, counts in timeline] == [0, 0, 0, 1]
    assert band_timeline({}) == []


def test_theme_and_playbook_records_are_read_leniently() -> None:
    theme = theme_row(
        {
            "id": "th_9",
            "title": "SSO login loop",
            "keywords": ["sso", "loop"],
            "item_count": 12,
            "accounts_affected": 5,
            "arr_affected": 120000,
            "status": "ticketed",
            "ticket": {"external_key": "PROD-3", "url": "http://x/browse/PROD-3"},
            "quotes": [{"text": "SSO loops"}, "again"],
            "language_mix": {"en": 0.7, "ja": 0.3},
        }
    )
    assert (theme.theme_id, theme.ticket, theme.accounts, theme.arr) == ("th_9", "PROD-3", 5, 120000.0)  # fmt: skip
    assert theme.quotes == ("SSO loops", "again")
    row = playbook_row(
        {"id": "p", "name": "P"},
        {
            "sent": 3,
            "suppressed": {"holdout": 1},
            "uplift": {"difference": 0.1, "ci95": {"low": -0.2, "high": 0.4}},
        },  # fmt: skip
    )
    assert (row.sent, row.suppressed, row.uplift, row.ci_low) == (3, {"holdout": 1}, 0.1, -0.2)


def test_text_columns_account_for_wide_characters() -> None:
    assert width("文字化け") == 8
    assert width(fit("株式会社さくら保険サービス", 12)) == 12
    assert fit("abc", 5) == "abc  "
    assert money(1_250_000) == "$1.2M"
    assert money(52_000) == "$52,000"


def theme(theme_id: str, arr: float, kinds: dict[str, int], languages: dict[str, float], ticket: str | None) -> ThemeRow:  # fmt: skip
    return ThemeRow(theme_id, theme_id, (), languages, 10, 3, arr, None, "open", ticket, None, (), kinds)  # fmt: skip


def test_the_loop_resolves_the_biggest_product_problem_not_praise() -> None:
    jira = JiraServer()
    for key in ("PROD-1", "PROD-2", "PROD-3"):
        jira.issues[key] = Issue(id=key[-1], key=key, fields={"summary": key})
    praise = theme("praise", 900_000, {"nps_comment": 8, "csm_note": 4}, {"ja": 1.0}, "PROD-1")
    sso = theme("sso", 500_000, {"support_ticket": 9, "csm_note": 1}, {"ja": 1.0}, "PROD-2")
    small = theme("csv", 100_000, {"support_ticket": 5}, {"en": 1.0}, "PROD-3")
    assert ticket_to_resolve([praise, sso, small], jira) == "PROD-2"
    assert ticket_to_resolve([praise], jira) == "PROD-1"
    assert praise.complaint_share == 0.0
    assert "not a product problem" in render(replace(full_report(), themes=ThemesSection(True, themes=[praise])))  # fmt: skip


def test_english_themes_are_shown_even_when_japanese_ones_lead() -> None:
    japanese = [theme(f"ja{i}", 1000.0 - i, {}, {"ja": 1.0}, None) for i in range(10)]
    english = [theme(f"en{i}", 10.0, {}, {"en": 0.9, "ja": 0.1}, None) for i in range(3)]
    shown = shown_themes(japanese + english, 8)
    assert [t.theme_id for t in shown] == [*(f"ja{i}" for i in range(8)), "en0", "en1"]


def test_tickets_are_scored_against_what_the_simulator_planted() -> None:
    index = TopicIndex(
        {
            "SSOでログインできない": "sso_loop",
            "SSO login loops": "sso_loop",
            "CSVが文字化け": "csv",
        },
        frozenset({"sso_loop", "csv", "invoice_pdf"}),
    )
    scores = score_tickets(
        {
            "PROD-1": [
                "SSO login loops",
                "SSOでログインできない",
                "SSO  login loops",
                "CSVが文字化け",
            ],
            "PROD-2": ["CSVが文字化け", "[PERSON]さんから: CSVが文字化け"],  # redacted: not known
            "PROD-3": ["SSO login loops"],
        },
        index,
    )
    assert scores.tickets == {"PROD-1": ("sso_loop", 0.75), "PROD-2": ("csv", 1.0), "PROD-3": ("sso_loop", 1.0)}  # fmt: skip
    assert scores.coverage == {"csv": 1, "invoice_pdf": 0, "sso_loop": 2}
    assert (scores.pure, scores.covered_once) == (2, 1)
    text = render(replace(full_report(), themes=replace(full_report().themes, scores=scores)))
    assert "purity ≥ 90%: 2 of 3 tickets · exactly one ticket: 1 of 3 planted problems" in text
    assert "(csv 1, invoice_pdf 0, sso_loop 2)" in text


def test_a_theme_held_back_from_its_ticket_says_so_in_the_report() -> None:
    held = replace(
        theme("slack", 300_000, {"support_ticket": 9}, {"en": 1.0}, None),
        held_back="requests_and_defects",
    )
    plain = theme("csv", 100_000, {"support_ticket": 5}, {"en": 1.0}, None)
    text = render(replace(full_report(), themes=ThemesSection(True, themes=[held, plain])))
    assert "held back from a ticket: requests beside defects, to split" in text
    assert text.count("held back from a ticket") == 1  # the other theme simply has no ticket
    assert "no ticket" in text
    assert theme_row({"theme_id": 4, "held_back": "unlike_words"}).held_back == "unlike_words"


def test_the_jira_count_says_which_tickets_were_closed_as_duplicates_of_a_merged_theme() -> None:
    themes = replace(
        full_report().themes, tickets_in_jira=12, merged_tickets=2, duplicate_tickets=0
    )
    report = replace(full_report(), themes=themes)
    expected = (
        "12 tickets in Jira (2 marked duplicate when their theme merged into another's, "
        "0 filed twice for one theme)"
    )
    assert expected in render(report)
    assert "2 marked duplicate when their theme merged into another&#x27;s" in render_html(report)
    lone = replace(full_report(), themes=replace(themes, merged_tickets=0, duplicate_tickets=1))
    assert "12 tickets in Jira (1 filed twice for one theme)" in render(lone)


def test_the_jira_count_is_this_workspaces_and_names_what_earlier_demo_runs_filed() -> None:
    """The services keep the workspaces of earlier demo runs; their bridge files what becomes due
    in them into this run's Jira too. The report counts this workspace's issues (a twin of one
    of its themes included) and says how many others there are."""

    def issue(number: int, label: str) -> Issue:
        fields = {"summary": f"issue {number}", "labels": ["customer-feedback", label]}
        return Issue(id=str(10000 + number), key=f"PROD-{number}", fields=fields)

    issues = [
        issue(1, "banso-aaaa-theme-1"),
        issue(2, "banso-aaaa-theme-2"),
        issue(3, "banso-bbbb-theme-7"),  # an earlier run's workspace
        issue(4, "banso-aaaa-theme-2"),  # a twin: theme 2 filed twice
        issue(5, "banso-cccc-theme-9"),  # another earlier run's
    ]
    count = count_jira(issues, {"PROD-1", "PROD-2"})
    assert (count.ours, count.filed_twice, count.other_workspaces) == (3, 1, 2)

    themes = replace(
        full_report().themes,
        tickets_in_jira=count.ours,
        duplicate_tickets=count.filed_twice,
        other_workspaces_tickets=count.other_workspaces,
    )
    report = replace(full_report(), themes=themes)
    expected = (
        "3 tickets in Jira (1 filed twice for one theme, "
        "2 more for the workspaces of earlier demo runs, not counted here)"
    )
    assert expected in render(report)
    assert "2 more for the workspaces of earlier demo runs" in render_html(report)
