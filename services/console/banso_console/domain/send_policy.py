"""The send policy form: notify's frequency caps, send window, quiet hours and CSM alert budget as
fields a person edits, checked field by field, merged into the rest of the policy unchanged."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from banso_console.domain.yaml_editing import plain_params

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_CAP = 100_000
MAX_BUDGET = 1000
MAX_REVIEW_TIMES = 12
_DURATION = re.compile(r"^\d{1,4}[smhdw]$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

PolicyProblem = Literal[
    "not_count", "not_duration", "not_time", "no_days", "quiet_pair", "not_times", "refused"
]


@dataclass(slots=True)
class PolicyForm:
    """The fields as shown (from the policy) or as typed (from a post)."""

    caps: dict[str, dict[str, str]]
    window_start: str
    window_end: str
    window_days: list[str]
    quiet_start: str
    quiet_end: str
    csm_daily_budget: str
    csm_review_times: str


def _hhmm(value: Any) -> str:
    return "" if not value else str(value)[:5]


def form_of(policy: Mapping[str, Any]) -> PolicyForm:
    hours = policy.get("delivery_hours") or {}
    window = hours.get("send_window") or {}
    quiet = hours.get("quiet_hours") or {}
    return PolicyForm(
        caps={
            name: {"max": str(rule.get("max", "")), "per": str(rule.get("per", ""))}
            for name, rule in (policy.get("caps") or {}).items()
        },
        window_start=_hhmm(window.get("start")),
        window_end=_hhmm(window.get("end")),
        window_days=list(window.get("days") or (WEEKDAYS if not window else ())),
        quiet_start=_hhmm(quiet.get("start")),
        quiet_end=_hhmm(quiet.get("end")),
        csm_daily_budget=str(policy.get("csm_daily_budget", "")),
        csm_review_times=", ".join(_hhmm(t) for t in policy.get("csm_review_times") or ()),
    )


def form_from_post(posted: Mapping[str, str], days: list[str], caps: list[str]) -> PolicyForm:
    """What the form sent, for the caps the policy has (others are ignored)."""
    return PolicyForm(
        caps={
            name: {
                "max": posted.get(f"cap-{name}-max", "").strip(),
                "per": posted.get(f"cap-{name}-per", "").strip(),
            }
            for name in caps
        },
        window_start=posted.get("window_start", "").strip(),
        window_end=posted.get("window_end", "").strip(),
        window_days=[day for day in WEEKDAYS if day in days],
        quiet_start=posted.get("quiet_start", "").strip(),
        quiet_end=posted.get("quiet_end", "").strip(),
        csm_daily_budget=posted.get("csm_daily_budget", "").strip(),
        csm_review_times=posted.get("csm_review_times", "").strip(),
    )


@dataclass(slots=True)
class CheckedPolicy:
    problems: dict[str, PolicyProblem] = field(default_factory=dict)
    policy: dict[str, Any] = field(default_factory=dict)


def _count(text: str, most: int) -> int | None:
    return int(text) if text.isdigit() and int(text) <= most else None


def check_policy(form: PolicyForm, policy: Mapping[str, Any]) -> CheckedPolicy:
    """Each field checked (problems by the field's id); when all are good, the whole policy
    with these fields replaced and every other one (channels, secrets) as it was."""
    result = CheckedPolicy()
    problems = result.problems
    caps = {name: dict(rule) for name, rule in (policy.get("caps") or {}).items()}
    for name, typed in form.caps.items():
        most = _count(typed["max"], MAX_CAP)
        if most is None:
            problems[f"cap-{name}-max"] = "not_count"
        elif name in caps:
            caps[name]["max"] = most
        if not _DURATION.match(typed["per"]):
            problems[f"cap-{name}-per"] = "not_duration"
        elif name in caps:
            caps[name]["per"] = typed["per"]
    for name in ("window_start", "window_end"):
        if not _TIME.match(getattr(form, name)):
            problems[name] = "not_time"
    if not form.window_days:
        problems["window_days"] = "no_days"
    quiet = (form.quiet_start, form.quiet_end)
    if any(quiet) and not all(quiet):
        problems["quiet_end" if form.quiet_start else "quiet_start"] = "quiet_pair"
    for name, value in (("quiet_start", quiet[0]), ("quiet_end", quiet[1])):
        if value and not _TIME.match(value):
            problems[name] = "not_time"
    budget = _count(form.csm_daily_budget, MAX_BUDGET)
    if budget is None:
        problems["csm_daily_budget"] = "not_count"
    times = [part.strip() for part in form.csm_review_times.replace(",", " ").split()]
    if not times or len(times) > MAX_REVIEW_TIMES or not all(_TIME.match(t) for t in times):
        problems["csm_review_times"] = "not_times"
    if problems:
        return result
    hours = dict(policy.get("delivery_hours") or {})
    hours["send_window"] = {
        "start": form.window_start,
        "end": form.window_end,
        "days": form.window_days,
    }
    hours["quiet_hours"] = (
        {"start": form.quiet_start, "end": form.quiet_end} if all(quiet) else None
    )
    result.policy = {
        **policy,
        "caps": caps,
        "delivery_hours": hours,
        "csm_daily_budget": budget,
        "csm_review_times": times,
    }
    return result


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why notify refused a field: its English message, and its code and parameters when it
    gave them (to word it in the reader's language)."""

    message: str
    code: str | None = None
    params: dict[str, str | int | float | bool] = field(default_factory=dict)


def _form_field(path: str) -> str:
    """The form's field for a path of notify's policy; ``policy`` for one it does not have."""
    parts = path.split(".")
    if parts[:1] == ["caps"] and len(parts) >= 3:
        return f"cap-{parts[1]}-{parts[2]}"
    if parts[:2] == ["delivery_hours", "send_window"] and len(parts) >= 3:
        return f"window_{parts[2]}"
    if parts[:2] == ["delivery_hours", "quiet_hours"] and len(parts) >= 3:
        return f"quiet_{parts[2]}"
    if parts[0] in ("csm_daily_budget", "csm_review_times"):
        return parts[0]
    return "policy"


def refusal_reasons(refusal: Any) -> dict[str, Refusal]:
    """Notify's 422 (``detail``: field, message, code and params each) by the form's field; the
    first reason given for a field is kept."""
    detail = refusal.get("detail") if isinstance(refusal, Mapping) else None
    found: dict[str, Refusal] = {}
    for entry in detail if isinstance(detail, list) else []:
        if not isinstance(entry, Mapping):
            found.setdefault("policy", Refusal(""))
            continue
        code = entry.get("code")
        found.setdefault(
            _form_field(str(entry.get("field", ""))),
            Refusal(
                message=str(entry.get("message") or ""),
                code=code if isinstance(code, str) else None,
                params=plain_params(entry.get("params")),
            ),
        )
    return found


def refused_fields(refusal: Any) -> dict[str, PolicyProblem]:
    """Notify's 422 on the form's fields; a field the form does not have is put on the form as a
    whole (``policy``)."""
    return {name: "refused" for name in refusal_reasons(refusal)} or {"policy": "refused"}
