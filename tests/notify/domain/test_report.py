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
