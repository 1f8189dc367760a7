"""A playbook's report: what it sent, what it held back and why, and whether it worked.

Uplift compares accounts, the unit the holdout randomises (:mod:`banso_notify.domain.holdout`):
an account is in the treatment arm when the playbook decided to send it at least one nudge, in
the holdout arm when at least one nudge was held out, and converted when a goal event was
attributed to one of its enrolments (in event time, within the goal window:
:mod:`banso_notify.domain.attribution`). The report names that unit and gives each arm's size
and conversions beside the estimate, so a reader can judge the interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from banso_notify.domain.uplift import Uplift, uplift

UNIT = "account"
"""What the holdout assigns and the uplift counts: one customer account, wholly in one arm."""


@dataclass(frozen=True, slots=True)
class ReportCounts:
    sent: int = 0
    failed: int = 0
    pending: int = 0
    converted: int = 0  # nudges (treatment) with a conversion in their goal window
    treatment_enrolments: int = 0  # nudges decided for sending to a person, in the experiment
    holdout_enrolments: int = 0  # nudges held out
    suppressed: Mapping[str, int] = field(default_factory=dict)
    treatment_accounts: int = 0
    treatment_accounts_converted: int = 0
    holdout_accounts: int = 0
    holdout_accounts_converted: int = 0


@dataclass(frozen=True, slots=True)
class ArmReport:
    accounts: int  # units of this arm (see UNIT)
    converted: int  # of them, with at least one conversion attributed
    rate: float | None
    enrolments: int = 0  # the nudges (sent or held out) behind those accounts


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
    unit: str = UNIT
    method: str = "newcombe-hybrid-score-95 (difference of proportions, accounts as units)"


def build_report(playbook_id: str, counts: ReportCounts) -> PlaybookReport:
    return PlaybookReport(
        playbook_id=playbook_id,
        sent=counts.sent,
        failed=counts.failed,
        pending=counts.pending,
        converted=counts.converted,
        suppressed=dict(sorted(counts.suppressed.items())),
        treatment=_arm(
            counts.treatment_accounts,
            counts.treatment_accounts_converted,
            counts.treatment_enrolments,
        ),
        holdout=_arm(
            counts.holdout_accounts, counts.holdout_accounts_converted, counts.holdout_enrolments
        ),
        uplift=uplift(
            treatment_converted=counts.treatment_accounts_converted,
            treatment_total=counts.treatment_accounts,
            holdout_converted=counts.holdout_accounts_converted,
            holdout_total=counts.holdout_accounts,
        ),
    )


def _arm(accounts: int, converted: int, enrolments: int) -> ArmReport:
    rate = converted / accounts if accounts else None
    return ArmReport(accounts=accounts, converted=converted, rate=rate, enrolments=enrolments)
