"""Words built from structured data, in the reader's language (health drivers, bands, measures)."""

from __future__ import annotations

from collections.abc import Callable

from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations
from babel.units import format_unit

from banso_console.domain.drivers import DriverLine
from banso_console.domain.playbooks import wait_parts


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


BAND_LABELS = {
    "green": N_("Healthy"),
    "yellow": N_("At risk"),
    "red": N_("Critical"),
    "unknown": N_("Not enough data"),
}

MEASURE_LABELS = {
    "licence_utilisation": N_("Licence utilisation"),
    "feature_adoption": N_("Key-feature adoption"),
    "usage_trend": N_("Usage trend"),
    "core_action_frequency": N_("Core action frequency"),
    "support_friction": N_("Support friction"),
    "nps_csat": N_("NPS / CSAT"),
    "onboarding_milestones": N_("Onboarding milestones"),
    "goal_attainment": N_("Goal attainment"),
    "renewal": N_("Renewal"),
    "cs_touch_recency": N_("CS touch recency"),
}

THEME_STATUS_LABELS = {
    "open": N_("Open"),
    "ticketed": N_("Ticketed"),
    "resolved": N_("Resolved"),
    "merged": N_("Merged"),
    "dismissed": N_("Dismissed"),
}

TICKET_STATE_LABELS = {
    "pending": N_("Being filed"),
    "created": N_("Filed"),
    "failed": N_("Filing failed"),
    "resolved": N_("Resolved"),
    "cancelled": N_("Cancelled"),
}

# Why a theme that reached the ticket threshold has no ticket (the bridge's `held_back`): the
# short label beside "Ticket", and what the theme page says a product manager can do.
HELD_BACK_LABELS = {
    "requests_and_defects": N_("Held back: requests and defects"),
    "unlike_words": N_("Held back: reports in unlike words"),
}
HELD_BACK_ADVICE = {
    "requests_and_defects": N_(
        "This theme has reached the threshold for a ticket, but it holds requests for something"
        " new beside reports of something broken, which a product team files apart. Split off"
        " one of the two below and each part is filed on its own."
    ),
    "unlike_words": N_(
        "This theme has reached the threshold for a ticket, but some of its reports share no"
        " words with the rest: it may hold two problems, or one told in different words. Split"
        " off below the reports of another problem; if they are the problem of another theme,"
        " merge this theme into it instead."
    ),
}

GROWTH_LABELS = {
    "new": N_("New this week"),
    "growing": N_("Growing"),
    "steady": N_("Steady"),
    "shrinking": N_("Shrinking"),
}

FEEDBACK_KIND_LABELS = {
    "support_ticket": N_("Support ticket"),
    "nps_comment": N_("NPS comment"),
    "csm_note": N_("CSM note"),
    "churn_reason": N_("Churn reason"),
    "feature_request": N_("Feature request"),
}

TRIGGER_LABELS = {
    "usage_event": N_("A usage event"),
    "health_changed": N_("Health changes"),
    "inactivity": N_("No activity"),
    "milestone_overdue": N_("A milestone is overdue"),
    "goal_at_risk": N_("A goal is at risk"),
    "ticket_resolved": N_("A ticket is resolved"),
    "metric_crossed": N_("A metric crosses a threshold"),
}

CHANNEL_LABELS = {
    "email": N_("Email"),
    "inapp": N_("In-app message"),
    "slack": N_("Slack"),
    "webhook": N_("Webhook"),
}

# A playbook's send step by what it does on its channel.
SEND_STEP_LABELS = {
    "email": N_("Send an email"),
    "inapp": N_("Show an in-app message"),
    "slack": N_("Post to Slack"),
    "webhook": N_("Call the webhook"),
}

SUPPRESS_REASON_LABELS = {
    "playbook_disabled": N_("Playbook switched off"),
    "goal_reached": N_("Goal already reached"),
    "unsubscribed": N_("Unsubscribed"),
    "suppressed": N_("On the suppression list"),
    "high_touch_no_csm": N_("High-touch account without a CSM"),
    "no_address": N_("No address"),
    "frequency_cap": N_("Frequency cap"),
    "holdout": N_("Held out (control group)"),
    "csm_budget": N_("CSM alert budget spent"),
    "csm_duplicate": N_("CSM already alerted"),
    "stale": N_("Too late: the trigger happened too long ago"),
    "duplicate": N_("Already sent for this trigger"),
    "high_touch_routed": N_("Sent to the account's CSM instead"),
}

NUDGE_STATE_LABELS = {
    "held": N_("Held"),
    "csm_queued": N_("Waiting for the CSM"),
    "ready": N_("About to be sent"),
    "sending": N_("Being sent"),
    "sent": N_("Sent out"),
    "suppressed": N_("Suppressed"),
    "dead": N_("Failed"),
}

HOLD_REASON_LABELS = {
    "wait_step": N_("Waiting for its step's time"),
    "quiet_hours": N_("Outside the send window or in quiet hours"),
    "csm_review": N_("Waiting for the CSM's review"),
    "awaiting_address": N_("Waiting for the person's address"),
    "awaiting_account": N_("Waiting for the account's details (plan, ARR, CSM)"),
    "awaiting_person": N_("Waiting for the person's details (name, language, address)"),
}

EVENT_OUTCOME_LABELS = {
    "accepted": N_("Accepted"),
    "duplicate": N_("Duplicate (already accepted)"),
    "rejected": N_("Rejected"),
}

# Ingest's reason codes for an event it refused (its `detail` is English, shown to English readers).
REJECTION_LABELS = {
    "not_an_object": N_("Not a JSON object"),
    "missing_type": N_("No type"),
    "unknown_type": N_("Unknown type"),
    "missing_identity": N_("Neither userId nor anonymousId"),
    "missing_event": N_("A track without an event name"),
    "missing_group_id": N_("A group call without groupId"),
    "missing_user_id": N_("No userId"),
    "missing_previous_id": N_("An alias without previousId"),
    "invalid_field": N_("A field of the wrong type"),
    "bad_timestamp": N_("A timestamp that cannot be read"),
    "event_too_large": N_("The event is too large"),
    "write_key_mismatch": N_("Another source's write key"),
    "missing_text": N_("Feedback without text"),
    "unknown_kind": N_("Unknown feedback kind"),
    "bad_score": N_("A score outside 0–10"),
    "missing_account": N_("No account for the feedback"),
}

# Languages by their own name (a reader recognises their language whatever the page's).
LANGUAGE_NAMES = {"ja": "日本語", "en": "English", "und": N_("Unknown language")}


class Wording:
    """Sentences for one language."""

    def __init__(self, translations: NullTranslations, locale: str) -> None:
        self.gettext: Callable[[str], str] = translations.gettext
        self.ngettext: Callable[[str, str, int], str] = translations.ngettext
        self.locale = locale

    def band(self, band: str) -> str:
        return self.gettext(BAND_LABELS.get(band, BAND_LABELS["unknown"]))

    def _label(self, labels: dict[str, str], key: str) -> str:
        label = labels.get(key)
        return self.gettext(label) if label else key.replace("_", " ")

    def theme_status(self, status: str) -> str:
        return self._label(THEME_STATUS_LABELS, status)

    def ticket_state(self, state: str) -> str:
        return self._label(TICKET_STATE_LABELS, state)

    def held_back(self, reason: str) -> str:
        return self._label(HELD_BACK_LABELS, reason)

    def held_back_advice(self, reason: str) -> str:
        return self._label(HELD_BACK_ADVICE, reason)

    def growth(self, growth: str) -> str:
        return self._label(GROWTH_LABELS, growth)

    def feedback_kind(self, kind: str) -> str:
        return self._label(FEEDBACK_KIND_LABELS, kind)

    def language(self, code: str) -> str:
        name = LANGUAGE_NAMES.get(code)
        if name is None:
            return code
        return self.gettext(name) if code == "und" else name

    def trigger(self, trigger: str) -> str:
        return self._label(TRIGGER_LABELS, trigger)

    def channel(self, channel: str) -> str:
        return self._label(CHANNEL_LABELS, channel)

    def send_step(self, channel: str | None) -> str:
        """What a send step does ("Send an email"); a channel the console does not know, named."""
        label = SEND_STEP_LABELS.get(channel or "")
        if label:
            return self.gettext(label)
        return self.gettext("Send by %(channel)s") % {"channel": self.channel(channel or "")}

    def suppress_reason(self, reason: str) -> str:
        return self._label(SUPPRESS_REASON_LABELS, reason)

    def nudge_state(self, state: str) -> str:
        return self._label(NUDGE_STATE_LABELS, state)

    def nudge_reason(self, reason: str | None) -> str:
        """Why a nudge was suppressed or is held ("" when it has no reason)."""
        if not reason:
            return ""
        if reason in HOLD_REASON_LABELS:
            return self.gettext(HOLD_REASON_LABELS[reason])
        return self._label(SUPPRESS_REASON_LABELS, reason)

    def duration(self, text: str) -> str:
        """A playbook's wait (``3d``) in words ("3 days", "3 日"); anything else as it is."""
        parts = wait_parts(text)
        if parts is None:
            return text
        number, unit = parts
        return format_unit(number, f"duration-{unit}", locale=self.locale)

    def event_outcome(self, outcome: str) -> str:
        return self._label(EVENT_OUTCOME_LABELS, outcome)

    def rejection(self, reason: str | None) -> str:
        return "" if not reason else self._label(REJECTION_LABELS, reason)

    def percent(self, share: float | None) -> str:
        if share is None:
            return "—"
        return format_percent(share, locale=self.locale)

    def measure(self, measure: str) -> str:
        label = MEASURE_LABELS.get(measure)
        return self.gettext(label) if label else measure.replace("_", " ")

    def _number(self, value: float) -> str:
        return format_decimal(value, format="#,##0.#", locale=self.locale)

    def value(self, line: DriverLine) -> str:
        value = line.value
        if value is None:
            return self.gettext("not measured")
        _ = self.gettext
        if line.unit == "share":
            return format_percent(value, locale=self.locale)
        if line.unit == "baseline":
            return _("%(percent)s of the usual activity") % {
                "percent": format_percent(value, locale=self.locale)
            }
        if line.unit == "per_week":
            return _("%(number)s a week") % {"number": self._number(value)}
        if line.unit == "count":
            return _("ticket weight %(number)s (negative tickets count more)") % {
                "number": self._number(value)
            }
        if line.unit == "nps":
            return _("latest answer %(number)s of 10") % {"number": self._number(value)}
        days = abs(round(value))
        if line.unit == "days_left" and value < 0:
            return self.ngettext("%(num)d day overdue", "%(num)d days overdue", days) % {
                "num": days
            }
        if line.unit == "days_left":
            return self.ngettext("in %(num)d day", "in %(num)d days", days) % {"num": days}
        if line.unit == "days_since":
            return self.ngettext("%(num)d day ago", "%(num)d days ago", days) % {"num": days}
        return self._number(value)

    def impact(self, line: DriverLine) -> str:
        points = format_decimal(abs(line.impact), format="#,##0.0", locale=self.locale)
        _ = self.gettext
        if line.basis == "change" and line.direction == "up":
            return _("%(points)s points more than the last health") % {"points": points}
        if line.basis == "change":
            return _("%(points)s points less than the last health") % {"points": points}
        return _("costs %(points)s points") % {"points": points}

    def driver(self, line: DriverLine) -> str:
        return self.gettext("%(measure)s: %(value)s (%(impact)s)") % {
            "measure": self.measure(line.measure),
            "value": self.value(line),
            "impact": self.impact(line),
        }
