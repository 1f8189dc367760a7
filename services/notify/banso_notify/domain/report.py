"""A playbook's report: what it sent, what it held back and why, and whether it worked.

Uplift compares accounts, the unit the holdout randomises: an account is in the treatment arm
when the playbook sent it at least one nudge, in the holdout arm when at least one nudge was
held out, and converted when a goal event was attributed to one of its enrolments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from banso_notify.domain.uplift import Uplift, uplift


@dataclass(frozen=True, slots=True)
class ReportCounts:
    sent: int = 0
    failed: int = 0
    pending: int = 0
    converted: int = 0  # nudges (treatment) with a conversion in their goal window
    suppressed: Mapping[str, int] = field(default_factory=dict)
    treatment_accounts: int = 0
    treatment_accounts_converted: int = 0
    holdout_accounts: int = 0
    holdout_accounts_converted: int = 0


@dataclass(frozen=True, slots=True)
class ArmReport:
    accounts: int
    converted: int
    rate: float | None


@dataclass(frozen=True, slots=True)
class PlaybookReport:
    playbook_id: str
    sent: int
    failed: int
    pending: int
    converted: int
    suppressed: dict[str, int]
    treatment: ArmReport
    holdout: ArmReport
    uplift: Uplift | None
    method: str = "newcombe-hybrid-score-95 (difference of proportions, accounts as units)"


def build_report(playbook_id: str, counts: ReportCounts) -> PlaybookReport:
    return PlaybookReport(
        playbook_id=playbook_id,
        sent=counts.sent,
        failed=counts.failed,
        pending=counts.pending,
        converted=counts.converted,
        suppressed=dict(sorted(counts.suppressed.items())),
        treatment=_arm(counts.treatment_accounts, counts.treatment_accounts_converted),
        holdout=_arm(counts.holdout_accounts, counts.holdout_accounts_converted),
        uplift=uplift(
            treatment_converted=counts.treatment_accounts_converted,
            treatment_total=counts.treatment_accounts,
            holdout_converted=counts.holdout_accounts_converted,
            holdout_total=counts.holdout_accounts,
        ),
    )


def _arm(accounts: int, converted: int) -> ArmReport:
    rate = converted / accounts if accounts else None
    return ArmReport(accounts=accounts, converted=converted, rate=rate)
