"""The playbook report: counts by outcome, arm conversion rates, uplift with its interval."""

from __future__ import annotations

import pytest

from banso_notify.domain.report import ReportCounts, build_report


def test_report_compares_accounts_in_each_arm() -> None:
    counts = ReportCounts(
        sent=120,
        converted=60,
        suppressed={"holdout": 30, "frequency_cap": 4, "unsubscribed": 2},
        treatment_accounts=70,
        treatment_accounts_converted=56,
        holdout_accounts=80,
        holdout_accounts_converted=48,
    )

    report = build_report("p", counts)

    assert report.suppressed == {"frequency_cap": 4, "holdout": 30, "unsubscribed": 2}
    assert report.treatment.rate == pytest.approx(0.8)
    assert report.holdout.rate == pytest.approx(0.6)
    assert report.uplift is not None
    assert round(report.uplift.newcombe_95.low, 4) == 0.0524
    assert "newcombe" in report.method


def test_report_without_a_holdout_has_no_uplift() -> None:
    report = build_report("p", ReportCounts(sent=3, treatment_accounts=3))

    assert report.uplift is None
    assert report.holdout.rate is None


def test_report_names_its_unit_and_each_arms_size() -> None:
    counts = ReportCounts(
        sent=12,
        treatment_accounts=9,
        treatment_accounts_converted=3,
        treatment_enrolments=12,
        holdout_accounts=4,
        holdout_accounts_converted=1,
        holdout_enrolments=5,
    )

    report = build_report("p", counts)

    assert report.unit == "account"
    assert (report.treatment.accounts, report.treatment.converted) == (9, 3)
    assert (report.holdout.accounts, report.holdout.converted) == (4, 1)
    assert (report.treatment.enrolments, report.holdout.enrolments) == (12, 5)
