"""The simulated product and its market: plans, prices, features, time zones, the CS team.

The product is "Sora Analytics", a B2B reporting and dashboard SaaS sold per seat, mostly to
Japanese companies. Everything here is static data; the world builder draws from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

PRODUCT_NAME = "Sora Analytics"
PRODUCT_URL = "https://app.sora-analytics.example"
VENDOR_DOMAIN = "sora-analytics.example"


class Plan(StrEnum):
    STARTER = "starter"
    GROWTH = "growth"
    BUSINESS = "business"
    ENTERPRISE = "enterprise"


@dataclass(frozen=True, slots=True)
class PlanTerms:
    plan: Plan
    share: float
    """Share of accounts on this plan."""
    typical_users: float
    """Mean number of people an account on this plan provisions."""
    seat_price_usd: int
    """List price per seat and month."""
    segment: str
    """The account segment trait (notify routes `enterprise` to its CSM)."""
    seat_step: int
    """Seats are sold in multiples of this."""


PLANS: tuple[PlanTerms, ...] = (
    PlanTerms(Plan.STARTER, 0.35, 4.0, 25, "smb", 1),
    PlanTerms(Plan.GROWTH, 0.35, 11.0, 40, "smb", 5),
    PlanTerms(Plan.BUSINESS, 0.20, 24.0, 60, "mid-market", 5),
    PlanTerms(Plan.ENTERPRISE, 0.10, 55.0, 85, "enterprise", 10),
)


def terms_of(plan: Plan) -> PlanTerms:
    return next(terms for terms in PLANS if terms.plan is plan)


TOKYO = "Asia/Tokyo"
OTHER_ZONES: tuple[tuple[str, float], ...] = (
    ("America/Los_Angeles", 0.25),
    ("America/New_York", 0.2),
    ("Europe/London", 0.15),
    ("Europe/Berlin", 0.1),
    ("Asia/Singapore", 0.2),
    ("Australia/Sydney", 0.1),
)
TOKYO_SHARE = 0.8
"""Share of accounts in Asia/Tokyo; the others spread over OTHER_ZONES."""
JA_SHARE_IN_TOKYO = 0.88
"""Share of Tokyo accounts that work in Japanese (the rest are foreign firms working in English)."""


# Usage: track event -> (weight in a session, properties drawn by the generator).
FEATURE_EVENTS: tuple[tuple[str, float], ...] = (
    ("Dashboard Viewed", 5.0),
    ("Report Created", 1.6),
    ("Filter Applied", 2.5),
    ("CSV Exported", 1.0),
    ("Dashboard Shared", 0.6),
    ("Alert Configured", 0.3),
)
SIGNED_IN = "Signed In"
USER_INVITED = "User Invited"
INTEGRATION_CONNECTED = "Integration Connected"
CORE_ACTION = "Report Created"
KEY_EVENTS: tuple[str, ...] = (
    "Report Created",
    "Dashboard Shared",
    INTEGRATION_CONNECTED,
    "Alert Configured",
)
PAGES: tuple[tuple[str, str, float], ...] = (
    ("Dashboard", "/dashboards", 4.0),
    ("Reports", "/reports", 2.0),
    ("Settings", "/settings", 0.4),
    ("Billing", "/settings/billing", 0.1),
)
INTEGRATIONS = ("salesforce", "hubspot", "bigquery", "google_sheets", "kintone", "freee")
REPORT_TYPES = ("sales", "funnel", "cohort", "retention", "custom")


@dataclass(frozen=True, slots=True)
class Milestone:
    """An onboarding milestone: `event` first seen within `due_day` days of account creation."""

    name: str
    event: str
    due_day: int


MILESTONES: tuple[Milestone, ...] = (
    Milestone("first_report", "Report Created", 3),
    Milestone("team_invited", USER_INVITED, 7),
    Milestone("data_connected", INTEGRATION_CONNECTED, 7),
    Milestone("first_share", "Dashboard Shared", 14),
)

# Feedback arrives as tracks whose names ingest routes to the feedback topic (its defaults).
FEEDBACK_EVENTS: dict[str, str] = {
    "support_ticket": "Support Ticket Created",
    "nps_comment": "NPS Submitted",
    "csm_note": "CSM Note Added",
    "churn_reason": "Churn Reason Submitted",
    "feature_request": "Feature Requested",
}


@dataclass(frozen=True, slots=True)
class Csm:
    """A customer-success manager of the vendor."""

    id: str
    name: str
    email: str
    locale: str
    timezone: str


CSMS: tuple[Csm, ...] = (
    Csm("csm_sato", "佐藤 遥", f"haruka.sato@{VENDOR_DOMAIN}", "ja", TOKYO),
    Csm("csm_takahashi", "高橋 大輝", f"daiki.takahashi@{VENDOR_DOMAIN}", "ja", TOKYO),
    Csm("csm_nakamura", "中村 愛", f"ai.nakamura@{VENDOR_DOMAIN}", "ja", TOKYO),
    Csm("csm_kobayashi", "小林 拓海", f"takumi.kobayashi@{VENDOR_DOMAIN}", "ja", TOKYO),
    Csm("csm_carter", "Emily Carter", f"emily.carter@{VENDOR_DOMAIN}", "en", TOKYO),
    Csm(
        "csm_brooks",
        "Michael Brooks",
        f"michael.brooks@{VENDOR_DOMAIN}",
        "en",
        "America/Los_Angeles",
    ),
)
