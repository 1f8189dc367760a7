"""Priority of themes, the ticket threshold, and ticket evidence."""

from __future__ import annotations

from banso_bridge.domain.priority import ThemeStats, priority
from banso_bridge.domain.tickets.evidence import Evidence, draft, growth_note
from banso_bridge.domain.tickets.policy import (
    TicketThreshold,
    account_lift,
    account_overlap,
    backoff_s,
    evidence_grew,
    is_problem_report,
    theme_key,
    ticket_to_join,
)


def stats(**overrides: float | int | None) -> ThemeStats:
    values: dict[str, float | int | None] = {
        "items": 10,
        "accounts": 4,
        "arr": 120_000.0,
        "at_risk_accounts": 1,
        "items_last_7d": 4,
        "items_prev_28d": 6,
        "first_seen": 1_700_000_000.0,
        "last_seen": 1_700_500_000.0,
    }
    values.update(overrides)
    return ThemeStats(**values)  # type: ignore[arg-type]


def test_more_accounts_more_revenue_and_more_risk_rank_higher() -> None:
    base = priority(stats())
    assert priority(stats(accounts=8)) > base
    assert priority(stats(arr=1_000_000.0)) > base
    assert priority(stats(at_risk_accounts=4)) > base
    assert priority(stats(items=0)) == 0.0


def test_a_growing_theme_outranks_a_fading_one() -> None:
    growing = stats(items_last_7d=10, items_prev_28d=4)
    fading = stats(items_last_7d=0, items_prev_28d=20)
    assert growing.trend > 1 > fading.trend
    assert priority(growing) > priority(fading)


def test_one_huge_account_does_not_drown_a_problem_many_share() -> None:
    many = stats(accounts=12, arr=240_000.0, at_risk_accounts=0)
    one_big = stats(accounts=1, arr=2_000_000.0, at_risk_accounts=0)
    assert priority(many) > priority(one_big)


def test_threshold_by_accounts_or_arr() -> None:
    threshold = TicketThreshold(min_accounts=3, min_arr=500_000)
    assert threshold.reached(accounts=3, arr=0)
    assert threshold.reached(accounts=1, arr=600_000)
    assert not threshold.reached(accounts=2, arr=10_000)
    assert not TicketThreshold(min_accounts=3).reached(accounts=2, arr=10**9)


def test_theme_key_is_stable_label_safe_and_hides_the_workspace() -> None:
    key = theme_key("acme-corp", 42)
    assert key == theme_key("acme-corp", 42) != theme_key("other", 42)
    assert key.endswith("-theme-42")
    assert "acme" not in key
    assert key.isascii()
    assert " " not in key
    assert len(key) < 64


def test_evidence_growth_and_backoff() -> None:
    assert evidence_grew(accounts=4, arr=100, synced_accounts=3, synced_arr=100)
    assert evidence_grew(accounts=3, arr=120, synced_accounts=3, synced_arr=100)
    assert not evidence_grew(accounts=3, arr=105, synced_accounts=3, synced_arr=100)
    delays = [backoff_s(n, initial_s=5, max_s=60) for n in range(1, 7)]
    assert delays == [5, 10, 20, 40, 60, 60]


def test_ticket_draft_carries_the_evidence_and_the_key() -> None:
    evidence = Evidence(
        workspace_id="acme",
        theme_id=7,
        theme_key=theme_key("acme", 7),
        title="請求書 · pdf · ダウンロード",
        keywords=("請求書", "pdf", "ダウンロード"),
        quotes=("請求書のPDFがダウンロードできません", "Invoice PDF download fails"),
        languages={"ja": 0.5, "en": 0.5},
        stats=stats(),
        theme_url="https://bridge.example.com/v1/themes/7",
    )
    ticket = draft(evidence)
    body = ticket.markdown()
    assert ticket.title.startswith("[Customer feedback] 請求書")
    assert "Accounts affected: 4" in body
    assert "ARR affected: 120,000" in body
    assert "> 請求書のPDFがダウンロードできません" in body
    assert evidence.theme_url in body
    assert evidence.theme_key in body
    assert "Trend:" in growth_note(evidence)


def test_problem_reports_are_tickets_requests_churn_reasons_and_detractors() -> None:
    assert is_problem_report("support_ticket", None)
    assert is_problem_report("feature_request", None)
    assert is_problem_report("churn_reason", None)
    assert is_problem_report("nps_comment", 3.0)
    assert is_problem_report("nps_comment", 6.0)
    assert not is_problem_report("nps_comment", 7.0)  # a passive
    assert not is_problem_report("nps_comment", 10.0)  # praise
    assert not is_problem_report("nps_comment", None)
    assert not is_problem_report("csm_note", None)  # "the monthly review went well"


def test_a_csm_note_or_a_passive_comment_that_tells_of_trouble_is_a_problem_report() -> None:
    # "Call with the customer: SSO login loops" (text/trouble.py)
    assert is_problem_report("csm_note", None, trouble=True)
    # a passive's or a promoter's "good tool, but exports are slow"
    assert is_problem_report("nps_comment", 7.0, trouble=True)
    assert is_problem_report("nps_comment", 10.0, trouble=True)


def test_a_churn_reason_naming_only_a_business_cause_is_no_problem_report() -> None:
    assert not is_problem_report("churn_reason", None, business_reason=True)  # "budget cuts"
    # the flag only ever comes with churn reasons; a ticket stays a problem report
    assert is_problem_report("support_ticket", None, business_reason=True)


def test_a_theme_of_praise_gets_no_ticket_however_many_accounts_say_it() -> None:
    threshold = TicketThreshold(min_accounts=3, min_arr=0.0, min_problem_share=0.3)
    assert not threshold.reached(accounts=30, arr=1e6, problem_share=0.1)
    assert threshold.reached(accounts=3, arr=0.0, problem_share=0.31)
    assert not threshold.reached(accounts=2, arr=1e6, problem_share=1.0)  # min_arr 0: off
    assert stats(items=10, problem_items=4).problem_share == 0.4


def test_a_theme_half_check_ins_half_problem_reports_gets_no_ticket_yet() -> None:
    """Problem reports must be more than the share: three check-ins about rolling out to another
    team beside three reports of a missing integration are no problem of their own yet."""
    threshold = TicketThreshold(min_accounts=3, min_arr=0.0, min_problem_share=0.5)
    assert not threshold.reached(accounts=6, arr=0.0, problem_share=0.5)
    assert threshold.reached(accounts=6, arr=0.0, problem_share=4 / 7)
    # 0: every theme, whatever its items
    assert TicketThreshold(min_accounts=3).reached(accounts=3, arr=0.0, problem_share=0.0)
    assert stats(items=0, problem_items=0).problem_share == 0.0


def test_a_due_theme_joins_the_ticketed_theme_its_accounts_overlap_most() -> None:
    sso_en = {"a1", "a2", "a3", "a4"}
    csv_en = {"a5", "a6", "a7"}
    sso_ja = {"a2", "a3", "a4", "a8"}  # the same problem, told in Japanese by mostly the same
    assert account_overlap(sso_ja, sso_en) == 0.6
    tickets = {1: sso_en, 2: csv_en}
    assert ticket_to_join(sso_ja, tickets, min_overlap=0.2, accounts_reporting=40) == (1, 0.6)
    # One account in common is no evidence of one problem.
    others = {"a1", "a9", "a10", "a11"}
    assert ticket_to_join(others, tickets, min_overlap=0.2, accounts_reporting=40) is None
    assert ticket_to_join(sso_ja, tickets, min_overlap=0.0, accounts_reporting=40) is None  # off
    assert ticket_to_join(sso_ja, {}, min_overlap=0.2, accounts_reporting=40) is None


def test_accounts_that_report_everything_link_nothing() -> None:
    # Four customers, each reporting two different problems: overlap is what chance gives.
    invoice = login = {"a1", "a2", "a3", "a4"}
    assert account_lift(login, invoice, accounts_reporting=4) == 1.0
    assert ticket_to_join(login, {1: invoice}, min_overlap=0.2, accounts_reporting=4) is None
    assert ticket_to_join(login, {1: invoice}, min_overlap=0.2, accounts_reporting=40) == (1, 1.0)
