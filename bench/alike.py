"""Benchmark: do the bridge's "may be the same problem" suggestions find a problem's ticket?

    .venv/bin/python bench/alike.py        (writes bench/results/alike.json)

The worlds of bench/themes.py (the same seeds, both modes: with the idle pass, and service-like
as the demo reads them, before the idle pass), run through the same domain code. Where each is
scored, for every planted problem that has a ticket, the themes of at least `MIN_ITEMS` items
outside its ticket whose main problem (by the simulator's labels, which never reach the bridge)
is that one are the themes a product manager should merge into the ticket. For each of them the
bridge's suggestions (`domain/alike.alike_themes`, every active theme a candidate, the accounts
from the items) are scored for several likeness floors, with and without the shared-accounts
rule (and with it only for an account overlap of at least 0.2, the ticket link's): the share whose
first suggestion is the ticket's theme (`top1`) or a theme of the same problem
(`top1_same_problem`), whose first three include the ticket's theme (`top3`), that get no suggestion (`none`), and of all the suggestions listed (up to `LIMIT`) the
share whose theme's main problem is another (`another_problem`; praise, check-ins and churn
without a product cause count as another). Seen from the ticket's page: of the ticket themes'
suggestions (up to `LIMIT`), the share of the same problem (`ticket_page_same_problem`), and the
share of those sibling themes listed there (`ticket_page_siblings_listed`). And the CPU time of one
call as the service makes it (`cpu_ms_per_call_*`, beside the active themes and window items).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

from banso_bridge.domain.alike import alike_themes
from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.stream import ThemeStream

sys.path.insert(0, str(Path(__file__).resolve().parent))
from themes import (
    CROSS_LANGUAGE_MIN_CONCEPT_SIMILARITY,
    ROOT,
    Ledger,
    problem_share,
    run_world,
)

FLOORS = (0.1, 0.12, 0.15, 0.18, 0.2, 0.3)
MIN_ITEMS = 3
LIMIT = 5
# The shared-accounts rule measured beside the words: the account link's two shared accounts at
# twice chance (domain/tickets/policy.py), and with the link's Jaccard of 0.2 too.
SHARED_ACCOUNTS = 2


def _variants() -> list[tuple[str, float, int | None, float]]:
    """(name, likeness floor, shared accounts, account overlap) of each variant measured."""
    out: list[tuple[str, float, int | None, float]] = []
    for floor in FLOORS:
        out.append((f"likeness>={floor}", floor, None, 0.0))
        out.append((f"likeness>={floor}+accounts", floor, SHARED_ACCOUNTS, 0.0))
        out.append((f"likeness>={floor}+accounts_overlap>=0.2", floor, SHARED_ACCOUNTS, 0.2))
    return out


def inspect(ledger: Ledger, stream: ThemeStream) -> dict[str, Any]:
    clusterer = stream.clusterer
    members = ledger.members(stream)
    main: dict[int, str] = {}
    for theme_id, items in members.items():
        topics = Counter(ledger.feedback[i].item.about for i in items)
        main[theme_id] = topics.most_common(1)[0][0] if topics else "none"
    accounts = {
        theme_id: {ledger.feedback[i].account.id for i in items}
        for theme_id, items in members.items()
    }
    reporting = len({ledger.feedback[int(i)].account.id for i in ledger.theme_of})
    active = [theme.id for theme in clusterer.active_themes()]
    tickets: dict[str, set[int]] = {}
    for number, theme_id in ledger.tickets.items():
        if number not in ledger.duplicates:
            survivor = clusterer.resolve(theme_id)
            tickets.setdefault(main.get(survivor, "none"), set()).add(survivor)
    ticketed = {theme for themes in tickets.values() for theme in themes}
    planted = {labeled.item.problem for labeled in ledger.feedback if labeled.item.problem}
    orphans = [
        (problem, theme_id)
        for theme_id in active
        if (problem := main.get(theme_id)) in planted
        and problem in tickets
        and theme_id not in ticketed
        and len(members.get(theme_id, [])) >= MIN_ITEMS
    ]
    # Each theme's share of problem reports, as the service counts them (theme_store.problem_shares).
    shares = {theme_id: problem_share(ledger, items) for theme_id, items in members.items()}
    out: dict[str, Any] = {"themes_to_merge": len(orphans)} | _cost(stream, active, accounts)
    for name, floor, shared, overlap in _variants():
        suggest = partial(
            alike_themes,
            clusterer,
            candidates=active,
            accounts=accounts,
            accounts_reporting=reporting,
            limit=LIMIT,
            min_likeness=floor,
            min_shared_accounts=shared,
            min_account_overlap=overlap,
            problem_shares=shares,
        )
        top1 = top1_same = top3 = none = listed = another = 0
        for problem, theme_id in orphans:
            found = suggest(theme_id=theme_id)
            ids = [suggestion.theme_id for suggestion in found]
            top1 += bool(ids) and ids[0] in tickets[problem]
            top1_same += bool(ids) and main.get(ids[0]) == problem
            top3 += any(theme in tickets[problem] for theme in ids[:3])
            none += not ids
            listed += len(ids)
            another += sum(main.get(theme) != problem for theme in ids)
        page_listed = page_same = siblings = siblings_listed = 0
        for problem, themes in tickets.items():
            if problem not in planted:
                continue
            for ticket_theme in themes:
                found = suggest(theme_id=ticket_theme)
                shown = {suggestion.theme_id for suggestion in found}
                page_listed += len(shown)
                page_same += sum(main.get(theme) == problem for theme in shown)
                mine = [theme for p, theme in orphans if p == problem]
                siblings += len(mine)
                siblings_listed += sum(theme in shown for theme in mine)
        out[name] = {
            "top1": top1,
            "top1_same_problem": top1_same,
            "top3": top3,
            "none": none,
            "suggestions": listed,
            "another_problem": another,
            "ticket_page_suggestions": page_listed,
            "ticket_page_same_problem": page_same,
            "ticket_page_siblings": siblings,
            "ticket_page_siblings_listed": siblings_listed,
        }
    return out


def _cost(stream: ThemeStream, active: list[int], accounts: dict[int, set[str]]) -> dict[str, Any]:
    """CPU per call as the service makes it (every active theme a candidate, the defaults), for
    every active theme of at least `MIN_ITEMS` items in the window."""
    clusterer = stream.clusterer
    asked = [theme for theme in active if clusterer.themes[theme].size >= MIN_ITEMS]
    spent: list[float] = []
    for theme_id in asked:
        started = time.process_time()
        alike_themes(clusterer, theme_id, active, accounts, accounts_reporting=1, limit=LIMIT)
        spent.append(1000 * (time.process_time() - started))
    return {
        "active_themes": len(active),
        "window_items": clusterer.window_size,
        "cpu_ms_per_call_mean": round(sum(spent) / len(spent), 2) if spent else None,
        "cpu_ms_per_call_max": round(max(spent), 2) if spent else None,
    }


def _pooled(inspected: list[dict[str, Any]]) -> dict[str, Any]:
    total = sum(run["themes_to_merge"] for run in inspected)
    out: dict[str, Any] = {
        "themes_to_merge": total,
        "cpu_ms_per_call_max": max(run["cpu_ms_per_call_max"] or 0 for run in inspected),
        "active_themes_max": max(run["active_themes"] for run in inspected),
    }
    for name, _, _, _ in _variants():
        counts: Counter[str] = Counter()
        for run in inspected:
            counts.update(run[name])
        out[name] = {
            "top1": round(counts["top1"] / total, 3) if total else None,
            "top1_same_problem": round(counts["top1_same_problem"] / total, 3) if total else None,
            "top3": round(counts["top3"] / total, 3) if total else None,
            "none": round(counts["none"] / total, 3) if total else None,
            "another_problem": (
                round(counts["another_problem"] / counts["suggestions"], 3)
                if counts["suggestions"]
                else None
            ),
            "suggestions_per_theme": round(counts["suggestions"] / total, 2) if total else None,
            "ticket_page_same_problem": (
                round(counts["ticket_page_same_problem"] / counts["ticket_page_suggestions"], 3)
                if counts["ticket_page_suggestions"]
                else None
            ),
            "ticket_page_siblings_listed": (
                round(counts["ticket_page_siblings_listed"] / counts["ticket_page_siblings"], 3)
                if counts["ticket_page_siblings"]
                else None
            ),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, nargs="*", default=[7, 1, 2, 3, 4])
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "alike.json")
    args = parser.parse_args()
    config = ClusteringConfig(
        cross_language_min_concept_likeness=CROSS_LANGUAGE_MIN_CONCEPT_SIMILARITY
    )
    load_before = os.getloadavg()
    modes: dict[str, list[dict[str, Any]]] = {"idle_pass": [], "service_like": []}
    for seed in args.seeds:
        for mode, service_like in (("idle_pass", False), ("service_like", True)):
            run = run_world(seed, config, service_like=service_like, inspect=inspect)
            modes[mode].append({"seed": seed} | run["inspected"])
            print(f"seed {seed} {mode}: {json.dumps(run['inspected'])}", flush=True)
    document = {
        "benchmark": "alike",
        "description": (__doc__ or "").split("\n\n")[2].strip(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1m_before": round(load_before[0], 2),
            "load_average_1m_after": round(os.getloadavg()[0], 2),
        },
        "min_items": MIN_ITEMS,
        "limit": LIMIT,
        "summary": {mode: _pooled(runs) for mode, runs in modes.items()},
        "runs": modes,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(document["summary"], indent=1))


if __name__ == "__main__":
    main()
