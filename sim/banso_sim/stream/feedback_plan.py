"""Which feedback each account gives over the window: problem reports, NPS answers, CSM notes,
churn reasons and one-off requests, each with its day, author, language and words."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from banso_sim.feedback import compose
from banso_sim.feedback.problems import CSM_CHECKINS, PROBLEMS, Problem
from banso_sim.world.build import rng_for
from banso_sim.world.model import Account, Archetype, User, World, WorldConfig

# Accounts in trouble hit problems more often (the problems are part of why they are in trouble).
_REACH_BY_STORY = {
    Archetype.HEALTHY: 0.7,
    Archetype.DECLINING: 1.8,
    Archetype.CHURNING: 1.8,
    Archetype.EXPANDING: 0.6,
    Archetype.ONBOARDING: 1.0,
}
_NPS_SCORES: dict[Archetype, tuple[tuple[int, ...], tuple[float, ...]]] = {
    Archetype.HEALTHY: ((10, 9, 8, 7, 6), (3, 4, 2, 1, 0.5)),
    Archetype.EXPANDING: ((10, 9, 8), (4, 4, 1)),
    Archetype.DECLINING: ((9, 8, 7, 6, 5, 4, 3), (1, 2, 3, 3, 2, 2, 1)),
    Archetype.CHURNING: ((6, 5, 4, 3, 2, 1, 0), (2, 2, 3, 3, 2, 1, 1)),
    Archetype.ONBOARDING: ((10, 9, 8, 7, 6), (1, 2, 3, 2, 1)),
}


@dataclass(frozen=True, slots=True)
class PlannedFeedback:
    day: int
    kind: str
    """A contracts FeedbackKind: support_ticket, nps_comment, csm_note, churn_reason, feature_request."""
    text: str | None
    """None for an NPS answer without a comment (ingest keeps it as a usage event)."""
    language: str
    user_id: str | None
    """The person who said it; None when the account's CSM wrote it down."""
    problem: str | None
    """The problem behind it (ground truth), if any."""
    score: int | None = None
    topic: str | None = None
    """What it is about (ground truth for scoring themes): the problem's key, or `praise`,
    `check_in`, `churn` (a reason that is no product problem) or `request:<key>` (one
    of the requests outside the planted problems). None for an NPS answer without words."""

    @property
    def about(self) -> str:
        return self.topic or self.problem or "none"


def active_days(config: WorldConfig, account: Account) -> tuple[int, int]:
    """The first and last day of the window on which the account uses the product."""
    first = max(0, (account.created_at - config.start).days)
    trajectory = account.trajectory
    last = config.days - 1
    if trajectory.archetype is Archetype.CHURNING:
        last = min(last, max(first, round(trajectory.end * config.days) - 1))
    return first, last


def problems_of(config: WorldConfig, account: Account) -> tuple[Problem, ...]:
    """The problems this account runs into (a deterministic draw per account)."""
    rng = rng_for(config.seed, f"problems:{account.index}")
    hit = []
    for problem in PROBLEMS:
        reach = problem.reach_ja if account.locale == "ja" else problem.reach_en
        allowed = problem.plans is None or account.plan.value in problem.plans
        if rng.random() < reach * _REACH_BY_STORY[account.archetype] and allowed:
            hit.append(problem)
    return tuple(hit)


def plan_feedback(
    config: WorldConfig, account: Account, users: Sequence[User]
) -> list[PlannedFeedback]:
    rng = rng_for(config.seed, f"feedback:{account.index}")
    first, last = active_days(config, account)
    problems = problems_of(config, account)
    plan: list[PlannedFeedback] = []

    def reporter(day: int) -> User | None:
        present = [user for user in users if user.present_on(day)]
        return rng.choice(present) if present else None

    for problem in problems:
        onset = max(first, round(problem.onset * config.days))
        if onset > last:
            continue
        count = rng.choices((1, 2, 3, 4), (4, 3, 2, 1))[0] + len(users) // 25
        for _ in range(count):
            day = rng.randint(onset, last)
            kind = _weighted(rng, problem.kinds)
            if kind == "csm_note" and account.plan.value in ("starter", "growth"):
                kind = "support_ticket"  # no CSM meets the small accounts
            if kind == "csm_note":
                language = account.csm.locale
                text = compose.csm_note(problem, language, rng)
                plan.append(PlannedFeedback(day, kind, text, language, None, problem.key))
                continue
            person = reporter(day)
            if person is None:
                continue
            score = _score(rng, account.archetype, ceiling=6) if kind == "nps_comment" else None
            text = compose.problem_report(
                problem, person.locale, rng, kind=kind, contact_email=person.email
            )
            plan.append(
                PlannedFeedback(day, kind, text, person.locale, person.id, problem.key, score)
            )
    plan += _nps_survey(config, account, users, problems, rng, first, last)
    plan += _csm_notes(config, account, problems, rng, first, last)
    if account.archetype is Archetype.CHURNING:
        language = account.csm.locale
        cause = rng.choice(problems) if problems else None
        text, told = compose.churn_reason(language, rng, cause)
        day = max(first, last - rng.randint(0, 4))
        key = told.key if told is not None else None
        plan.append(
            PlannedFeedback(day, "churn_reason", text, language, None, key, topic=key or "churn")
        )
    if rng.random() < 0.15:
        day = rng.randint(first, last)
        person = reporter(day)
        if person is not None:
            kind = rng.choice(("support_ticket", "feature_request"))
            text, request = compose.one_off(person.locale, rng)
            plan.append(
                PlannedFeedback(day, kind, text, person.locale, person.id, None, topic=request)
            )
    return sorted(plan, key=lambda item: item.day)


def _nps_survey(
    config: WorldConfig,
    account: Account,
    users: Sequence[User],
    problems: Sequence[Problem],
    rng: random.Random,
    first: int,
    last: int,
) -> list[PlannedFeedback]:
    """The quarterly NPS survey: a quarter of the people answer, some with a comment."""
    opens, closes = max(first, round(config.days * 0.45)), min(last, round(config.days * 0.52))
    answers: list[PlannedFeedback] = []
    if opens > closes:
        return answers
    for user in users:
        day = rng.randint(opens, closes)
        if not user.present_on(day) or rng.random() >= 0.25:
            continue
        score = _score(rng, account.archetype)
        comment_chance = 0.5 if score >= 9 else 0.6 if score >= 7 else 0.8
        if rng.random() >= comment_chance:
            answers.append(
                PlannedFeedback(day, "nps_comment", None, user.locale, user.id, None, score)
            )
            continue
        language = user.locale
        if score >= 9 or not problems:
            if score >= 7:
                text, topic = compose.praise(language, rng), "praise"
            else:
                text, topic = compose.one_off(language, rng)
            answers.append(
                PlannedFeedback(day, "nps_comment", text, language, user.id, None, score, topic)
            )
            continue
        problem = rng.choice(problems)
        text = compose.problem_report(problem, language, rng, kind="nps_comment")
        answers.append(
            PlannedFeedback(day, "nps_comment", text, language, user.id, problem.key, score)
        )
    return answers


def _csm_notes(
    config: WorldConfig,
    account: Account,
    problems: Sequence[Problem],
    rng: random.Random,
    first: int,
    last: int,
) -> list[PlannedFeedback]:
    """Monthly check-ins of the CSMs with their larger accounts."""
    if account.plan.value not in ("business", "enterprise"):
        return []
    notes = []
    language = account.csm.locale
    day = first + rng.randint(3, 20)
    while day <= last:
        if problems and rng.random() < 0.4:
            problem = rng.choice(problems)
            text = compose.csm_note(problem, language, rng)
            notes.append(PlannedFeedback(day, "csm_note", text, language, None, problem.key))
        else:
            text = rng.choice(CSM_CHECKINS[language])
            notes.append(
                PlannedFeedback(day, "csm_note", text, language, None, None, topic="check_in")
            )
        day += rng.randint(25, 35)
    return notes


def _score(rng: random.Random, story: Archetype, ceiling: int = 10) -> int:
    values, weights = _NPS_SCORES[story]
    return min(ceiling, rng.choices(values, weights)[0])


def _weighted(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    return rng.choices([value for value, _ in options], [weight for _, weight in options])[0]


@dataclass(frozen=True, slots=True)
class LabeledFeedback:
    """One feedback item with words, the account that gave it and (ground truth) its problem."""

    account: Account
    item: PlannedFeedback


def world_feedback(config: WorldConfig, world: World) -> list[LabeledFeedback]:
    """Every feedback item with words the world's accounts give, in day order (then account).

    What benchmarks and the demo score themes against: `item.problem` never leaves the simulator.
    """
    out = [
        LabeledFeedback(account, item)
        for account in world.accounts
        for item in plan_feedback(config, account, world.users_of(account))
        if item.text is not None
    ]
    return sorted(out, key=lambda labeled: (labeled.item.day, labeled.account.index))
