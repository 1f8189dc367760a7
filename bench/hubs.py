"""Benchmark: themes the bridge forms for many distinct problems that share words ("hubs").

    .venv/bin/python bench/hubs.py [PROBLEMS ...]     (default 300 1000; writes bench/results/hubs.json)

The problems are those `bench/console.py` plans (`planned_problem`: area, object, symptom, where;
half in English, half in Japanese; any two share at most one word), four items each, one per
phrasing, in the order the console bench sends them. They go through the bridge's own stream
(`ThemeStream`, the service's default `ClusteringConfig`), then the idle pass consolidates once
more. Scores: themes formed beside the problems planned, problems per theme (the largest themes),
problems whose four items share one theme, NMI against the planned problems, and the same with
two-way splits only (`split_many_ways=False`, what the bridge did before), seconds per run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from sklearn.metrics import normalized_mutual_info_score  # type: ignore[import-untyped]

from banso_bridge.domain.clustering.config import ClusteringConfig
from banso_bridge.domain.clustering.stream import ThemeStream

sys.path.insert(0, str(Path(__file__).resolve().parent))
from console import PHRASINGS, planned_problem
from procstat import machine

ROOT = Path(__file__).resolve().parents[1]


def planned_items(problems: int) -> list[tuple[int, str]]:
    """(problem, text) of every item, oldest first (the console bench dates problem 0 newest)."""
    items = []
    for problem in range(problems):
        language, (a, o, s, w) = planned_problem(problem, problems)
        items += [(problem, p.format(a=a, o=o, s=s, w=w)) for p in PHRASINGS[language]]
    return items[::-1]


def run(problems: int, config: ClusteringConfig) -> dict[str, Any]:
    items = planned_items(problems)
    stream = ThemeStream(config)
    started = time.perf_counter()
    for index, (_, text) in enumerate(items):
        stream.place(str(index), text)
    stream.clusterer.consolidate(refit=stream.clusterer.representation_stale)
    seconds = time.perf_counter() - started
    final = stream.final_assignments()
    content: dict[int, Counter[int]] = defaultdict(Counter)
    for item, theme in final.items():
        content[theme][items[int(item)][0]] += 1
    held = sorted((len(problems) for problems in content.values()), reverse=True)
    per_item = len(items) // problems
    whole = sum(
        1 for problem in range(problems) if max(c[problem] for c in content.values()) == per_item
    )
    gold = [items[int(item)][0] for item in final]
    return {
        "themes": len(content),
        "problems_per_theme_largest": held[:5],
        "themes_with_one_problem": sum(1 for n in held if n == 1),
        "problems_kept_whole": whole,
        "nmi": round(float(normalized_mutual_info_score(gold, list(final.values()))), 4),
        "dimensions": stream.clusterer.model.dimensions,
        "seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("problems", type=int, nargs="*", default=[300, 1000])
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "hubs.json")
    args = parser.parse_args()
    load_at_start = list(os.getloadavg())
    runs = []
    for problems in args.problems:
        row: dict[str, Any] = {"problems": problems, "items": 4 * problems}
        for name, many in (("many_way_split", True), ("two_way_split_only", False)):
            row[name] = run(problems, ClusteringConfig(split_many_ways=many))
        print(json.dumps(row), flush=True)
        runs.append(row)
    document = {
        "benchmark": "hubs",
        "description": "themes the bridge forms for distinct planned problems that share words",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(load_at_start),
        "runs": runs,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=2) + "\n")
    print(f"-> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
