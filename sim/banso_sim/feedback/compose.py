"""Compose feedback texts: one report of a problem, a CSM note, praise, a churn reason, noise."""

from __future__ import annotations

import random
import re
import string

from banso_sim.feedback.problems import (
    CHURN_REASONS,
    CLOSERS,
    COMPETITORS,
    CSM_NOTE_PREFIXES,
    ONE_OFF_KEYS,
    ONE_OFFS,
    OPENERS,
    PRAISE,
    Phrasing,
    Problem,
)

_SLOT = re.compile(r"\{(\w+)\}")


def fill(template: str, slots: dict[str, tuple[str, ...]], rng: random.Random) -> str:
    """Replace each `{slot}` with one of its values (each slot drawn once per text)."""
    chosen: dict[str, str] = {}

    def pick(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in chosen:
            chosen[name] = rng.choice(slots[name])
        return chosen[name]

    return _SLOT.sub(pick, template)


def join(parts: list[str], language: str) -> str:
    # Japanese runs sentences together; English separates them with a space.
    return ("" if language == "ja" else " ").join(part for part in parts if part)


def _complaint(phrasing: Phrasing, rng: random.Random, detail_chance: float) -> list[str]:
    parts = [fill(rng.choice(phrasing.bodies), phrasing.slots, rng)]
    if phrasing.details and rng.random() < detail_chance:
        parts.append(fill(rng.choice(phrasing.details), phrasing.slots, rng))
    return parts


def problem_report(
    problem: Problem,
    language: str,
    rng: random.Random,
    *,
    kind: str,
    contact_email: str | None = None,
) -> str:
    """What a customer writes about `problem`, shaped by where it is written (`kind`)."""
    phrasing = problem.phrasing(language)
    if kind == "support_ticket":
        parts = []
        if rng.random() < 0.55:
            parts.append(rng.choice(OPENERS[language]))
        parts += _complaint(phrasing, rng, 0.5)
        if rng.random() < 0.6:
            parts.append(rng.choice(CLOSERS[language]))
        if rng.random() < 0.1:
            parts.append(_contact(language, rng, contact_email))
        return join(parts, language)
    if kind == "csm_note":
        return csm_note(problem, language, rng)
    return _casual(join(_complaint(phrasing, rng, 0.35), language), language, rng)


def csm_note(problem: Problem, language: str, rng: random.Random) -> str:
    """A CSM's note quoting what the customer said."""
    quote = join(_complaint(problem.phrasing(language), rng, 0.3), language)
    prefix = rng.choice(CSM_NOTE_PREFIXES[language])
    return f"{prefix}「{quote}」" if language == "ja" else f'{prefix}"{quote}"'


def praise(language: str, rng: random.Random) -> str:
    return rng.choice(PRAISE[language])


def churn_reason(
    language: str, rng: random.Random, problem: Problem | None
) -> tuple[str, Problem | None]:
    """Why an account leaves, as its CSM records it; a problem it hit often is the reason.

    Returns the text and the problem it tells of (None for a generic reason such as price)."""
    if problem is not None and rng.random() < 0.6:
        phrasing = problem.phrasing(language)
        said = fill(rng.choice(phrasing.bodies), phrasing.slots, rng)
        return (f"解約理由: {said}" if language == "ja" else f"Churn reason: {said}"), problem
    reason = rng.choice(CHURN_REASONS[language]).replace("{competitor}", rng.choice(COMPETITORS))
    return (f"解約理由: {reason}" if language == "ja" else f"Churn reason: {reason}"), None


def one_off(language: str, rng: random.Random) -> tuple[str, str]:
    """A request outside the planted problems, and which one it is (`request:<key>`, the same
    for the request told in Japanese and in English)."""
    index = rng.randrange(len(ONE_OFFS[language]))
    return _casual(ONE_OFFS[language][index], language, rng), (
        f"request:{ONE_OFF_KEYS[language][index]}"
    )


def _casual(text: str, language: str, rng: random.Random) -> str:
    """In-app boxes get quick typing: a dropped final stop, an exclamation, lower case."""
    draw = rng.random()
    if language == "en":
        if draw < 0.15:
            return text.rstrip(".")
        if draw < 0.25:
            return text[0].lower() + text[1:]
        return text
    if draw < 0.15:
        return text.rstrip("。")
    if draw < 0.25 and text.endswith("。"):
        return text[:-1] + "！"
    return text


def _contact(language: str, rng: random.Random, email: str | None) -> str:
    digits = "".join(rng.choice(string.digits) for _ in range(8))
    if language == "ja":
        prefix = rng.choice(("03", "06", "090", "080"))
        phone = f"{prefix}-{digits[:4]}-{digits[4:]}"
        return f"折り返しのご連絡は{phone}までお願いします。"
    phone = f"+1 415 555 {digits[:4]}"
    if email and rng.random() < 0.5:
        return f"You can reach me at {email}."
    return f"Call me back at {phone} if needed."
