"""The playbooks screen's decisions: a playbook's steps, which one to preview, the uplift chart."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from banso_console.domain.forms import ACTOR_PREFIX

# The preview is shown in both languages side by side.
PREVIEW_LOCALES = ("ja", "en")


@dataclass(frozen=True, slots=True)
class Step:
    index: int
    kind: Literal["send", "wait"]
    channel: str | None = None
    template: str | None = None
    wait: str | None = None
    #: a send step's subject (e-mail) or title (in-app, Slack) in words, and its language
    subject: str | None = None
    subject_locale: str | None = None


def steps_of(definition: Mapping[str, Any], *, locale: str) -> list[Step]:
    """The playbook's steps in order: a send (channel, template, and what its message says in
    the reader's language when its template has a subject) or a wait (its duration)."""
    found: list[Step] = []
    for index, step in enumerate(definition.get("steps") or []):
        send = step.get("send") if isinstance(step, Mapping) else None
        if isinstance(send, Mapping):
            template = send.get("template")
            subject = template_subject(definition, template, locale) if template else None
            found.append(
                Step(
                    index,
                    "send",
                    channel=send.get("channel"),
                    template=template,
                    subject=subject[0] if subject else None,
                    subject_locale=subject[1] if subject else None,
                )
            )
        elif isinstance(step, Mapping) and "wait" in step:
            found.append(Step(index, "wait", wait=str(step["wait"])))
    return found


_STATEMENT = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
_VARIABLE = re.compile(r"\{\{.*?\}\}", re.S)
_ELLIPSES = re.compile(r"…(?:\s*…)+")


def subject_words(subject: str) -> str | None:
    """A template's subject as a person reads it before it is sent: its words, with "…" where
    each message puts its own ("… turned red (…)"); None when it is nothing but those."""
    text = _VARIABLE.sub("…", _STATEMENT.sub("", subject))
    text = _ELLIPSES.sub("…", " ".join(text.split()))
    return text if re.search(r"\w", text) else None


def template_subject(
    definition: Mapping[str, Any], template: str, locale: str
) -> tuple[str, str] | None:
    """The subject of a playbook's template in words and the language it is in: the reader's,
    else the playbook's default (as notify falls back when it sends), else any it has; None
    when no language of it has a subject with words (a Slack text, say)."""
    texts = (definition.get("templates") or {}).get(template)
    if not isinstance(texts, Mapping):
        return None
    default = definition.get("default_locale") or "en"
    for candidate in dict.fromkeys((locale, default, *texts)):
        content = texts.get(candidate)
        subject = content.get("subject") if isinstance(content, Mapping) else None
        words = subject_words(subject) if isinstance(subject, str) else None
        if words:
            return words, str(candidate)
    return None


WaitUnit = Literal["second", "minute", "hour", "day", "week"]
_WAIT = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_WAIT_UNITS: dict[str, WaitUnit] = {
    "s": "second",
    "m": "minute",
    "h": "hour",
    "d": "day",
    "w": "week",
}


def wait_parts(text: str) -> tuple[int, WaitUnit] | None:
    """A wait step's duration as notify writes it (``30m``, ``12h``, ``3d``, ``2w``): the
    number and its unit, for the page to word; None for anything else."""
    found = _WAIT.match(text)
    if found is None:
        return None
    return int(found.group(1)), _WAIT_UNITS[found.group(2)]


@dataclass(frozen=True, slots=True)
class MadeBy:
    """Who made a playbook version: a person (a console user, or whoever a caller said it acted
    for), the API token it was made with when no console user made it, or both."""

    person: str | None
    token: str | None


_MADE_BY = re.compile(r"^(?:(?P<actor>.+) \(token (?P<token>[^()]*)\)|token (?P<only>[^()\s]*))$")


def made_by(created_by: str | None) -> MadeBy | None:
    """Notify's audit of a version (``console: <email> (token <id>)``, ``<actor> (token <id>)``
    or ``token <id>``) as a person and a token; the console's own short-lived token is nobody's
    concern. Anything else is the person, as notify has it."""
    if not created_by:
        return None
    found = _MADE_BY.match(created_by)
    if found is None:
        return MadeBy(created_by, None)
    if found.group("only") is not None:
        return MadeBy(None, found.group("only"))
    actor = found.group("actor")
    if actor.startswith(ACTOR_PREFIX):
        return MadeBy(actor.removeprefix(ACTOR_PREFIX), None)
    return MadeBy(actor, found.group("token"))


StepProblem = Literal["not_a_send_step"]


@dataclass(frozen=True, slots=True)
class ChosenStep:
    index: int | None
    problem: StepProblem | None = None


def choose_step(asked: str | None, steps: list[Step]) -> ChosenStep:
    """The send step to preview: the one asked for, else the first; a wait step or an index the
    playbook does not have is named as a problem (and the first send step is shown)."""
    sends = [step.index for step in steps if step.kind == "send"]
    first = sends[0] if sends else None
    if asked is None or asked == "":
        return ChosenStep(first)
    if asked.isdigit() and int(asked) in sends:
        return ChosenStep(int(asked))
    return ChosenStep(first, "not_a_send_step")


@dataclass(frozen=True, slots=True)
class UpliftChart:
    """Percentage points: the estimate and its 95 % interval (Newcombe)."""

    estimate: float
    low: float
    high: float

    @property
    def verdict(self) -> Literal["helps", "hurts", "unclear"]:
        if self.low > 0:
            return "helps"
        if self.high < 0:
            return "hurts"
        return "unclear"

    def chart(self, label: str, interval_label: str, estimate_label: str) -> dict[str, Any]:
        """What the page's Chart.js script draws: a floating bar for the interval, a point for
        the estimate, on an axis that always shows zero."""
        bound = max(abs(self.low), abs(self.high), 1.0) * 1.15
        return {
            "label": label,
            "interval_label": interval_label,
            "estimate_label": estimate_label,
            "low": self.low,
            "high": self.high,
            "estimate": self.estimate,
            "min": -bound,
            "max": bound,
        }


def uplift_chart(report: Mapping[str, Any]) -> UpliftChart | None:
    """The uplift in percentage points, when notify could compute it (both arms have accounts)."""
    uplift = report.get("uplift")
    if not uplift:
        return None
    interval = uplift["ci95"]
    return UpliftChart(
        estimate=round(uplift["difference"] * 100, 2),
        low=round(interval["low"] * 100, 2),
        high=round(interval["high"] * 100, 2),
    )


def name_in(playbook: Mapping[str, Any], locale: str) -> str:
    """The playbook's name in the reader's language: notify's ``names`` gives one for each
    language (a name written as one string is the same in each); its ``name`` (English, else
    the first given) when it has none for this language, or answered without ``names``."""
    names: Mapping[str, str] = playbook.get("names") or {}
    return names.get(locale) or str(playbook.get("name") or "")


def description_in(playbook: Mapping[str, Any], locale: str) -> str:
    """The playbook's description in the reader's language, as :func:`name_in` (empty when
    it has none)."""
    descriptions: Mapping[str, str] = playbook.get("descriptions") or {}
    if locale in descriptions:
        return descriptions[locale]
    described = (playbook.get("definition") or {}).get("description")
    return described if isinstance(described, str) else ""


def playbook_names(listed: Sequence[Mapping[str, Any]] | None, locale: str) -> dict[str, str]:
    """Each playbook's name by its id in the reader's language, for a page that lists things by
    playbook (an account's nudges). Empty when notify did not answer: the page then shows the
    ids."""
    found = {playbook["id"]: name_in(playbook, locale) for playbook in listed or ()}
    return {playbook_id: name for playbook_id, name in found.items() if name}


def suppressions(report: Mapping[str, Any]) -> list[tuple[str, int]]:
    """Suppressions by reason, most frequent first."""
    counts: Mapping[str, int] = report.get("suppressed") or {}
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


TestSendProblem = Literal["required", "invalid_email", "too_long", "unknown_language"]
MAX_EMAIL = 254


def check_test_send(to: str, locale: str) -> dict[str, TestSendProblem]:
    """Where a test message goes (one e-mail address) and in which language."""
    problems: dict[str, TestSendProblem] = {}
    address = to.strip()
    local, _, domain = address.partition("@")
    if not address:
        problems["to"] = "required"
    elif len(address) > MAX_EMAIL:
        problems["to"] = "too_long"
    elif not local or "." not in domain or any(c.isspace() or c in "<>" for c in address):
        problems["to"] = "invalid_email"
    if locale not in PREVIEW_LOCALES:
        problems["locale"] = "unknown_language"
    return problems
