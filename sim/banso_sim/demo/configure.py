"""What a CS operations lead would set up on day one, done through the services' own APIs:
the product's scorecard, goals agreed with the larger customers, notify's delivery policy and
the onboarding playbook's key action. A step a service does not offer yet is reported, not fatal."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import httpx

from banso_sim.platform.api import ServiceApi
from banso_sim.world import catalog
from banso_sim.world.model import Account, World

ONBOARDING_PLAYBOOK = "onboarding-first-key-action"
EVERY_MINUTE = [f"{hour:02d}:{minute:02d}" for hour in range(24) for minute in range(60)]
GENERIC_KEY_ACTION = "Key Action Completed"


@dataclass(frozen=True, slots=True)
class Step:
    service: str
    what: str
    ok: bool
    detail: str = ""


def demo_scorecard() -> str:
    return resources.files("banso_sim.demo").joinpath("scorecard.yaml").read_text("utf-8")


def goals_for(account: Account) -> list[dict[str, Any]]:
    """The KPI agreed at kickoff with business and enterprise customers: a reporting habit."""
    if account.plan.value not in ("business", "enterprise"):
        return []
    target = max(5, round(account.seats * 0.5))
    return [
        {
            "name": "Monthly reports",
            "metric": "event_count",
            "event": catalog.CORE_ACTION,
            "window": "30d",
            "target": target,
        }
    ]


def _problem(response: httpx.Response) -> str:
    return f"{response.status_code} {response.text[:300]}"


async def put_scorecard(scoring: ServiceApi) -> Step:
    what = "scorecard with Sora Analytics' key events, core action and milestones"
    if not await scoring.offers("/v1/scorecard", "put"):
        return Step("scoring", what, False, "scoring: not available yet")
    response = await scoring.send(
        "PUT", "/v1/scorecard", content=demo_scorecard(), content_type="application/yaml"
    )
    if response.status_code >= 400:
        return Step("scoring", what, False, _problem(response))
    return Step("scoring", what, True, f"version {response.json().get('version')}")


async def put_goals(scoring: ServiceApi, world: World) -> tuple[Step, list[Account]]:
    """Goals for every account that has them; returns the accounts scoring did not know yet."""
    what = "goals agreed with business and enterprise customers"
    path = "/v1/accounts/{account_id}/goals"
    if not await scoring.offers(path, "put"):
        return Step("scoring", what, False, "scoring: not available yet"), []
    done, unknown, failed = 0, [], ""
    for account in world.accounts:
        goals = goals_for(account)
        if not goals:
            continue
        response = await scoring.send(
            "PUT", f"/v1/accounts/{account.id}/goals", json={"goals": goals}
        )
        if response.status_code == 404:
            unknown.append(account)
        elif response.status_code >= 400:
            failed = _problem(response)
        else:
            done += 1
    detail = f"{done} accounts" + (f"; refused: {failed}" if failed else "")
    return Step("scoring", what, not failed, detail), unknown


async def put_policy(notify: ServiceApi, slack_url: str) -> Step:
    what = "delivery policy (product name, CSM alerts to Slack, any hour, reviews every minute)"
    if not await notify.offers("/v1/policy", "put"):
        return Step("notify", what, False, "notify: not available yet")
    # A new workspace has the default policy: only what the demo changes is sent (the rest of
    # the policy keeps its defaults: caps, CSM budget, high-touch rule).
    policy = {
        "product_name": catalog.PRODUCT_NAME,
        "product_url": catalog.PRODUCT_URL,
        "slack_webhook_url": slack_url,
        "default_timezone": catalog.TOKYO,
        "default_locale": "ja",
        # 90 days are replayed in minutes at whatever hour the demo runs; the default policy
        # holds e-mails outside 9:00-20:00 in each recipient's own time zone.
        "delivery_hours": {"send_window": None, "quiet_hours": None},
        # CSMs review their queued alerts every minute in the demo (by default at 09:00 and
        # 13:00 in their zone), so the demo's alerts go out while it runs; the daily budget
        # per CSM still holds.
        "csm_review_times": EVERY_MINUTE,
    }
    response = await notify.send("PUT", "/v1/policy", json=policy)
    if response.status_code >= 400:
        return Step("notify", what, False, _problem(response))
    return Step("notify", what, True)


async def put_onboarding_playbook(notify: ServiceApi) -> Step:
    what = f"onboarding playbook's key action = {catalog.CORE_ACTION!r}"
    path = "/v1/playbooks/{playbook_id}"
    if not await notify.offers(path, "put"):
        return Step("notify", what, False, "notify: not available yet")
    try:
        current = await notify.get(f"/v1/playbooks/{ONBOARDING_PLAYBOOK}")
    except httpx.HTTPStatusError as error:
        return Step("notify", what, False, _problem(error.response))
    source = str(current.get("source", ""))
    if GENERIC_KEY_ACTION not in source:
        return Step("notify", what, True, "already set")
    response = await notify.send(
        "PUT",
        f"/v1/playbooks/{ONBOARDING_PLAYBOOK}",
        content=source.replace(GENERIC_KEY_ACTION, catalog.CORE_ACTION),
        content_type="application/yaml",
    )
    if response.status_code >= 400:
        return Step("notify", what, False, _problem(response))
    return Step("notify", what, True, f"version {response.json().get('version')}")
