"""Words built from structured data, in the reader's language (health drivers, bands, measures)."""

from __future__ import annotations

from collections.abc import Callable

from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations

from banso_console.domain.drivers import DriverLine


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


class Wording:
    """Sentences for one language."""

    def __init__(self, translations: NullTranslations, locale: str) -> None:
        self.gettext: Callable[[str], str] = translations.gettext
        self.ngettext: Callable[[str, str, int], str] = translations.ngettext
        self.locale = locale

    def band(self, band: str) -> str:
        return self.gettext(BAND_LABELS.get(band, BAND_LABELS["unknown"]))

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
